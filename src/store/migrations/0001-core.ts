/** 0001: accounts, directories, Root folders, AccessKeys, contacts, verification, outbox, audit. */
import { type Kysely, type Migration, sql } from 'kysely';

export const core: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('accounts')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('display_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('directories')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('master_account_id', 'varchar(32)', (c) => c.notNull().unique().references('accounts.id'))
      .addColumn('root_folder_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('folders')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('directory_id', 'varchar(32)', (c) => c.notNull().references('directories.id'))
      .addColumn('parent_folder_id', 'varchar(32)')
      .addColumn('name', 'varchar(128)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('access_keys')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('secret', 'varchar(128)', (c) => c.notNull())
      .addColumn('account_id', 'varchar(32)', (c) => c.notNull().references('accounts.id'))
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('contacts')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('directory_id', 'varchar(32)', (c) => c.notNull().references('directories.id'))
      .addColumn('name', 'varchar(64)', (c) => c.notNull())
      .addColumn('title', 'varchar(32)', (c) => c.notNull())
      .addColumn('message_types', 'varchar(512)', (c) => c.notNull())
      .addColumn('email', 'varchar(320)')
      .addColumn('phone', 'varchar(32)')
      .addColumn('lifecycle', 'varchar(16)', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('deleted_at', 'varchar(32)')
      .execute();
    await db.schema
      .createIndex('contacts_directory_name_live')
      .on('contacts')
      .columns(['directory_id', 'name'])
      .unique()
      .where(sql.ref('lifecycle'), '<>', 'Deleted')
      .execute();
    await db.schema
      .createIndex('contacts_directory_created')
      .on('contacts')
      .columns(['directory_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('pending_targets')
      .addColumn('contact_id', 'varchar(32)', (c) => c.notNull().references('contacts.id'))
      .addColumn('kind', 'varchar(8)', (c) => c.notNull())
      .addColumn('target', 'varchar(320)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('pending_targets_pk', ['contact_id', 'kind'])
      .execute();

    await db.schema
      .createTable('verification_tokens')
      .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('contact_id', 'varchar(32)', (c) => c.notNull().references('contacts.id'))
      .addColumn('kind', 'varchar(8)', (c) => c.notNull())
      .addColumn('target', 'varchar(320)', (c) => c.notNull())
      .addColumn('state', 'varchar(16)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('used_at', 'varchar(32)')
      .execute();
    await db.schema
      .createIndex('verification_tokens_contact')
      .on('verification_tokens')
      .columns(['contact_id', 'kind', 'state'])
      .execute();

    await db.schema
      .createTable('outbox')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('directory_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('contact_id', 'varchar(32)')
      .addColumn('channel', 'varchar(8)', (c) => c.notNull())
      .addColumn('purpose', 'varchar(32)', (c) => c.notNull())
      .addColumn('recipient', 'varchar(320)', (c) => c.notNull())
      .addColumn('subject', 'varchar(256)', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('link', 'varchar(1024)')
      .addColumn('transport', 'varchar(32)', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('outbox_recipient_created').on('outbox').columns(['recipient', 'created_at']).execute();
    await db.schema
      .createIndex('outbox_directory_created')
      .on('outbox')
      .columns(['directory_id', 'purpose', 'created_at'])
      .execute();

    await db.schema
      .createTable('audit_events')
      .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
      .addColumn('directory_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('contact_id', 'varchar(32)')
      .addColumn('action', 'varchar(64)', (c) => c.notNull())
      .addColumn('actor', 'varchar(64)', (c) => c.notNull())
      .addColumn('changes', 'text', (c) => c.notNull())
      .addColumn('request_id', 'varchar(64)')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('audit_events_contact')
      .on('audit_events')
      .columns(['contact_id', 'created_at'])
      .execute();
  },
};

/**
 * 0002: the resource directory tree (folder depth and ancestry, member accounts, tags), contact
 * bindings, message types as rows (for coverage queries), retained recipients and deletion jobs.
 */
import { type Kysely, type Migration, sql } from 'kysely';

export const directory: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('folders').addColumn('depth', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    // Folder names are unique under one parent (case-sensitive); the index settles concurrent creates.
    await db.schema.createIndex('folders_parent').on('folders').columns(['parent_folder_id', 'name']).unique().execute();

    // Every folder with each of its ancestors, itself included at distance 0.
    await db.schema
      .createTable('folder_ancestors')
      .addColumn('folder_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('ancestor_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('distance', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('folder_ancestors_pk', ['folder_id', 'ancestor_id'])
      .execute();
    await db.schema.createIndex('folder_ancestors_ancestor').on('folder_ancestors').columns(['ancestor_id', 'folder_id']).execute();
    await sql`insert into folder_ancestors (folder_id, ancestor_id, distance) select id, id, 0 from folders`.execute(db);

    await db.schema
      .createTable('members')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('directory_id', 'varchar(32)', (c) => c.notNull().references('directories.id'))
      .addColumn('folder_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('display_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('account_name', 'varchar(160)', (c) => c.notNull())
      .addColumn('type', 'varchar(32)', (c) => c.notNull())
      .addColumn('status', 'varchar(32)', (c) => c.notNull())
      .addColumn('join_method', 'varchar(16)', (c) => c.notNull())
      .addColumn('join_time', 'varchar(32)', (c) => c.notNull())
      .addColumn('modify_time', 'varchar(32)', (c) => c.notNull())
      .addColumn('payer_account_id', 'varchar(32)')
      .addColumn('resell_account_type', 'varchar(16)', (c) => c.notNull())
      .addColumn('removed_at', 'varchar(32)')
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('members_display_name_live')
      .on('members')
      .columns(['directory_id', 'display_name'])
      .unique()
      .where(sql.ref('removed_at'), 'is', null)
      .execute();
    await db.schema
      .createIndex('members_account_name_live')
      .on('members')
      .column('account_name')
      .unique()
      .where(sql.ref('removed_at'), 'is', null)
      .execute();
    await db.schema.createIndex('members_directory_joined').on('members').columns(['directory_id', 'join_time', 'id']).execute();
    await db.schema.createIndex('members_folder').on('members').columns(['folder_id']).execute();

    await db.schema
      .createTable('tags')
      .addColumn('resource_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('tag_key', 'varchar(128)', (c) => c.notNull())
      .addColumn('tag_value', 'varchar(128)', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('tags_pk', ['resource_id', 'tag_key'])
      .execute();
    await db.schema.createIndex('tags_key_value').on('tags').columns(['tag_key', 'tag_value']).execute();

    // A contact bound to the directory, a folder (Root included) or a member account.
    await db.schema
      .createTable('contact_bindings')
      .addColumn('contact_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('member_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('member_kind', 'varchar(16)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      // Binding order within one contact (several IDs bound by one call share created_at).
      .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('contact_bindings_pk', ['contact_id', 'member_id'])
      .execute();
    await db.schema.createIndex('contact_bindings_member').on('contact_bindings').columns(['member_id', 'contact_id']).execute();

    // The message types of each contact as rows, kept in step with contacts.message_types.
    await db.schema
      .createTable('contact_message_types')
      .addColumn('contact_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('message_type', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('contact_message_types_pk', ['contact_id', 'message_type'])
      .execute();
    const contacts = await db.selectFrom('contacts').select(['id', 'message_types']).execute();
    for (const contact of contacts as { id: string; message_types: string }[]) {
      for (const type of JSON.parse(contact.message_types) as string[]) {
        await db.insertInto('contact_message_types').values({ contact_id: contact.id, message_type: type }).execute();
      }
    }

    // A deleted contact that an account keeps as a recipient (DeleteMessageContact, retain = true).
    await db.schema
      .createTable('retained_recipients')
      .addColumn('account_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('contact_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('message_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('name', 'varchar(64)', (c) => c.notNull())
      .addColumn('email', 'varchar(320)')
      .addColumn('phone', 'varchar(32)')
      .addColumn('retained_at', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('retained_recipients_pk', ['account_id', 'contact_id', 'message_type'])
      .execute();
    await db.schema.createIndex('retained_recipients_contact').on('retained_recipients').columns(['contact_id']).execute();

    // The asynchronous delete (retain = false): one job per contact, and its per-account progress.
    await db.schema
      .createTable('contact_deletions')
      .addColumn('contact_id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('directory_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('actor', 'varchar(64)', (c) => c.notNull())
      .addColumn('started_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('lease_owner', 'varchar(64)')
      .addColumn('lease_expires_at', 'varchar(32)')
      .execute();
    await db.schema
      .createTable('deletion_progress')
      .addColumn('contact_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('account_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
      .addColumn('message_types', 'varchar(512)')
      .addColumn('processed_at', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('deletion_progress_pk', ['contact_id', 'account_id'])
      .execute();
  },
};

/**
 * 0008: RAM identities and policies of each management account (spec ram.md §2): users, groups and
 * their memberships, custom policies with their versions and tags, attachments of system and custom
 * policies to users and groups, login profiles and the password policy.
 *
 * - Every table is scoped by `account_id`. Names are unique per account case-insensitively and
 *   stored as given: a lower-cased `name_key` column carries the unique index.
 * - `ram_issued_ids` remembers every UserId and GroupId ever handed out, so a deleted user's or
 *   group's ID is never handed out again.
 * - `access_keys` learns its owner (`user_id`, null for the account's root keys, which every key
 *   stored before this migration is) and when it was last used.
 * - `accounts.ram_revision` moves with every change that can alter an authorization decision, so an
 *   authorizer may keep compiled policies until it moves.
 * - `audit_events.principal` says who acted (root or which RAM user), beside the AccessKey in `actor`.
 */
import { type Kysely, type Migration, sql } from 'kysely';

const timestamp = 'varchar(32)';
const accountRef = 'accounts.id';

export const ramIdentities: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('ram_issued_ids')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('kind', 'varchar(8)', (c) => c.notNull())
      .addColumn('issued_at', timestamp, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('ram_users')
      .addColumn('user_id', 'varchar(16)', (c) => c.primaryKey())
      .addColumn('account_id', 'varchar(32)', (c) => c.notNull().references(accountRef))
      .addColumn('user_name', 'varchar(64)', (c) => c.notNull())
      .addColumn('name_key', 'varchar(64)', (c) => c.notNull())
      .addColumn('display_name', 'varchar(128)')
      .addColumn('email', 'varchar(320)')
      .addColumn('mobile_phone', 'varchar(32)')
      .addColumn('comments', 'varchar(128)')
      .addColumn('created_at', timestamp, (c) => c.notNull())
      .addColumn('updated_at', timestamp, (c) => c.notNull())
      .addColumn('last_login_at', timestamp)
      .execute();
    await db.schema.createIndex('ram_users_account_name').on('ram_users').columns(['account_id', 'name_key']).unique().execute();
    await db.schema.createIndex('ram_users_account_created').on('ram_users').columns(['account_id', 'created_at', 'user_id']).execute();

    await db.schema
      .createTable('ram_groups')
      .addColumn('group_id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('account_id', 'varchar(32)', (c) => c.notNull().references(accountRef))
      .addColumn('group_name', 'varchar(64)', (c) => c.notNull())
      .addColumn('name_key', 'varchar(64)', (c) => c.notNull())
      .addColumn('comments', 'varchar(128)')
      .addColumn('created_at', timestamp, (c) => c.notNull())
      .addColumn('updated_at', timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('ram_groups_account_name').on('ram_groups').columns(['account_id', 'name_key']).unique().execute();
    await db.schema.createIndex('ram_groups_account_created').on('ram_groups').columns(['account_id', 'created_at', 'group_id']).execute();

    await db.schema
      .createTable('ram_memberships')
      .addColumn('group_id', 'varchar(32)', (c) => c.notNull().references('ram_groups.group_id'))
      .addColumn('user_id', 'varchar(16)', (c) => c.notNull().references('ram_users.user_id'))
      .addColumn('account_id', 'varchar(32)', (c) => c.notNull().references(accountRef))
      .addColumn('joined_at', timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('ram_memberships_pk', ['group_id', 'user_id'])
      .execute();
    await db.schema.createIndex('ram_memberships_user').on('ram_memberships').columns(['user_id', 'joined_at']).execute();

    await db.schema
      .createTable('ram_policies')
      .addColumn('account_id', 'varchar(32)', (c) => c.notNull().references(accountRef))
      .addColumn('name_key', 'varchar(128)', (c) => c.notNull())
      .addColumn('policy_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('description', 'varchar(1024)')
      .addColumn('default_version', 'integer', (c) => c.notNull())
      .addColumn('last_version', 'integer', (c) => c.notNull())
      .addColumn('created_at', timestamp, (c) => c.notNull())
      .addColumn('updated_at', timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('ram_policies_pk', ['account_id', 'name_key'])
      .execute();
    await db.schema.createIndex('ram_policies_account_created').on('ram_policies').columns(['account_id', 'created_at', 'name_key']).execute();

    await db.schema
      .createTable('ram_policy_versions')
      .addColumn('account_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('policy_key', 'varchar(128)', (c) => c.notNull())
      .addColumn('version_number', 'integer', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('created_at', timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('ram_policy_versions_pk', ['account_id', 'policy_key', 'version_number'])
      .addForeignKeyConstraint('ram_policy_versions_policy', ['account_id', 'policy_key'], 'ram_policies', ['account_id', 'name_key'])
      .execute();

    await db.schema
      .createTable('ram_attachments')
      .addColumn('account_id', 'varchar(32)', (c) => c.notNull().references(accountRef))
      .addColumn('policy_type', 'varchar(8)', (c) => c.notNull())
      .addColumn('policy_key', 'varchar(128)', (c) => c.notNull())
      .addColumn('principal_type', 'varchar(8)', (c) => c.notNull())
      .addColumn('principal_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('attached_at', timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('ram_attachments_pk', ['account_id', 'policy_type', 'policy_key', 'principal_type', 'principal_id'])
      .execute();
    await db.schema
      .createIndex('ram_attachments_principal')
      .on('ram_attachments')
      .columns(['principal_type', 'principal_id', 'attached_at'])
      .execute();

    await db.schema
      .createTable('ram_login_profiles')
      .addColumn('user_id', 'varchar(16)', (c) => c.primaryKey().references('ram_users.user_id'))
      .addColumn('account_id', 'varchar(32)', (c) => c.notNull().references(accountRef))
      .addColumn('password_hash', 'varchar(256)', (c) => c.notNull())
      .addColumn('password_history', 'text', (c) => c.notNull())
      .addColumn('password_reset_required', 'integer', (c) => c.notNull())
      .addColumn('mfa_bind_required', 'integer', (c) => c.notNull())
      .addColumn('created_at', timestamp, (c) => c.notNull())
      .addColumn('updated_at', timestamp, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('ram_password_policies')
      .addColumn('account_id', 'varchar(32)', (c) => c.primaryKey().references(accountRef))
      .addColumn('minimum_password_length', 'integer', (c) => c.notNull())
      .addColumn('require_lowercase_characters', 'integer', (c) => c.notNull())
      .addColumn('require_uppercase_characters', 'integer', (c) => c.notNull())
      .addColumn('require_numbers', 'integer', (c) => c.notNull())
      .addColumn('require_symbols', 'integer', (c) => c.notNull())
      .addColumn('hard_expiry', 'integer', (c) => c.notNull())
      .addColumn('max_password_age', 'integer', (c) => c.notNull())
      .addColumn('password_reuse_prevention', 'integer', (c) => c.notNull())
      .addColumn('max_login_attemps', 'integer', (c) => c.notNull())
      .addColumn('updated_at', timestamp, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('ram_policy_tags')
      .addColumn('account_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('policy_key', 'varchar(128)', (c) => c.notNull())
      .addColumn('tag_key', 'varchar(128)', (c) => c.notNull())
      .addColumn('tag_value', 'varchar(256)', (c) => c.notNull())
      .addPrimaryKeyConstraint('ram_policy_tags_pk', ['account_id', 'policy_key', 'tag_key'])
      .addForeignKeyConstraint('ram_policy_tags_policy', ['account_id', 'policy_key'], 'ram_policies', ['account_id', 'name_key'])
      .execute();

    // Every key stored so far is a root key of its account and was never used as far as we know.
    await db.schema.alterTable('access_keys').addColumn('user_id', 'varchar(16)', (c) => c.references('ram_users.user_id')).execute();
    await db.schema.alterTable('access_keys').addColumn('last_used_at', timestamp).execute();
    await db.schema.createIndex('access_keys_account_user').on('access_keys').columns(['account_id', 'user_id']).execute();

    await db.schema
      .alterTable('accounts')
      .addColumn('ram_revision', 'integer', (c) => c.notNull().defaultTo(sql`0`))
      .execute();

    await db.schema.alterTable('audit_events').addColumn('principal', 'varchar(64)').execute();
  },
};

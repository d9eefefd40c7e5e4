/**
 * The queries of RAM identities and policies (migration 0008), over any Kysely executor (the
 * database or a transaction). Dialect-neutral. Every query names the account it works in, so one
 * account never reads or changes another's rows; the domain decides what the rows mean.
 */
import { type Expression, type Insertable, type Kysely, type Selectable, type SqlBool, type Updateable, sql } from 'kysely';
import type {
  Database,
  RamAttachmentsTable,
  RamGroupsTable,
  RamLoginProfilesTable,
  RamMembershipsTable,
  RamPasswordPoliciesTable,
  RamPoliciesTable,
  RamPolicyType,
  RamPolicyVersionsTable,
  RamPrincipalType,
  RamUsersTable,
} from './schema.js';

export type RamUserRow = Selectable<RamUsersTable>;
export type RamGroupRow = Selectable<RamGroupsTable>;
export type RamPolicyRow = Selectable<RamPoliciesTable>;
export type RamPolicyVersionRow = Selectable<RamPolicyVersionsTable>;
export type RamLoginProfileRow = Selectable<RamLoginProfilesTable>;
export type RamPasswordPolicyRow = Selectable<RamPasswordPoliciesTable>;
export type RamAttachmentRow = Selectable<RamAttachmentsTable>;

/** The key a name is unique under: names are compared case-insensitively (and are ASCII). */
export const nameKeyOf = (name: string): string => name.toLowerCase();

/** A keyset position: the rows after (sort value, tie-breaking id). */
export type After = readonly [string, string];

/** `(a > x or (a = x and b > y))` over the columns `first`, `second`: the rows after a keyset position. */
function afterPosition(first: string, second: string, after: After): Expression<SqlBool> {
  const [a, b] = [sql.ref(first), sql.ref(second)];
  return sql<SqlBool>`(${a} > ${after[0]} or (${a} = ${after[0]} and ${b} > ${after[1]}))`;
}

const count = (row: { count: number | string | bigint } | undefined): number => Number(row?.count ?? 0);

/** The account row's RAM revision, and the IDs ever handed out. */
export class RamAccountRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Moves the account's RAM revision: cached authorization state of the account is stale. */
  async bumpRevision(accountId: string): Promise<void> {
    await this.db
      .updateTable('accounts')
      .set((eb) => ({ ram_revision: eb('ram_revision', '+', 1) }))
      .where('id', '=', accountId)
      .execute();
  }

  async revision(accountId: string): Promise<number | undefined> {
    const row = await this.db.selectFrom('accounts').select('ram_revision').where('id', '=', accountId).executeTakeFirst();
    return row === undefined ? undefined : Number(row.ram_revision);
  }

  /** Records `id` as handed out; false when it already was (by anyone, ever). */
  async claimId(id: string, kind: 'user' | 'group', at: string): Promise<boolean> {
    const result = await this.db
      .insertInto('ram_issued_ids')
      .values({ id, kind, issued_at: at })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }
}

/** What still refers to a user: DeleteUser refuses while any of it is there. */
export interface UserDependents {
  accessKeys: number;
  loginProfile: boolean;
  groups: number;
  policies: number;
}

export class RamUserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async findByName(accountId: string, userName: string): Promise<RamUserRow | undefined> {
    return this.db
      .selectFrom('ram_users')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('name_key', '=', nameKeyOf(userName))
      .executeTakeFirst();
  }

  async findById(accountId: string, userId: string): Promise<RamUserRow | undefined> {
    return this.db.selectFrom('ram_users').selectAll().where('account_id', '=', accountId).where('user_id', '=', userId).executeTakeFirst();
  }

  async count(accountId: string): Promise<number> {
    return count(
      await this.db
        .selectFrom('ram_users')
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .where('account_id', '=', accountId)
        .executeTakeFirst(),
    );
  }

  async insert(row: Insertable<RamUsersTable>): Promise<void> {
    await this.db.insertInto('ram_users').values(row).execute();
  }

  async update(accountId: string, userId: string, changes: Updateable<RamUsersTable>): Promise<void> {
    await this.db.updateTable('ram_users').set(changes).where('account_id', '=', accountId).where('user_id', '=', userId).execute();
  }

  async remove(accountId: string, userId: string): Promise<void> {
    await this.db.deleteFrom('ram_users').where('account_id', '=', accountId).where('user_id', '=', userId).execute();
  }

  /** Users in creation order, after `after` ([created_at, user_id]). */
  async page(accountId: string, after: After | undefined, limit: number): Promise<RamUserRow[]> {
    let query = this.db.selectFrom('ram_users').selectAll().where('account_id', '=', accountId);
    if (after) query = query.where(afterPosition('created_at', 'user_id', after));
    return query.orderBy('created_at').orderBy('user_id').limit(limit).execute();
  }

  /** Everything that still refers to the user, in one query. */
  async dependents(userId: string): Promise<UserDependents> {
    const row = await this.db
      .selectNoFrom((eb) => [
        eb.selectFrom('access_keys').select((e) => e.fn.countAll<number | string>().as('n')).where('user_id', '=', userId).as('access_keys'),
        eb.selectFrom('ram_login_profiles').select((e) => e.fn.countAll<number | string>().as('n')).where('user_id', '=', userId).as('login_profiles'),
        eb.selectFrom('ram_memberships').select((e) => e.fn.countAll<number | string>().as('n')).where('user_id', '=', userId).as('groups'),
        eb
          .selectFrom('ram_attachments')
          .select((e) => e.fn.countAll<number | string>().as('n'))
          .where('principal_type', '=', 'User')
          .where('principal_id', '=', userId)
          .as('policies'),
      ])
      .executeTakeFirstOrThrow();
    return {
      accessKeys: Number(row.access_keys ?? 0),
      loginProfile: Number(row.login_profiles ?? 0) > 0,
      groups: Number(row.groups ?? 0),
      policies: Number(row.policies ?? 0),
    };
  }
}

/** What still refers to a group: DeleteGroup refuses while any of it is there. */
export interface GroupDependents {
  members: number;
  policies: number;
}

export class RamGroupRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async findByName(accountId: string, groupName: string): Promise<RamGroupRow | undefined> {
    return this.db
      .selectFrom('ram_groups')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('name_key', '=', nameKeyOf(groupName))
      .executeTakeFirst();
  }

  async count(accountId: string): Promise<number> {
    return count(
      await this.db
        .selectFrom('ram_groups')
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .where('account_id', '=', accountId)
        .executeTakeFirst(),
    );
  }

  async insert(row: Insertable<RamGroupsTable>): Promise<void> {
    await this.db.insertInto('ram_groups').values(row).execute();
  }

  async update(accountId: string, groupId: string, changes: Updateable<RamGroupsTable>): Promise<void> {
    await this.db.updateTable('ram_groups').set(changes).where('account_id', '=', accountId).where('group_id', '=', groupId).execute();
  }

  async remove(accountId: string, groupId: string): Promise<void> {
    await this.db.deleteFrom('ram_groups').where('account_id', '=', accountId).where('group_id', '=', groupId).execute();
  }

  /** Groups in creation order, after `after` ([created_at, group_id]). */
  async page(accountId: string, after: After | undefined, limit: number): Promise<RamGroupRow[]> {
    let query = this.db.selectFrom('ram_groups').selectAll().where('account_id', '=', accountId);
    if (after) query = query.where(afterPosition('created_at', 'group_id', after));
    return query.orderBy('created_at').orderBy('group_id').limit(limit).execute();
  }

  async dependents(groupId: string): Promise<GroupDependents> {
    const row = await this.db
      .selectNoFrom((eb) => [
        eb.selectFrom('ram_memberships').select((e) => e.fn.countAll<number | string>().as('n')).where('group_id', '=', groupId).as('members'),
        eb
          .selectFrom('ram_attachments')
          .select((e) => e.fn.countAll<number | string>().as('n'))
          .where('principal_type', '=', 'Group')
          .where('principal_id', '=', groupId)
          .as('policies'),
      ])
      .executeTakeFirstOrThrow();
    return { members: Number(row.members ?? 0), policies: Number(row.policies ?? 0) };
  }
}

export interface GroupOfUserRow {
  group_id: string;
  group_name: string;
  comments: string | null;
  joined_at: string;
}

export interface UserOfGroupRow {
  user_id: string;
  user_name: string;
  display_name: string | null;
  joined_at: string;
}

export class RamMembershipRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async exists(groupId: string, userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('ram_memberships')
      .select('joined_at')
      .where('group_id', '=', groupId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async insert(row: Insertable<RamMembershipsTable>): Promise<void> {
    await this.db.insertInto('ram_memberships').values(row).execute();
  }

  async remove(groupId: string, userId: string): Promise<void> {
    await this.db.deleteFrom('ram_memberships').where('group_id', '=', groupId).where('user_id', '=', userId).execute();
  }

  async countForUser(userId: string): Promise<number> {
    return count(
      await this.db
        .selectFrom('ram_memberships')
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .where('user_id', '=', userId)
        .executeTakeFirst(),
    );
  }

  /** The user's groups, in the order it joined them. */
  async groupsOfUser(userId: string): Promise<GroupOfUserRow[]> {
    return this.db
      .selectFrom('ram_memberships')
      .innerJoin('ram_groups', 'ram_groups.group_id', 'ram_memberships.group_id')
      .select(['ram_groups.group_id', 'ram_groups.group_name', 'ram_groups.comments', 'ram_memberships.joined_at'])
      .where('ram_memberships.user_id', '=', userId)
      .orderBy('ram_memberships.joined_at')
      .orderBy('ram_groups.group_id')
      .execute();
  }

  /** The group's members in the order they joined, after `after` ([joined_at, user_id]). */
  async usersOfGroup(groupId: string, after: After | undefined, limit: number): Promise<UserOfGroupRow[]> {
    let query = this.db
      .selectFrom('ram_memberships')
      .innerJoin('ram_users', 'ram_users.user_id', 'ram_memberships.user_id')
      .select(['ram_users.user_id', 'ram_users.user_name', 'ram_users.display_name', 'ram_memberships.joined_at'])
      .where('ram_memberships.group_id', '=', groupId);
    if (after) query = query.where(afterPosition('ram_memberships.joined_at', 'ram_memberships.user_id', after));
    return query.orderBy('ram_memberships.joined_at').orderBy('ram_memberships.user_id').limit(limit).execute();
  }
}

/** A tag a listing must carry: `value` undefined matches any value. */
export interface PolicyTagFilter {
  key: string;
  value: string | undefined;
}

/**
 * `exists (…)` per filter, ANDed: the custom policy whose account and key are the columns
 * `accountColumn`, `keyColumn` carries every tag of `tags` (non-empty).
 */
function carriesTags(accountColumn: string, keyColumn: string, tags: readonly PolicyTagFilter[]): Expression<SqlBool> {
  const each = tags.map(
    (tag) =>
      sql`exists (select 1 from ram_policy_tags f where f.account_id = ${sql.ref(accountColumn)} and f.policy_key = ${sql.ref(keyColumn)} and f.tag_key = ${tag.key}${
        tag.value === undefined ? sql`` : sql` and f.tag_value = ${tag.value}`
      })`,
  );
  return sql<SqlBool>`(${sql.join(each, sql` and `)})`;
}

export class RamPolicyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async find(accountId: string, policyName: string): Promise<RamPolicyRow | undefined> {
    return this.db
      .selectFrom('ram_policies')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('name_key', '=', nameKeyOf(policyName))
      .executeTakeFirst();
  }

  async count(accountId: string): Promise<number> {
    return count(
      await this.db
        .selectFrom('ram_policies')
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .where('account_id', '=', accountId)
        .executeTakeFirst(),
    );
  }

  async insert(row: Insertable<RamPoliciesTable>): Promise<void> {
    await this.db.insertInto('ram_policies').values(row).execute();
  }

  async update(accountId: string, nameKey: string, changes: Updateable<RamPoliciesTable>): Promise<void> {
    await this.db.updateTable('ram_policies').set(changes).where('account_id', '=', accountId).where('name_key', '=', nameKey).execute();
  }

  /** The policy with its versions and tags. */
  async remove(accountId: string, nameKey: string): Promise<void> {
    await this.db.deleteFrom('ram_policy_tags').where('account_id', '=', accountId).where('policy_key', '=', nameKey).execute();
    await this.db.deleteFrom('ram_policy_versions').where('account_id', '=', accountId).where('policy_key', '=', nameKey).execute();
    await this.db.deleteFrom('ram_policies').where('account_id', '=', accountId).where('name_key', '=', nameKey).execute();
  }

  /** Custom policies in creation order, after `after` ([created_at, name_key]), carrying every tag of `tags`. */
  async page(accountId: string, after: After | undefined, limit: number, tags: readonly PolicyTagFilter[]): Promise<RamPolicyRow[]> {
    let query = this.db.selectFrom('ram_policies').selectAll().where('account_id', '=', accountId);
    if (after) query = query.where(afterPosition('created_at', 'name_key', after));
    if (tags.length > 0) query = query.where(carriesTags('ram_policies.account_id', 'ram_policies.name_key', tags));
    return query.orderBy('created_at').orderBy('name_key').limit(limit).execute();
  }

  /** Oldest first. */
  async versions(accountId: string, nameKey: string): Promise<RamPolicyVersionRow[]> {
    return this.db
      .selectFrom('ram_policy_versions')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('policy_key', '=', nameKey)
      .orderBy('version_number')
      .execute();
  }

  async findVersion(accountId: string, nameKey: string, versionNumber: number): Promise<RamPolicyVersionRow | undefined> {
    return this.db
      .selectFrom('ram_policy_versions')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('policy_key', '=', nameKey)
      .where('version_number', '=', versionNumber)
      .executeTakeFirst();
  }

  async insertVersion(row: Insertable<RamPolicyVersionsTable>): Promise<void> {
    await this.db.insertInto('ram_policy_versions').values(row).execute();
  }

  async removeVersion(accountId: string, nameKey: string, versionNumber: number): Promise<void> {
    await this.db
      .deleteFrom('ram_policy_versions')
      .where('account_id', '=', accountId)
      .where('policy_key', '=', nameKey)
      .where('version_number', '=', versionNumber)
      .execute();
  }

  /** Every version but the default one. */
  async removeNonDefaultVersions(accountId: string, nameKey: string, defaultVersion: number): Promise<void> {
    await this.db
      .deleteFrom('ram_policy_versions')
      .where('account_id', '=', accountId)
      .where('policy_key', '=', nameKey)
      .where('version_number', '<>', defaultVersion)
      .execute();
  }
}

/** An attachment with what a listing of a principal's policies shows of a custom policy. */
export interface AttachedPolicyRow {
  policy_type: RamPolicyType;
  policy_key: string;
  attached_at: string;
  /** Custom policies only (null for system ones, which are not stored). */
  policy_name: string | null;
  description: string | null;
  default_version: number | null;
}

export interface AttachedUserRow {
  user_id: string;
  user_name: string;
  display_name: string | null;
  attached_at: string;
}

export interface AttachedGroupRow {
  group_id: string;
  group_name: string;
  comments: string | null;
  attached_at: string;
}

/** One policy that governs a user, with the document of its default version (custom policies). */
export interface PolicyInForceRow {
  policy_type: RamPolicyType;
  policy_key: string;
  policy_name: string | null;
  default_version: number | null;
  document: string | null;
}

export class RamAttachmentRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async exists(accountId: string, policyType: RamPolicyType, policyKey: string, principalType: RamPrincipalType, principalId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('ram_attachments')
      .select('attached_at')
      .where('account_id', '=', accountId)
      .where('policy_type', '=', policyType)
      .where('policy_key', '=', policyKey)
      .where('principal_type', '=', principalType)
      .where('principal_id', '=', principalId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async insert(row: Insertable<RamAttachmentsTable>): Promise<void> {
    await this.db.insertInto('ram_attachments').values(row).execute();
  }

  async remove(accountId: string, policyType: RamPolicyType, policyKey: string, principalType: RamPrincipalType, principalId: string): Promise<void> {
    await this.db
      .deleteFrom('ram_attachments')
      .where('account_id', '=', accountId)
      .where('policy_type', '=', policyType)
      .where('policy_key', '=', policyKey)
      .where('principal_type', '=', principalType)
      .where('principal_id', '=', principalId)
      .execute();
  }

  /** How many policies of `policyType` are attached to the principal. */
  async countForPrincipal(principalType: RamPrincipalType, principalId: string, policyType: RamPolicyType): Promise<number> {
    return count(
      await this.db
        .selectFrom('ram_attachments')
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .where('principal_type', '=', principalType)
        .where('principal_id', '=', principalId)
        .where('policy_type', '=', policyType)
        .executeTakeFirst(),
    );
  }

  /** Users and groups the policy is attached to, counted apart. */
  async countForPolicy(accountId: string, policyType: RamPolicyType, policyKey: string): Promise<{ users: number; groups: number }> {
    const rows = await this.db
      .selectFrom('ram_attachments')
      .select((eb) => ['principal_type', eb.fn.countAll<number | string>().as('count')])
      .where('account_id', '=', accountId)
      .where('policy_type', '=', policyType)
      .where('policy_key', '=', policyKey)
      .groupBy('principal_type')
      .execute();
    const of = (type: RamPrincipalType) => Number(rows.find((row) => row.principal_type === type)?.count ?? 0);
    return { users: of('User'), groups: of('Group') };
  }

  /** Attachment counts (users + groups) of several policies of one type, by policy key. */
  async countsForPolicies(accountId: string, policyType: RamPolicyType, policyKeys: readonly string[]): Promise<Map<string, number>> {
    if (policyKeys.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('ram_attachments')
      .select((eb) => ['policy_key', eb.fn.countAll<number | string>().as('count')])
      .where('account_id', '=', accountId)
      .where('policy_type', '=', policyType)
      .where('policy_key', 'in', policyKeys)
      .groupBy('policy_key')
      .execute();
    return new Map(rows.map((row) => [row.policy_key, Number(row.count)]));
  }

  /** The policies attached directly to a principal, in attachment order. */
  async forPrincipal(accountId: string, principalType: RamPrincipalType, principalId: string): Promise<AttachedPolicyRow[]> {
    return this.db
      .selectFrom('ram_attachments as a')
      .leftJoin('ram_policies as p', (join) =>
        join.onRef('p.account_id', '=', 'a.account_id').onRef('p.name_key', '=', 'a.policy_key').on('a.policy_type', '=', 'Custom'),
      )
      .select(['a.policy_type', 'a.policy_key', 'a.attached_at', 'p.policy_name', 'p.description', 'p.default_version'])
      .where('a.account_id', '=', accountId)
      .where('a.principal_type', '=', principalType)
      .where('a.principal_id', '=', principalId)
      .orderBy('a.attached_at')
      .orderBy('a.policy_type')
      .orderBy('a.policy_key')
      .execute();
  }

  async usersOfPolicy(accountId: string, policyType: RamPolicyType, policyKey: string): Promise<AttachedUserRow[]> {
    return this.db
      .selectFrom('ram_attachments as a')
      .innerJoin('ram_users as u', 'u.user_id', 'a.principal_id')
      .select(['u.user_id', 'u.user_name', 'u.display_name', 'a.attached_at'])
      .where('a.account_id', '=', accountId)
      .where('a.policy_type', '=', policyType)
      .where('a.policy_key', '=', policyKey)
      .where('a.principal_type', '=', 'User')
      .orderBy('a.attached_at')
      .orderBy('u.user_id')
      .execute();
  }

  async groupsOfPolicy(accountId: string, policyType: RamPolicyType, policyKey: string): Promise<AttachedGroupRow[]> {
    return this.db
      .selectFrom('ram_attachments as a')
      .innerJoin('ram_groups as g', 'g.group_id', 'a.principal_id')
      .select(['g.group_id', 'g.group_name', 'g.comments', 'a.attached_at'])
      .where('a.account_id', '=', accountId)
      .where('a.policy_type', '=', policyType)
      .where('a.policy_key', '=', policyKey)
      .where('a.principal_type', '=', 'Group')
      .orderBy('a.attached_at')
      .orderBy('g.group_id')
      .execute();
  }

  /**
   * Every policy attached to the user directly or through one of its groups, each once, with the
   * document of a custom policy's default version: one query.
   */
  async inForce(accountId: string, userId: string): Promise<PolicyInForceRow[]> {
    return this.db
      .selectFrom('ram_attachments as a')
      .leftJoin('ram_policies as p', (join) =>
        join.onRef('p.account_id', '=', 'a.account_id').onRef('p.name_key', '=', 'a.policy_key').on('a.policy_type', '=', 'Custom'),
      )
      .leftJoin('ram_policy_versions as v', (join) =>
        join.onRef('v.account_id', '=', 'p.account_id').onRef('v.policy_key', '=', 'p.name_key').onRef('v.version_number', '=', 'p.default_version'),
      )
      .select(['a.policy_type', 'a.policy_key', 'p.policy_name', 'p.default_version', 'v.document'])
      .distinct()
      .where('a.account_id', '=', accountId)
      .where((eb) =>
        eb.or([
          eb.and([eb('a.principal_type', '=', 'User'), eb('a.principal_id', '=', userId)]),
          eb.and([
            eb('a.principal_type', '=', 'Group'),
            eb('a.principal_id', 'in', eb.selectFrom('ram_memberships as m').select('m.group_id').where('m.user_id', '=', userId)),
          ]),
        ]),
      )
      .orderBy('a.policy_type', 'desc')
      .orderBy('a.policy_key')
      .execute();
  }
}

export class RamLoginProfileRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async find(userId: string): Promise<RamLoginProfileRow | undefined> {
    return this.db.selectFrom('ram_login_profiles').selectAll().where('user_id', '=', userId).executeTakeFirst();
  }

  async insert(row: Insertable<RamLoginProfilesTable>): Promise<void> {
    await this.db.insertInto('ram_login_profiles').values(row).execute();
  }

  async update(userId: string, changes: Updateable<RamLoginProfilesTable>): Promise<void> {
    await this.db.updateTable('ram_login_profiles').set(changes).where('user_id', '=', userId).execute();
  }

  async remove(userId: string): Promise<void> {
    await this.db.deleteFrom('ram_login_profiles').where('user_id', '=', userId).execute();
  }
}

export class RamPasswordPolicyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async find(accountId: string): Promise<RamPasswordPolicyRow | undefined> {
    return this.db.selectFrom('ram_password_policies').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  }

  async put(row: Insertable<RamPasswordPoliciesTable>): Promise<void> {
    const { account_id: _, ...changes } = row;
    await this.db
      .insertInto('ram_password_policies')
      .values(row)
      .onConflict((oc) => oc.column('account_id').doUpdateSet(changes))
      .execute();
  }
}

export interface PolicyTagRow {
  policy_key: string;
  policy_name: string;
  tag_key: string;
  tag_value: string;
}

export class RamPolicyTagRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The tags of the given custom policies, by policy then key. */
  async forPolicies(accountId: string, policyKeys: readonly string[]): Promise<PolicyTagRow[]> {
    if (policyKeys.length === 0) return [];
    return this.db
      .selectFrom('ram_policy_tags as t')
      .innerJoin('ram_policies as p', (join) => join.onRef('p.account_id', '=', 't.account_id').onRef('p.name_key', '=', 't.policy_key'))
      .select(['t.policy_key', 'p.policy_name', 't.tag_key', 't.tag_value'])
      .where('t.account_id', '=', accountId)
      .where('t.policy_key', 'in', policyKeys)
      .orderBy('t.policy_key')
      .orderBy('t.tag_key')
      .execute();
  }

  /** Adds the tags, replacing the value of a key the policy already carries. */
  async put(accountId: string, policyKey: string, tags: readonly { key: string; value: string }[]): Promise<void> {
    for (const tag of tags) {
      await this.db
        .insertInto('ram_policy_tags')
        .values({ account_id: accountId, policy_key: policyKey, tag_key: tag.key, tag_value: tag.value })
        .onConflict((oc) => oc.columns(['account_id', 'policy_key', 'tag_key']).doUpdateSet({ tag_value: tag.value }))
        .execute();
    }
  }

  /** Removes the given keys from the policy, or every tag when `keys` is undefined. */
  async remove(accountId: string, policyKey: string, keys: readonly string[] | undefined): Promise<void> {
    if (keys !== undefined && keys.length === 0) return;
    let query = this.db.deleteFrom('ram_policy_tags').where('account_id', '=', accountId).where('policy_key', '=', policyKey);
    if (keys !== undefined) query = query.where('tag_key', 'in', keys);
    await query.execute();
  }

  /**
   * Tags of the account's custom policies, by policy key then tag key, after `after`
   * ([policy_key, tag_key]): only of `policyKeys` when given, only of policies that carry every tag
   * of `filter`.
   */
  async page(
    accountId: string,
    options: { policyKeys?: readonly string[]; filter: readonly PolicyTagFilter[]; after?: After; limit: number },
  ): Promise<PolicyTagRow[]> {
    let query = this.db
      .selectFrom('ram_policy_tags as t')
      .innerJoin('ram_policies', (join) =>
        join.onRef('ram_policies.account_id', '=', 't.account_id').onRef('ram_policies.name_key', '=', 't.policy_key'),
      )
      .select(['t.policy_key', 'ram_policies.policy_name', 't.tag_key', 't.tag_value'])
      .where('t.account_id', '=', accountId);
    if (options.policyKeys !== undefined) {
      if (options.policyKeys.length === 0) return [];
      query = query.where('t.policy_key', 'in', options.policyKeys);
    }
    const after = options.after;
    if (after) query = query.where(afterPosition('t.policy_key', 't.tag_key', after));
    if (options.filter.length > 0) query = query.where(carriesTags('t.account_id', 't.policy_key', options.filter));
    return query.orderBy('t.policy_key').orderBy('t.tag_key').limit(options.limit).execute();
  }

  async count(accountId: string, policyKey: string): Promise<number> {
    return count(
      await this.db
        .selectFrom('ram_policy_tags')
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .where('account_id', '=', accountId)
        .where('policy_key', '=', policyKey)
        .executeTakeFirst(),
    );
  }

  /** The keys the policy carries. */
  async keys(accountId: string, policyKey: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('ram_policy_tags')
      .select('tag_key')
      .where('account_id', '=', accountId)
      .where('policy_key', '=', policyKey)
      .execute();
    return rows.map((row) => row.tag_key);
  }
}

/** The RAM repositories over one executor. */
export interface IdentityRepositories {
  accounts: RamAccountRepository;
  users: RamUserRepository;
  groups: RamGroupRepository;
  memberships: RamMembershipRepository;
  policies: RamPolicyRepository;
  attachments: RamAttachmentRepository;
  loginProfiles: RamLoginProfileRepository;
  passwordPolicies: RamPasswordPolicyRepository;
  policyTags: RamPolicyTagRepository;
}

export function identityRepositories(db: Kysely<Database>): IdentityRepositories {
  return {
    accounts: new RamAccountRepository(db),
    users: new RamUserRepository(db),
    groups: new RamGroupRepository(db),
    memberships: new RamMembershipRepository(db),
    policies: new RamPolicyRepository(db),
    attachments: new RamAttachmentRepository(db),
    loginProfiles: new RamLoginProfileRepository(db),
    passwordPolicies: new RamPasswordPolicyRepository(db),
    policyTags: new RamPolicyTagRepository(db),
  };
}

/**
 * Queries of the directory tree: folders (with their depth and folder_ancestors closure rows),
 * member accounts and tags. Dialect-neutral: no SQLite-only SQL.
 */
import { type Kysely, type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import type { Database, FoldersTable, MembersTable } from './schema.js';

export type FolderRow = Selectable<FoldersTable>;
export type MemberRow = Selectable<MembersTable>;

export interface TagFilter {
  key: string;
  /** Undefined: any value. */
  value: string | undefined;
}

export interface ListFilter {
  /** Case-insensitive substring. */
  keyword?: string;
  /** AND across the filters. */
  tags?: readonly TagFilter[];
}

export interface MemberFilter extends ListFilter {
  /** Only the members directly in this folder. */
  folderId?: string;
  /** Keyset position: only members after (joinTime, id). */
  after?: readonly [string, string];
}

export interface AncestorRow {
  folder_id: string;
  ancestor_id: string;
  distance: number;
  name: string;
  created_at: string;
}

/** `%keyword%` for LIKE … ESCAPE '\', lower-cased. */
function likePattern(keyword: string): string {
  return `%${keyword.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** One `exists (…)` per tag filter, to be ANDed. */
function tagConditions(idColumn: 'folders.id' | 'members.id', tags: readonly TagFilter[]) {
  return tags.map((tag) =>
    tag.value === undefined
      ? sql<boolean>`exists (select 1 from tags where tags.resource_id = ${sql.ref(idColumn)} and tags.tag_key = ${tag.key})`
      : sql<boolean>`exists (select 1 from tags where tags.resource_id = ${sql.ref(idColumn)} and tags.tag_key = ${tag.key} and tags.tag_value = ${tag.value})`,
  );
}

export class TreeRepository {
  constructor(readonly db: Kysely<Database>) {}

  // ── The directory ───────────────────────────────────────────────────────────────────────────

  async findDirectory(directoryId: string) {
    return this.db
      .selectFrom('directories')
      .innerJoin('accounts', 'accounts.id', 'directories.master_account_id')
      .select([
        'directories.id',
        'directories.master_account_id',
        'directories.root_folder_id',
        'directories.created_at',
        'accounts.display_name as master_account_name',
      ])
      .where('directories.id', '=', directoryId)
      .executeTakeFirstOrThrow();
  }

  // ── Folders ─────────────────────────────────────────────────────────────────────────────────

  /** A folder (Root included) of the directory. */
  async findFolder(directoryId: string, folderId: string): Promise<FolderRow | undefined> {
    return this.db
      .selectFrom('folders')
      .selectAll()
      .where('id', '=', folderId)
      .where('directory_id', '=', directoryId)
      .executeTakeFirst();
  }

  /** The ancestors of each folder in `folderIds`, themselves included, each with its name. */
  async ancestryOf(folderIds: readonly string[]): Promise<AncestorRow[]> {
    if (folderIds.length === 0) return [];
    return this.db
      .selectFrom('folder_ancestors')
      .innerJoin('folders', 'folders.id', 'folder_ancestors.ancestor_id')
      .select([
        'folder_ancestors.folder_id',
        'folder_ancestors.ancestor_id',
        'folder_ancestors.distance',
        'folders.name',
        'folders.created_at',
      ])
      .where('folder_ancestors.folder_id', 'in', [...new Set(folderIds)])
      .orderBy('folder_ancestors.folder_id')
      .orderBy('folder_ancestors.distance', 'desc')
      .execute();
  }

  async childNameTaken(parentId: string, name: string, exceptFolderId?: string): Promise<boolean> {
    let query = this.db.selectFrom('folders').select('id').where('parent_folder_id', '=', parentId).where('name', '=', name);
    if (exceptFolderId) query = query.where('id', '<>', exceptFolderId);
    return (await query.executeTakeFirst()) !== undefined;
  }

  /** Folders of the directory, Root excluded. */
  async countFolders(directoryId: string): Promise<number> {
    const row = await this.db
      .selectFrom('folders')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('directory_id', '=', directoryId)
      .where('depth', '>', 0)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async hasSubfolders(folderId: string): Promise<boolean> {
    return (await this.db.selectFrom('folders').select('id').where('parent_folder_id', '=', folderId).executeTakeFirst()) !== undefined;
  }

  async hasLiveMembers(folderId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('members')
      .select('id')
      .where('folder_id', '=', folderId)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Inserts a folder under `parent` with its depth and closure rows. */
  async insertFolder(row: FoldersTable): Promise<void> {
    await this.db.insertInto('folders').values(row).execute();
    const parentAncestry = row.parent_folder_id
      ? await this.db
          .selectFrom('folder_ancestors')
          .select(['ancestor_id', 'distance'])
          .where('folder_id', '=', row.parent_folder_id)
          .execute()
      : [];
    await this.db
      .insertInto('folder_ancestors')
      .values([
        { folder_id: row.id, ancestor_id: row.id, distance: 0 },
        ...parentAncestry.map((a) => ({ folder_id: row.id, ancestor_id: a.ancestor_id, distance: a.distance + 1 })),
      ])
      .execute();
  }

  async renameFolder(folderId: string, name: string): Promise<void> {
    await this.db.updateTable('folders').set({ name }).where('id', '=', folderId).execute();
  }

  /** Deletes an empty folder with its closure rows, its tags and the contact bindings on it. */
  async deleteFolder(folderId: string): Promise<boolean> {
    await this.db.deleteFrom('folder_ancestors').where('folder_id', '=', folderId).execute();
    await this.db.deleteFrom('tags').where('resource_id', '=', folderId).execute();
    await this.db.deleteFrom('contact_bindings').where('member_id', '=', folderId).execute();
    const result = await this.db.deleteFrom('folders').where('id', '=', folderId).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  private childrenQuery(directoryId: string, parentId: string, filter: ListFilter) {
    let query = this.db.selectFrom('folders').where('folders.directory_id', '=', directoryId).where('folders.parent_folder_id', '=', parentId);
    if (filter.keyword) query = query.where(sql<boolean>`lower(folders.name) like ${likePattern(filter.keyword)} escape '\\'`);
    const tags = filter.tags ?? [];
    if (tags.length > 0) for (const condition of tagConditions('folders.id', tags)) query = query.where(condition);
    return query;
  }

  async listChildren(directoryId: string, parentId: string, filter: ListFilter, offset: number, limit: number): Promise<FolderRow[]> {
    return this.childrenQuery(directoryId, parentId, filter)
      .selectAll('folders')
      .orderBy('folders.created_at')
      .orderBy('folders.id')
      .offset(offset)
      .limit(limit)
      .execute();
  }

  async countChildren(directoryId: string, parentId: string, filter: ListFilter): Promise<number> {
    const row = await this.childrenQuery(directoryId, parentId, filter)
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  // ── Tags ────────────────────────────────────────────────────────────────────────────────────

  async setTags(resourceId: string, tags: readonly { key: string; value: string }[]): Promise<void> {
    await this.db.deleteFrom('tags').where('resource_id', '=', resourceId).execute();
    if (tags.length === 0) return;
    await this.db
      .insertInto('tags')
      .values(tags.map((tag, position) => ({ resource_id: resourceId, tag_key: tag.key, tag_value: tag.value, position })))
      .execute();
  }

  /** The tags of each resource, in the order they were given. */
  async tagsOf(resourceIds: readonly string[]): Promise<Map<string, { Key: string; Value: string }[]>> {
    const tags = new Map<string, { Key: string; Value: string }[]>(resourceIds.map((id) => [id, []]));
    if (resourceIds.length === 0) return tags;
    const rows = await this.db
      .selectFrom('tags')
      .select(['resource_id', 'tag_key', 'tag_value'])
      .where('resource_id', 'in', [...new Set(resourceIds)])
      .orderBy('resource_id')
      .orderBy('position')
      .execute();
    for (const row of rows) tags.get(row.resource_id)?.push({ Key: row.tag_key, Value: row.tag_value });
    return tags;
  }

  // ── Member accounts ─────────────────────────────────────────────────────────────────────────

  /** A member of the directory that has not been removed. */
  async findLiveMember(directoryId: string, accountId: string): Promise<MemberRow | undefined> {
    return this.db
      .selectFrom('members')
      .selectAll()
      .where('id', '=', accountId)
      .where('directory_id', '=', directoryId)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
  }

  async countLiveMembers(directoryId: string): Promise<number> {
    const row = await this.db
      .selectFrom('members')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('directory_id', '=', directoryId)
      .where('removed_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async displayNameTaken(directoryId: string, displayName: string, exceptAccountId?: string): Promise<boolean> {
    let query = this.db
      .selectFrom('members')
      .select('id')
      .where('directory_id', '=', directoryId)
      .where('display_name', '=', displayName)
      .where('removed_at', 'is', null);
    if (exceptAccountId) query = query.where('id', '<>', exceptAccountId);
    return (await query.executeTakeFirst()) !== undefined;
  }

  /** Account names are stored lower-cased, so a lower-cased lookup (on the unique index) is case-insensitive. */
  async accountNameTaken(accountName: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('members')
      .select('id')
      .where('account_name', '=', accountName.toLowerCase())
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    return row !== undefined;
  }

  async insertMember(row: MembersTable): Promise<void> {
    await this.db.insertInto('members').values(row).execute();
  }

  /** Applies `changes` and bumps the version, only if the member still has `expectedVersion`. */
  async updateMemberIfVersion(
    accountId: string,
    expectedVersion: number,
    changes: Partial<Omit<MembersTable, 'id' | 'version'>>,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('members')
      .set((eb) => ({ ...changes, version: eb('version', '+', 1) }))
      .where('id', '=', accountId)
      .where('version', '=', expectedVersion)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Marks a member removed (the row stays) and drops its retained recipients. */
  async removeMember(accountId: string, expectedVersion: number, now: string): Promise<boolean> {
    const updated = await this.updateMemberIfVersion(accountId, expectedVersion, { removed_at: now, status: 'Removed', modify_time: now });
    if (!updated) return false;
    await this.db.deleteFrom('retained_recipients').where('account_id', '=', accountId).execute();
    return true;
  }

  private membersQuery(directoryId: string, filter: MemberFilter): SelectQueryBuilder<Database, 'members', object> {
    let query = this.db.selectFrom('members').where('members.directory_id', '=', directoryId).where('members.removed_at', 'is', null);
    if (filter.folderId) query = query.where('members.folder_id', '=', filter.folderId);
    if (filter.keyword) {
      const pattern = likePattern(filter.keyword);
      query = query.where(
        sql<boolean>`(lower(members.display_name) like ${pattern} escape '\\' or lower(members.account_name) like ${pattern} escape '\\' or members.id like ${pattern} escape '\\')`,
      );
    }
    const tags = filter.tags ?? [];
    if (tags.length > 0) for (const condition of tagConditions('members.id', tags)) query = query.where(condition);
    return query;
  }

  /** Live members in JoinTime, ID order. */
  async listMembers(directoryId: string, filter: MemberFilter, offset: number, limit: number): Promise<MemberRow[]> {
    let query = this.membersQuery(directoryId, filter);
    if (filter.after) {
      const [joinTime, id] = filter.after;
      query = query.where((eb) =>
        eb.or([eb('members.join_time', '>', joinTime), eb.and([eb('members.join_time', '=', joinTime), eb('members.id', '>', id)])]),
      );
    }
    return query.selectAll('members').orderBy('members.join_time').orderBy('members.id').offset(offset).limit(limit).execute();
  }

  async countMembers(directoryId: string, filter: MemberFilter): Promise<number> {
    const row = await this.membersQuery(directoryId, { ...filter, after: undefined })
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** Whether a contact being deleted (lifecycle Deleting) is bound to any of `memberIds`. */
  async deletingContactBoundTo(memberIds: readonly string[]): Promise<boolean> {
    if (memberIds.length === 0) return false;
    const row = await this.db
      .selectFrom('contact_bindings')
      .innerJoin('contacts', 'contacts.id', 'contact_bindings.contact_id')
      .select('contact_bindings.contact_id')
      .where('contact_bindings.member_id', 'in', [...new Set(memberIds)])
      .where('contacts.lifecycle', '=', 'Deleting')
      .executeTakeFirst();
    return row !== undefined;
  }
}

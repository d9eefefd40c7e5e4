/**
 * The resource directory: folders, member accounts and their tags (spec/directory.md §3). Every
 * write is one transaction; member writes are conditional on the version they read (429 on a clash).
 * Inheritance of bindings is computed at query time from folder_ancestors, so a create or a move
 * rewrites nothing but the member row.
 */
import type { Config } from '../../config.js';
import { isUniqueViolation } from '../../store/constraint.js';
import type { Store } from '../../store/store.js';
import type { FolderRow, MemberRow } from '../../store/tree-repositories.js';
import { recordAudit } from '../audit.js';
import { ApiError } from '../errors.js';
import { newAccountId } from '../ids.js';
import type { Tenant } from '../tenant.js';
import { type Clock, toStored } from '../time.js';
import {
  accountIdPattern,
  accountNameOf,
  checkAccountNamePrefix,
  checkDisplayName,
  checkFolderName,
  checkId,
  checkOptionalFolderId,
  folderOrRootIdPattern,
  newAccountNamePrefix,
  newFolderId,
  rootIdPattern,
} from './names.js';
import { type Tag, type TagParam, checkTagFilters, checkTags } from './tags.js';

/** Root is level 0; a folder at this level cannot have children. */
export const maxFolderDepth = 5;

export interface Page {
  pageNumber: number;
  pageSize: number;
}

export interface DirectoryView {
  id: string;
  rootFolderId: string;
  masterAccountId: string;
  masterAccountName: string;
  createdAt: string;
}

export interface FolderView {
  row: FolderRow;
  /** `<rdId>/<rootId>/…/<folderId>`. */
  path?: string;
  tags?: { Key: string; Value: string }[];
}

export interface AccountView {
  row: MemberRow;
  /** `<rdId>/<rootId>/…/<folderId>/<accountId>`. */
  path?: string;
  /** `root/<folder name>/…`. */
  location?: string;
  tags?: { Key: string; Value: string }[];
}

export interface AccountInput {
  displayName?: string;
  parentFolderId?: string;
  accountNamePrefix?: string;
  payerAccountId?: string;
  resellAccountType?: string;
  dryRun?: boolean;
  tags?: TagParam[];
}

export interface ListInput {
  keyword?: string;
  tags?: TagParam[];
}

export type AccountPaging = { mode: 'page'; page: Page } | { mode: 'token'; maxResults: number; nextToken?: string };

function encodeToken(row: MemberRow): string {
  return Buffer.from(JSON.stringify([row.join_time, row.id])).toString('base64url');
}

function decodeToken(token: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value[0]) &&
      typeof value[1] === 'string' &&
      accountIdPattern.test(value[1])
    ) {
      return [value[0], value[1]];
    }
  } catch {
    // fall through
  }
  throw new ApiError('InvalidParameter.NextToken');
}

export class DirectoryService {
  constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly config: Pick<Config, 'maxMembersPerDirectory' | 'maxFoldersPerDirectory'>,
  ) {}

  // ── The directory ─────────────────────────────────────────────────────────────────────────

  async getDirectory(tenant: Tenant): Promise<DirectoryView> {
    const row = await this.store.tree.findDirectory(tenant.directoryId);
    return {
      id: row.id,
      rootFolderId: row.root_folder_id,
      masterAccountId: row.master_account_id,
      masterAccountName: row.master_account_name,
      createdAt: row.created_at,
    };
  }

  /** Every management account already has its directory: after the parameter checks, always 409. */
  async enable(_tenant: Tenant, enableMode: string | undefined): Promise<never> {
    if (enableMode === undefined) throw new ApiError('MissingParameter.EnableMode');
    if (enableMode !== 'CurrentAccount' && enableMode !== 'NewManagementAccount') throw new ApiError('InvalidParameter.EnableMode');
    throw new ApiError('EntityAlreadyExists.ResourceDirectory');
  }

  // ── Folders ───────────────────────────────────────────────────────────────────────────────

  /** `<rdId>/<rootId>/…/<folderId>` and `root/<name>/…` of each folder. */
  private async pathsOf(directoryId: string, folderIds: readonly string[]): Promise<Map<string, { ids: string; names: string }>> {
    const chains = new Map<string, { ids: string[]; names: string[] }>();
    for (const row of await this.store.tree.ancestryOf(folderIds)) {
      const chain = chains.get(row.folder_id) ?? { ids: [], names: [] };
      chain.ids.push(row.ancestor_id);
      chain.names.push(row.name);
      chains.set(row.folder_id, chain);
    }
    return new Map(
      [...chains].map(([id, chain]) => [id, { ids: [directoryId, ...chain.ids].join('/'), names: chain.names.join('/') }]),
    );
  }

  /**
   * The ResourceDirectoryPath (`<rd>/<root>/…/<folder>`) RAM evaluates a folder by: of `folderId`,
   * of Root when it is absent, undefined when it names no folder of this directory. Reads only;
   * checks nothing (authorization runs before the parameters are validated).
   */
  async folderPath(tenant: Tenant, folderId: string | undefined): Promise<string | undefined> {
    const id = folderId === undefined || folderId === '' ? await this.rootId(tenant) : folderId;
    if ((await this.store.tree.findFolder(tenant.directoryId, id)) === undefined) return undefined;
    return (await this.pathsOf(tenant.directoryId, [id])).get(id)?.ids;
  }

  /** The ResourceDirectoryPath of a member account (its folder's path, then its ID), or undefined. */
  async accountPath(tenant: Tenant, accountId: string | undefined): Promise<string | undefined> {
    if (accountId === undefined || accountId === '') return undefined;
    const member = await this.store.tree.findLiveMember(tenant.directoryId, accountId);
    if (member === undefined) return undefined;
    const folder = (await this.pathsOf(tenant.directoryId, [member.folder_id])).get(member.folder_id);
    return folder === undefined ? undefined : `${folder.ids}/${member.id}`;
  }

  private async folderOf(tenant: Tenant, folderId: string): Promise<FolderRow> {
    const folder = await this.store.tree.findFolder(tenant.directoryId, folderId);
    if (!folder) throw new ApiError('EntityNotExists.Folder');
    return folder;
  }

  private async rootId(tenant: Tenant): Promise<string> {
    return (await this.store.tree.findDirectory(tenant.directoryId)).root_folder_id;
  }

  async createFolder(tenant: Tenant, input: { name?: string; parentFolderId?: string; tags?: TagParam[] }): Promise<FolderRow> {
    const name = checkFolderName(input.name);
    const parentParam = checkOptionalFolderId(input.parentFolderId, 'InvalidParameter.ParentFolderId');
    const tags = checkTags(input.tags);
    const parentId = parentParam ?? (await this.rootId(tenant));
    const row: FolderRow = {
      id: newFolderId(),
      directory_id: tenant.directoryId,
      parent_folder_id: parentId,
      name,
      created_at: toStored(this.clock()),
      depth: 0,
    };
    try {
      await this.store.transaction(async (tx) => {
        await tx.locks.directory(tenant.directoryId);
        const parent = await tx.tree.findFolder(tenant.directoryId, parentId);
        if (!parent) throw new ApiError('EntityNotExists.Folder');
        if (await tx.tree.childNameTaken(parentId, name)) throw new ApiError('InvalidParameter.Folder.Name.AlreadyUsed');
        if (parent.depth >= maxFolderDepth) throw new ApiError('LimitExceeded.Folder.Depth');
        if ((await tx.tree.countFolders(tenant.directoryId)) >= this.config.maxFoldersPerDirectory) {
          throw new ApiError('QuotaExceeded.Folder.Count');
        }
        row.depth = parent.depth + 1;
        await tx.tree.insertFolder(row);
        await tx.tree.setTags(row.id, tags);
        await recordAudit(tx, tenant, row.created_at, 'CreateFolder', { resource: `folder/${row.id}` }, {
          FolderName: name,
          ParentFolderId: parentId,
          ...(tags.length > 0 ? { Tag: tags } : {}),
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ApiError('InvalidParameter.Folder.Name.AlreadyUsed');
      throw error;
    }
    return row;
  }

  async getFolder(tenant: Tenant, folderIdParam: string | undefined): Promise<FolderView> {
    const folderId = checkId(folderIdParam, folderOrRootIdPattern, 'MissingParameter.FolderId', 'InvalidParameter.FolderId');
    const row = await this.folderOf(tenant, folderId);
    const path = (await this.pathsOf(tenant.directoryId, [folderId])).get(folderId)!.ids;
    return { row, path };
  }

  /** Update and Delete take a folder ID; Root (`r-`) passes the format but is refused. */
  private checkNonRootFolderId(folderIdParam: string | undefined): string {
    const folderId = checkId(folderIdParam, folderOrRootIdPattern, 'MissingParameter.FolderId', 'InvalidParameter.FolderId');
    if (rootIdPattern.test(folderId)) throw new ApiError('InvalidParameter.FolderId');
    return folderId;
  }

  async updateFolder(tenant: Tenant, folderIdParam: string | undefined, newName: string | undefined): Promise<FolderRow> {
    const folderId = this.checkNonRootFolderId(folderIdParam);
    const name = checkFolderName(newName);
    try {
      return await this.store.transaction(async (tx) => {
        await tx.locks.directory(tenant.directoryId);
        const folder = await tx.tree.findFolder(tenant.directoryId, folderId);
        if (!folder) throw new ApiError('EntityNotExists.Folder');
        if (folder.name === name) return folder;
        if (await tx.tree.childNameTaken(folder.parent_folder_id!, name, folderId)) {
          throw new ApiError('InvalidParameter.Folder.Name.AlreadyUsed');
        }
        await tx.tree.renameFolder(folderId, name);
        await recordAudit(tx, tenant, toStored(this.clock()), 'UpdateFolder', { resource: `folder/${folderId}` }, { FolderName: name });
        return { ...folder, name };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ApiError('InvalidParameter.Folder.Name.AlreadyUsed');
      throw error;
    }
  }

  /** Only an empty folder goes; its closure rows, tags and contact bindings go with it. */
  async deleteFolder(tenant: Tenant, folderIdParam: string | undefined): Promise<void> {
    const folderId = this.checkNonRootFolderId(folderIdParam);
    await this.store.transaction(async (tx) => {
      await tx.locks.directory(tenant.directoryId);
      const folder = await tx.tree.findFolder(tenant.directoryId, folderId);
      if (!folder) throw new ApiError('EntityNotExists.Folder');
      if (await tx.tree.hasSubfolders(folderId)) throw new ApiError('DeleteConflict.Folder.SubFolder');
      if (await tx.tree.hasLiveMembers(folderId)) throw new ApiError('DeleteConflict.Folder.Account');
      if (!(await tx.tree.deleteFolder(folderId))) throw new ApiError('ConcurrentCallNotSupported');
      await recordAudit(tx, tenant, toStored(this.clock()), 'DeleteFolder', { resource: `folder/${folderId}` }, { FolderName: folder.name });
    });
  }

  async listFolders(
    tenant: Tenant,
    input: ListInput & { parentFolderId?: string },
    page: Page,
  ): Promise<{ folders: FolderView[]; total: number }> {
    const parentParam = checkOptionalFolderId(input.parentFolderId, 'InvalidParameter.ParentFolderId');
    const tags = checkTagFilters(input.tags);
    const parentId = parentParam ?? (await this.rootId(tenant));
    await this.folderOf(tenant, parentId);
    const filter = { keyword: input.keyword, tags };
    const [rows, total] = await Promise.all([
      this.store.tree.listChildren(tenant.directoryId, parentId, filter, (page.pageNumber - 1) * page.pageSize, page.pageSize),
      this.store.tree.countChildren(tenant.directoryId, parentId, filter),
    ]);
    const tagMap = await this.store.tree.tagsOf(rows.map((row) => row.id));
    return { folders: rows.map((row) => ({ row, tags: tagMap.get(row.id) ?? [] })), total };
  }

  /** The ancestors of a folder, top-down from Root, without the folder itself. */
  async listAncestors(tenant: Tenant, childIdParam: string | undefined): Promise<FolderRow[]> {
    const childId = checkId(childIdParam, folderOrRootIdPattern, 'MissingParameter.ChildId', 'InvalidParameter.ChildId');
    await this.folderOf(tenant, childId);
    const chain = await this.store.tree.ancestryOf([childId]);
    return chain
      .filter((row) => row.distance > 0)
      .map((row) => ({
        id: row.ancestor_id,
        directory_id: tenant.directoryId,
        parent_folder_id: null,
        name: row.name,
        created_at: row.created_at,
        depth: 0,
      }));
  }

  // ── Member accounts ───────────────────────────────────────────────────────────────────────

  private checkAccountId(accountIdParam: string | undefined): string {
    return checkId(accountIdParam, accountIdPattern, 'MissingParameter.AccountId', 'InvalidParameter.AccountId');
  }

  private async accountViews(
    tenant: Tenant,
    rows: MemberRow[],
    options: { paths: boolean; tags: boolean },
  ): Promise<AccountView[]> {
    const paths = options.paths ? await this.pathsOf(tenant.directoryId, rows.map((row) => row.folder_id)) : undefined;
    const tags = options.tags ? await this.store.tree.tagsOf(rows.map((row) => row.id)) : undefined;
    return rows.map((row) => {
      const folderPath = paths?.get(row.folder_id);
      return {
        row,
        ...(folderPath ? { path: `${folderPath.ids}/${row.id}`, location: folderPath.names } : {}),
        ...(tags ? { tags: tags.get(row.id) ?? [] } : {}),
      };
    });
  }

  /** Creates a ResourceAccount; with DryRun, checks everything and writes nothing (undefined). */
  async createAccount(tenant: Tenant, input: AccountInput): Promise<MemberRow | undefined> {
    const displayName = checkDisplayName(input.displayName);
    const parentParam = checkOptionalFolderId(input.parentFolderId, 'InvalidParameter.ParentFolderId');
    const givenPrefix = input.accountNamePrefix !== undefined ? checkAccountNamePrefix(input.accountNamePrefix) : undefined;
    if (input.payerAccountId !== undefined && !accountIdPattern.test(input.payerAccountId)) {
      throw new ApiError('InvalidParameter.PayerAccountId');
    }
    const resell = input.resellAccountType ?? 'resell';
    if (resell !== 'resell' && resell !== 'non_resell') throw new ApiError('InvalidParameter.ResellAccountType');
    const tags: Tag[] = checkTags(input.tags);
    const directory = await this.store.tree.findDirectory(tenant.directoryId);
    const folderId = parentParam ?? directory.root_folder_id;

    const now = toStored(this.clock());
    try {
      return await this.store.transaction(async (tx) => {
        await tx.locks.directory(tenant.directoryId);
        if (!(await tx.tree.findFolder(tenant.directoryId, folderId))) throw new ApiError('EntityNotExists.Folder');
        if (
          input.payerAccountId !== undefined &&
          input.payerAccountId !== directory.master_account_id &&
          !(await tx.tree.findLiveMember(tenant.directoryId, input.payerAccountId))
        ) {
          throw new ApiError('NotSupport.PayerAccountInAnotherResourceDirectory');
        }
        if (await tx.tree.displayNameTaken(tenant.directoryId, displayName)) {
          throw new ApiError('InvalidParameter.Account.DisplayName.AlreadyUsed');
        }
        let accountName: string;
        if (givenPrefix !== undefined) {
          accountName = accountNameOf(givenPrefix, tenant.directoryId);
          if (await tx.tree.accountNameTaken(accountName)) throw new ApiError('EntityAlreadyExists.ResourceDirectory.Account');
        } else {
          let attempts = 0;
          do {
            if (attempts++ >= 5) throw new ApiError('EntityAlreadyExists.ResourceDirectory.Account');
            accountName = accountNameOf(newAccountNamePrefix(), tenant.directoryId);
          } while (await tx.tree.accountNameTaken(accountName));
        }
        if ((await tx.tree.countLiveMembers(tenant.directoryId)) >= this.config.maxMembersPerDirectory) {
          throw new ApiError('LimitExceeded.Account');
        }
        if (input.dryRun) return undefined;
        const row: MemberRow = {
          id: newAccountId(),
          directory_id: tenant.directoryId,
          folder_id: folderId,
          display_name: displayName,
          account_name: accountName,
          type: 'ResourceAccount',
          status: 'CreateSuccess',
          join_method: 'created',
          join_time: now,
          modify_time: now,
          payer_account_id: input.payerAccountId ?? null,
          resell_account_type: resell,
          removed_at: null,
          version: 1,
        };
        await tx.tree.insertMember(row);
        await tx.tree.setTags(row.id, tags);
        await recordAudit(tx, tenant, now, 'CreateResourceAccount', { resource: `account/${row.id}` }, {
          DisplayName: displayName,
          AccountName: accountName,
          FolderId: folderId,
          ...(row.payer_account_id !== null ? { PayerAccountId: row.payer_account_id } : {}),
          ...(tags.length > 0 ? { Tag: tags } : {}),
        });
        return row;
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Two creates at the same moment: the unique indexes decide.
      if (await this.store.tree.displayNameTaken(tenant.directoryId, displayName)) {
        throw new ApiError('InvalidParameter.Account.DisplayName.AlreadyUsed');
      }
      throw new ApiError('EntityAlreadyExists.ResourceDirectory.Account');
    }
  }

  async getAccount(tenant: Tenant, accountIdParam: string | undefined, includeTags: boolean): Promise<AccountView> {
    const accountId = this.checkAccountId(accountIdParam);
    const row = await this.store.tree.findLiveMember(tenant.directoryId, accountId);
    if (!row) throw new ApiError('EntityNotExists.Account');
    return (await this.accountViews(tenant, [row], { paths: true, tags: includeTags }))[0]!;
  }

  /** Renames an account or switches its type (one of the two); with DryRun, checks only (undefined). */
  async updateAccount(
    tenant: Tenant,
    accountIdParam: string | undefined,
    input: { newDisplayName?: string; newAccountType?: string; dryRun?: boolean },
  ): Promise<MemberRow | undefined> {
    const accountId = this.checkAccountId(accountIdParam);
    const displayName = input.newDisplayName !== undefined ? checkDisplayName(input.newDisplayName) : undefined;
    const type = input.newAccountType;
    if (type !== undefined && type !== 'ResourceAccount' && type !== 'CloudAccount') throw new ApiError('InvalidParameter.NewAccountType');
    if ((displayName === undefined) === (type === undefined)) throw new ApiError('MissingDisplayNameOrAccountType');

    const now = toStored(this.clock());
    try {
      return await this.store.transaction(async (tx) => {
        await tx.locks.directory(tenant.directoryId);
        const row = await tx.tree.findLiveMember(tenant.directoryId, accountId);
        if (!row) throw new ApiError('EntityNotExists.Account');
        let changes: Partial<MemberRow>;
        if (type !== undefined) {
          if (row.type !== 'ResourceAccount' || type !== 'CloudAccount') throw new ApiError('AccountTypeMismatch');
          changes = { type: 'CloudAccount', status: 'PromoteSuccess', modify_time: now };
        } else {
          if (displayName === row.display_name) return input.dryRun ? undefined : row;
          if (await tx.tree.displayNameTaken(tenant.directoryId, displayName!, accountId)) {
            throw new ApiError('InvalidParameter.Account.DisplayName.AlreadyUsed');
          }
          changes = { display_name: displayName!, modify_time: now };
        }
        if (input.dryRun) return undefined;
        if (!(await tx.tree.updateMemberIfVersion(accountId, row.version, changes))) throw new ApiError('ConcurrentCallNotSupported');
        await recordAudit(tx, tenant, now, 'UpdateAccount', { resource: `account/${accountId}` }, type !== undefined ? { Type: 'CloudAccount' } : { DisplayName: displayName });
        return { ...row, ...changes, version: row.version + 1 };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ApiError('InvalidParameter.Account.DisplayName.AlreadyUsed');
      throw error;
    }
  }

  async listAccounts(
    tenant: Tenant,
    input: ListInput & { includeTags: boolean },
    paging: AccountPaging,
  ): Promise<{ accounts: AccountView[]; total: number; nextToken?: string }> {
    const tags = checkTagFilters(input.tags);
    const after = paging.mode === 'token' && paging.nextToken ? decodeToken(paging.nextToken) : undefined;
    const filter = { keyword: input.keyword, tags, after };
    const [offset, limit] = paging.mode === 'page' ? [(paging.page.pageNumber - 1) * paging.page.pageSize, paging.page.pageSize] : [0, paging.maxResults + 1];
    const [rows, total] = await Promise.all([
      this.store.tree.listMembers(tenant.directoryId, filter, offset, limit),
      this.store.tree.countMembers(tenant.directoryId, filter),
    ]);
    let nextToken: string | undefined;
    if (paging.mode === 'token' && rows.length > paging.maxResults) {
      rows.length = paging.maxResults;
      nextToken = encodeToken(rows[rows.length - 1]!);
    }
    const accounts = await this.accountViews(tenant, rows, { paths: true, tags: input.includeTags });
    return { accounts, total, ...(nextToken ? { nextToken } : {}) };
  }

  async listAccountsForParent(
    tenant: Tenant,
    input: ListInput & { parentFolderId?: string; includeTags: boolean },
    page: Page,
  ): Promise<{ accounts: AccountView[]; total: number }> {
    const parentParam = checkOptionalFolderId(input.parentFolderId, 'InvalidParameter.ParentFolderId');
    const tags = checkTagFilters(input.tags);
    const folderId = parentParam ?? (await this.rootId(tenant));
    await this.folderOf(tenant, folderId);
    const filter = { keyword: input.keyword, tags, folderId };
    const [rows, total] = await Promise.all([
      this.store.tree.listMembers(tenant.directoryId, filter, (page.pageNumber - 1) * page.pageSize, page.pageSize),
      this.store.tree.countMembers(tenant.directoryId, filter),
    ]);
    return { accounts: await this.accountViews(tenant, rows, { paths: false, tags: input.includeTags }), total };
  }

  /**
   * Moves an account to another folder. Refused (429) while a contact being deleted is bound to the
   * directory, a folder on the source or destination chain, or the account: its job is running there.
   */
  async moveAccount(tenant: Tenant, accountIdParam: string | undefined, destinationParam: string | undefined): Promise<void> {
    const accountId = this.checkAccountId(accountIdParam);
    const destinationId = checkId(
      destinationParam,
      folderOrRootIdPattern,
      'MissingParameter.DestinationFolderId',
      'InvalidParameter.DestinationFolderId',
    );
    const now = toStored(this.clock());
    await this.store.transaction(async (tx) => {
      await tx.locks.directory(tenant.directoryId);
      const row = await tx.tree.findLiveMember(tenant.directoryId, accountId);
      if (!row) throw new ApiError('EntityNotExists.Account');
      if (!(await tx.tree.findFolder(tenant.directoryId, destinationId))) throw new ApiError('EntityNotExists.Folder');
      if (row.folder_id === destinationId) return;
      const chains = await tx.tree.ancestryOf([row.folder_id, destinationId]);
      const guarded = [tenant.directoryId, accountId, ...chains.map((chain) => chain.ancestor_id)];
      if (await tx.tree.deletingContactBoundTo(guarded)) throw new ApiError('ConcurrentCallNotSupported');
      if (!(await tx.tree.updateMemberIfVersion(accountId, row.version, { folder_id: destinationId, modify_time: now }))) {
        throw new ApiError('ConcurrentCallNotSupported');
      }
      await recordAudit(tx, tenant, now, 'MoveAccount', { resource: `account/${accountId}` }, { SourceFolderId: row.folder_id, DestinationFolderId: destinationId });
    });
  }

  /** Removes a CloudAccount: the row stays, marked Removed; its retained recipients go. */
  async removeAccount(tenant: Tenant, accountIdParam: string | undefined): Promise<void> {
    const accountId = this.checkAccountId(accountIdParam);
    const now = toStored(this.clock());
    await this.store.transaction(async (tx) => {
      await tx.locks.directory(tenant.directoryId);
      const row = await tx.tree.findLiveMember(tenant.directoryId, accountId);
      if (!row) throw new ApiError('EntityNotExists.Account');
      if (row.type !== 'CloudAccount') throw new ApiError('AccountTypeOrStatusMismatch');
      if (!(await tx.tree.removeMember(accountId, row.version, now))) throw new ApiError('ConcurrentCallNotSupported');
      await recordAudit(tx, tenant, now, 'RemoveCloudAccount', { resource: `account/${accountId}` }, { Status: 'Removed' });
    });
  }
}

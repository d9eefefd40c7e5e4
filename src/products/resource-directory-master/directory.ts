/**
 * The directory actions (spec/directory.md §3): the resource directory, folders and member accounts.
 * Lists use the directory family's wrapped shape (`{"Folders":{"Folder":[…]}}`, item
 * `Tags:{Tag:[…]}`); GetAccount's `Tags` is the one bare array. Times are ISO-8601 with milliseconds.
 */
import type { AccountView } from '../../domain/directory/service.js';
import type { FolderRow, MemberRow } from '../../store/tree-repositories.js';
import { page, pageParams } from './contacts.js';
import { defineAction, param } from '../define.js';
import { account, accountAndDestination, allAccounts, everything, folder } from './resources.js';

/** The 10 fields every account shape has. */
function accountFields(row: MemberRow): Record<string, unknown> {
  return {
    AccountId: row.id,
    DisplayName: row.display_name,
    AccountName: row.account_name,
    Type: row.type,
    Status: row.status,
    JoinMethod: row.join_method,
    JoinTime: row.join_time,
    ModifyTime: row.modify_time,
    FolderId: row.folder_id,
    ResourceDirectoryId: row.directory_id,
  };
}

function folderFields(row: FolderRow): Record<string, unknown> {
  return {
    FolderId: row.id,
    FolderName: row.name,
    CreateTime: row.created_at,
    ...(row.parent_folder_id ? { ParentFolderId: row.parent_folder_id } : {}),
  };
}

/** A ListAccounts / ListAccountsForParent item. */
function accountItem(view: AccountView): Record<string, unknown> {
  return {
    ...accountFields(view.row),
    ...(view.path ? { ResourceDirectoryPath: view.path } : {}),
    ...(view.tags ? { Tags: { Tag: view.tags } } : {}),
  };
}

const listFilterParams = { QueryKeyword: param.string(), Tag: param.tags() };

export const directoryActions = [
  defineAction({
    name: 'GetResourceDirectory',
    resources: everything,
    readOnly: true,
    params: {},
    async handle({ tenant, services }) {
      const rd = await services.directory.getDirectory(tenant);
      return {
        ResourceDirectory: {
          ResourceDirectoryId: rd.id,
          RootFolderId: rd.rootFolderId,
          MasterAccountId: rd.masterAccountId,
          MasterAccountName: rd.masterAccountName,
          CreateTime: rd.createdAt,
          ControlPolicyStatus: 'Disabled',
          MemberDeletionStatus: 'Disabled',
          MemberAccountDisplayNameSyncStatus: 'Disabled',
        },
      };
    },
  }),

  defineAction({
    name: 'EnableResourceDirectory',
    resources: everything,
    params: {
      EnableMode: param.string(),
      MAName: param.string(),
      MASecureMobilePhone: param.string(),
      VerificationCode: param.string(),
      DryRun: param.boolean(),
    },
    async handle({ tenant, services }, p) {
      return services.directory.enable(tenant, p.EnableMode);
    },
  }),

  defineAction({
    name: 'CreateFolder',
    resources: folder('ParentFolderId'),
    params: { FolderName: param.string(), ParentFolderId: param.string(), Tag: param.tags() },
    async handle({ tenant, services }, p) {
      const row = await services.directory.createFolder(tenant, { name: p.FolderName, parentFolderId: p.ParentFolderId, tags: p.Tag });
      return { Folder: folderFields(row) };
    },
  }),

  defineAction({
    name: 'GetFolder',
    resources: folder('FolderId'),
    readOnly: true,
    params: { FolderId: param.string() },
    async handle({ tenant, services }, p) {
      const view = await services.directory.getFolder(tenant, p.FolderId);
      return { Folder: { ...folderFields(view.row), ResourceDirectoryPath: view.path } };
    },
  }),

  defineAction({
    name: 'UpdateFolder',
    resources: folder('FolderId'),
    params: { FolderId: param.string(), NewFolderName: param.string() },
    async handle({ tenant, services }, p) {
      return { Folder: folderFields(await services.directory.updateFolder(tenant, p.FolderId, p.NewFolderName)) };
    },
  }),

  defineAction({
    name: 'DeleteFolder',
    resources: folder('FolderId'),
    params: { FolderId: param.string() },
    async handle({ tenant, services }, p) {
      await services.directory.deleteFolder(tenant, p.FolderId);
      return {};
    },
  }),

  defineAction({
    name: 'ListFoldersForParent',
    resources: folder('ParentFolderId'),
    readOnly: true,
    params: { ParentFolderId: param.string(), ...listFilterParams, ...pageParams },
    async handle({ tenant, services }, p) {
      const paging = page(p);
      const { folders, total } = await services.directory.listFolders(
        tenant,
        { parentFolderId: p.ParentFolderId, keyword: p.QueryKeyword, tags: p.Tag },
        paging,
      );
      return {
        TotalCount: total,
        PageNumber: paging.pageNumber,
        PageSize: paging.pageSize,
        Folders: {
          Folder: folders.map(({ row, tags }) => ({
            FolderId: row.id,
            FolderName: row.name,
            CreateTime: row.created_at,
            Tags: { Tag: tags ?? [] },
          })),
        },
      };
    },
  }),

  defineAction({
    name: 'ListAncestors',
    resources: folder('ChildId'),
    readOnly: true,
    params: { ChildId: param.string() },
    async handle({ tenant, services }, p) {
      const ancestors = await services.directory.listAncestors(tenant, p.ChildId);
      return {
        Folders: { Folder: ancestors.map((row) => ({ FolderId: row.id, FolderName: row.name, CreateTime: row.created_at })) },
      };
    },
  }),

  defineAction({
    name: 'CreateResourceAccount',
    resources: folder('ParentFolderId'),
    params: {
      DisplayName: param.string(),
      ParentFolderId: param.string(),
      AccountNamePrefix: param.string(),
      PayerAccountId: param.string(),
      ResellAccountType: param.string(),
      DryRun: param.boolean(),
      Tag: param.tags(),
    },
    async handle({ tenant, services }, p) {
      const row = await services.directory.createAccount(tenant, {
        displayName: p.DisplayName,
        parentFolderId: p.ParentFolderId,
        accountNamePrefix: p.AccountNamePrefix,
        payerAccountId: p.PayerAccountId,
        resellAccountType: p.ResellAccountType,
        dryRun: p.DryRun,
        tags: p.Tag,
      });
      return row ? { Account: accountFields(row) } : {};
    },
  }),

  defineAction({
    name: 'GetAccount',
    resources: account(),
    readOnly: true,
    params: { AccountId: param.string(), IncludeTags: param.boolean() },
    async handle({ tenant, services }, p) {
      const view = await services.directory.getAccount(tenant, p.AccountId, p.IncludeTags ?? false);
      return {
        Account: {
          ...accountFields(view.row),
          ResourceDirectoryPath: view.path,
          Location: view.location,
          HasSecureMobilePhone: false,
          ...(view.tags ? { Tags: view.tags } : {}),
        },
      };
    },
  }),

  defineAction({
    name: 'UpdateAccount',
    resources: account(),
    params: { AccountId: param.string(), NewDisplayName: param.string(), NewAccountType: param.string(), DryRun: param.boolean() },
    async handle({ tenant, services }, p) {
      const row = await services.directory.updateAccount(tenant, p.AccountId, {
        newDisplayName: p.NewDisplayName,
        newAccountType: p.NewAccountType,
        dryRun: p.DryRun,
      });
      return row ? { Account: accountFields(row) } : {};
    },
  }),

  defineAction({
    name: 'ListAccounts',
    resources: allAccounts,
    readOnly: true,
    params: {
      ...pageParams,
      MaxResults: param.integer(1, 100),
      NextToken: param.string(),
      IncludeTags: param.boolean(),
      ...listFilterParams,
    },
    async handle({ tenant, services }, p) {
      const tokenMode = p.MaxResults !== undefined || p.NextToken !== undefined;
      const paging = page(p);
      const maxResults = p.MaxResults ?? 10;
      const result = await services.directory.listAccounts(
        tenant,
        { keyword: p.QueryKeyword, tags: p.Tag, includeTags: p.IncludeTags ?? false },
        tokenMode ? { mode: 'token', maxResults, nextToken: p.NextToken } : { mode: 'page', page: paging },
      );
      return {
        TotalCount: result.total,
        ...(tokenMode ? { PageSize: maxResults } : { PageNumber: paging.pageNumber, PageSize: paging.pageSize }),
        ...(result.nextToken ? { NextToken: result.nextToken } : {}),
        Accounts: { Account: result.accounts.map(accountItem) },
      };
    },
  }),

  defineAction({
    name: 'ListAccountsForParent',
    resources: folder('ParentFolderId'),
    readOnly: true,
    params: { ParentFolderId: param.string(), IncludeTags: param.boolean(), ...listFilterParams, ...pageParams },
    async handle({ tenant, services }, p) {
      const paging = page(p);
      const { accounts, total } = await services.directory.listAccountsForParent(
        tenant,
        { parentFolderId: p.ParentFolderId, keyword: p.QueryKeyword, tags: p.Tag, includeTags: p.IncludeTags ?? false },
        paging,
      );
      return {
        TotalCount: total,
        PageNumber: paging.pageNumber,
        PageSize: paging.pageSize,
        Accounts: { Account: accounts.map(accountItem) },
      };
    },
  }),

  defineAction({
    name: 'MoveAccount',
    resources: accountAndDestination,
    params: { AccountId: param.string(), DestinationFolderId: param.string() },
    async handle({ tenant, services }, p) {
      await services.directory.moveAccount(tenant, p.AccountId, p.DestinationFolderId);
      return {};
    },
  }),

  defineAction({
    name: 'RemoveCloudAccount',
    resources: account(),
    params: { AccountId: param.string() },
    async handle({ tenant, services }, p) {
      await services.directory.removeAccount(tenant, p.AccountId);
      return {};
    },
  }),
];

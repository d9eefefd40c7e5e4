/** Management accounts, their resource directories and their AccessKey pairs. */
import type { Store } from '../store/store.js';
import type { AccessKeyStatus } from '../store/schema.js';
import { newAccessKeyId, newAccessKeySecret, newAccountId, newDirectoryId, newRootFolderId } from './ids.js';
import { type Clock, toStored } from './time.js';

export interface ManagementAccount {
  accountId: string;
  displayName: string;
  directoryId: string;
  rootFolderId: string;
  createdAt: string;
}

export interface AccessKeyPair {
  accessKeyId: string;
  accessKeySecret: string;
  accountId: string;
  status: AccessKeyStatus;
  createdAt: string;
}

/** Creates a management account with its resource directory and Root folder, in one transaction. */
export async function createManagementAccount(
  store: Store,
  clock: Clock,
  displayName = 'management',
): Promise<ManagementAccount> {
  const createdAt = toStored(clock());
  const account: ManagementAccount = {
    accountId: newAccountId(),
    displayName,
    directoryId: newDirectoryId(),
    rootFolderId: newRootFolderId(),
    createdAt,
  };
  await store.transaction(async (tx) => {
    await tx.directory.insertAccount({ id: account.accountId, display_name: displayName, created_at: createdAt });
    await tx.directory.insertDirectory({
      id: account.directoryId,
      master_account_id: account.accountId,
      root_folder_id: account.rootFolderId,
      created_at: createdAt,
    });
    await tx.directory.insertFolder({
      id: account.rootFolderId,
      directory_id: account.directoryId,
      parent_folder_id: null,
      name: 'root',
      created_at: createdAt,
      depth: 0,
    });
    await tx.directory.insertFolderAncestry(account.rootFolderId, []);
  });
  return account;
}

export async function listManagementAccounts(store: Store): Promise<ManagementAccount[]> {
  const rows = await store.directory.listManagementAccounts();
  return rows.map((row) => ({
    accountId: row.account_id,
    displayName: row.display_name,
    directoryId: row.directory_id,
    rootFolderId: row.root_folder_id,
    createdAt: row.created_at,
  }));
}

export class UnknownAccountError extends Error {}
export class AccessKeyConflictError extends Error {}

/**
 * Creates a root AccessKey pair of a management account (the account itself owns it, no RAM user);
 * a given id and secret are used as they are.
 */
export async function createAccessKey(
  store: Store,
  clock: Clock,
  accountId: string,
  given?: { accessKeyId: string; accessKeySecret: string },
): Promise<AccessKeyPair> {
  if (!(await store.directory.findAccount(accountId))) throw new UnknownAccountError(`no account ${accountId}`);
  const pair: AccessKeyPair = {
    accessKeyId: given?.accessKeyId ?? newAccessKeyId(),
    accessKeySecret: given?.accessKeySecret ?? newAccessKeySecret(),
    accountId,
    status: 'Active',
    createdAt: toStored(clock()),
  };
  if (await store.accessKeys.find(pair.accessKeyId)) {
    throw new AccessKeyConflictError(`access key ${pair.accessKeyId} already exists`);
  }
  await store.accessKeys.insert({
    id: pair.accessKeyId,
    secret: pair.accessKeySecret,
    account_id: accountId,
    status: 'Active',
    created_at: pair.createdAt,
    user_id: null,
    last_used_at: null,
  });
  return pair;
}

export interface BootstrapResult {
  account: ManagementAccount;
  /** Set when this start created the key; `generated` says whether rdcontacts made up its secret. */
  createdKey?: AccessKeyPair & { generated: boolean };
}

/**
 * First start: create the management account, its directory and one key (the given one or a new
 * one). Later starts reuse them; a given key that is not stored yet is added to the first account,
 * and a given key whose stored secret differs is refused.
 */
export async function bootstrap(
  store: Store,
  clock: Clock,
  given?: { accessKeyId: string; accessKeySecret: string },
): Promise<BootstrapResult> {
  // Instances starting together on an empty database create one account and one key between them.
  return store.exclusively('bootstrap', () => bootstrapAlone(store, clock, given));
}

async function bootstrapAlone(
  store: Store,
  clock: Clock,
  given?: { accessKeyId: string; accessKeySecret: string },
): Promise<BootstrapResult> {
  const existing = (await listManagementAccounts(store))[0];
  const account = existing ?? (await createManagementAccount(store, clock));
  if (given) {
    const stored = await store.accessKeys.find(given.accessKeyId);
    if (stored) {
      if (stored.secret !== given.accessKeySecret) {
        throw new AccessKeyConflictError(
          `access key ${given.accessKeyId} is stored with a different secret; remove it with "rdcontacts admin keys delete" or use the stored secret`,
        );
      }
      return { account };
    }
    const pair = await createAccessKey(store, clock, account.accountId, given);
    return { account, createdKey: { ...pair, generated: false } };
  }
  if (existing && (await store.accessKeys.list()).length > 0) return { account };
  const pair = await createAccessKey(store, clock, account.accountId);
  return { account, createdKey: { ...pair, generated: true } };
}

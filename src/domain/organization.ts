/** Management accounts, their resource directories and their AccessKey pairs. */
import type { Store } from '../store/store.js';
import type { AccessKeyStatus } from '../store/schema.js';
import { newAccessKeyId, newAccessKeySecret, newAccountId, newDirectoryId, newRootFolderId } from './ids.js';
import { type Clock, toStored } from './time.js';
import { recordAudit, serviceActors } from './audit.js';
import type { Repositories } from '../store/repositories.js';

/**
 * Who makes an operator's change: an `rdcontacts` command on the machine (`rdcontacts-cli`), or
 * the service itself at its first start (`rdcontacts`). The audit trail names them so.
 */
export type OperatorActor = (typeof serviceActors)['cli' | 'jobs'];

/** An operator's change to an account's keys or directory, in the change's transaction. */
async function recordOperatorChange(
  tx: Repositories,
  actor: OperatorActor,
  directoryId: string | undefined,
  at: string,
  action: string,
  resource: string,
  changes: Record<string, unknown>,
): Promise<void> {
  // Every management account has its directory; a key of an account without one has no trail to go to.
  if (directoryId === undefined) return;
  await recordAudit(tx, { accountId: '', directoryId, actor }, at, action, { resource }, changes);
}

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
  actor: OperatorActor = serviceActors.cli,
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
    await recordOperatorChange(tx, actor, account.directoryId, createdAt, 'CreateAccount', `account/${account.accountId}`, {
      AccountId: account.accountId,
      DisplayName: displayName,
      ResourceDirectoryId: account.directoryId,
      RootFolderId: account.rootFolderId,
    });
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
  actor: OperatorActor = serviceActors.cli,
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
  await store.transaction(async (tx) => {
    await tx.accessKeys.insert({
      id: pair.accessKeyId,
      secret: pair.accessKeySecret,
      account_id: accountId,
      status: 'Active',
      created_at: pair.createdAt,
      user_id: null,
      last_used_at: null,
    });
    const directory = await tx.directory.findDirectoryOfAccount(accountId);
    await recordOperatorChange(tx, actor, directory?.id, pair.createdAt, 'CreateAccessKey', `accesskey/${pair.accessKeyId}`, {
      AccessKeyId: pair.accessKeyId,
      AccountId: accountId,
    });
  });
  return pair;
}

/** What an operator does to a key: disable it, enable it, or delete it. */
export type KeyChange = 'disable' | 'enable' | 'delete';

/**
 * Disables, enables or deletes any AccessKey (root or a RAM user's), with its audit event in the
 * same transaction; false when there is no such key.
 */
export async function changeAccessKey(store: Store, clock: Clock, accessKeyId: string, change: KeyChange): Promise<boolean> {
  const at = toStored(clock());
  return store.transaction(async (tx) => {
    const key = await tx.accessKeys.find(accessKeyId);
    if (!key) return false;
    const status = change === 'disable' ? 'Inactive' : 'Active';
    const done = change === 'delete' ? await tx.accessKeys.remove(accessKeyId) : await tx.accessKeys.setStatus(accessKeyId, status);
    if (!done) return false;
    await recordOperatorChange(
      tx,
      serviceActors.cli,
      key.directory_id ?? (await tx.directory.findDirectoryOfAccount(key.account_id))?.id,
      at,
      change === 'delete' ? 'DeleteAccessKey' : 'UpdateAccessKey',
      `accesskey/${accessKeyId}`,
      {
        AccessKeyId: accessKeyId,
        AccountId: key.account_id,
        ...(key.user_name ? { UserName: key.user_name } : {}),
        ...(change === 'delete' ? {} : { Status: status }),
      },
    );
    return true;
  });
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
  const account = existing ?? (await createManagementAccount(store, clock, 'management', serviceActors.jobs));
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
    const pair = await createAccessKey(store, clock, account.accountId, given, serviceActors.jobs);
    return { account, createdKey: { ...pair, generated: false } };
  }
  if (existing && (await store.accessKeys.list()).length > 0) return { account };
  const pair = await createAccessKey(store, clock, account.accountId, undefined, serviceActors.jobs);
  return { account, createdKey: { ...pair, generated: true } };
}

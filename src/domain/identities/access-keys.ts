/**
 * AccessKeys of RAM users and of the account itself (root keys) through the Ram API (spec ram.md
 * §3.4, §9). `UserName` names the user whose keys are meant; without it (or empty, as Terraform
 * sends it) the caller's own: a RAM user's own keys, or for a root key the account's root keys.
 * A secret is answered once, by `create`, and never listed or audited. The account's last active
 * root key can be neither disabled nor deleted, so the service cannot lock itself out.
 */
import type { Repositories, StoredAccessKey } from '../../store/repositories.js';
import type { AccessKeyStatus } from '../../store/schema.js';
import { ApiError } from '../errors.js';
import { newAccessKeyId, newAccessKeySecret } from '../ids.js';
import { recordRamChange } from './audit.js';
import { type RamContext, nowOf, writeRam } from './context.js';
import { checkUserName } from './fields.js';
import { loadUser } from './lookups.js';
import type { Tenant } from '../tenant.js';
import { principalOf } from './principal.js';

export interface AccessKeyRecord {
  accessKeyId: string;
  status: AccessKeyStatus;
  createdAt: string;
}

/** What CreateAccessKey answers: the only time the secret leaves the service. */
export interface NewAccessKey extends AccessKeyRecord {
  accessKeySecret: string;
}

export interface KeyOwnerInput {
  userName?: string;
}

export interface KeyInput extends KeyOwnerInput {
  userAccessKeyId?: string;
}

export interface UpdateAccessKeyInput extends KeyInput {
  status?: string;
}

/** Whose keys a request means: a RAM user, or the account itself (root). */
type KeyOwner = { kind: 'root' } | { kind: 'user'; userId: string; userName: string };

const statuses: readonly AccessKeyStatus[] = ['Active', 'Inactive'];
/** The longest key ID stored (operators may bring their own, so no shape beyond that). */
const accessKeyIdMaxLength = 64;
/** At most one last-used write per key per this many milliseconds (spec §3.4). */
export const lastUsedGranularityMs = 60_000;
/** Keys whose last write this process remembers; beyond that it forgets them all (and writes again). */
const rememberedKeys = 10_000;

const toRecord = (row: StoredAccessKey): AccessKeyRecord => ({ accessKeyId: row.id, status: row.status, createdAt: row.created_at });

function requireKeyId(value: string | undefined): string {
  if (!value) throw new ApiError('MissingUserAccessKeyId');
  return value;
}

function checkKeyId(value: string): string {
  if (value.length > accessKeyIdMaxLength) throw new ApiError('InvalidParameter.UserAccessKeyId');
  return value;
}

/** The UserName of a key action: optional, and an empty one is the same as none. */
const optionalUserName = (value: string | undefined): string | undefined => (value ? checkUserName(value) : undefined);

export class AccessKeyService {
  /** When this process last wrote each key's last-used time (ms since the epoch). */
  private readonly lastTouched = new Map<string, number>();

  constructor(private readonly context: RamContext) {}

  /** The owner a request means; `EntityNotExist.User` when it names no user of the account. */
  private async owner(repos: Repositories, tenant: Tenant, userName: string | undefined): Promise<KeyOwner> {
    if (userName !== undefined) {
      const user = await loadUser(repos, tenant, userName);
      return { kind: 'user', userId: user.user_id, userName: user.user_name };
    }
    const principal = principalOf(tenant);
    if (principal.kind === 'root') return { kind: 'root' };
    // The caller's own user, as it is now (it may have been renamed since its key was read).
    const user = await repos.ram.users.findById(tenant.accountId, principal.userId);
    if (!user) throw new ApiError('EntityNotExist.User');
    return { kind: 'user', userId: user.user_id, userName: user.user_name };
  }

  /** The owner's key, or `EntityNotExist.User.AccessKey` (also for a key of anyone else). */
  private async ownedKey(repos: Repositories, tenant: Tenant, owner: KeyOwner, accessKeyId: string): Promise<StoredAccessKey> {
    const key = await repos.accessKeys.findInAccount(tenant.accountId, accessKeyId);
    const ownerId = owner.kind === 'root' ? null : owner.userId;
    if (!key || key.user_id !== ownerId) throw new ApiError('EntityNotExist.User.AccessKey');
    return key;
  }

  /** A RAM user has at most `accessKeysPerUser` keys; root keys are not limited. The key works at once. */
  async create(tenant: Tenant, input: KeyOwnerInput): Promise<NewAccessKey> {
    const userName = optionalUserName(input.userName);
    const now = nowOf(this.context);
    return writeRam(this.context, tenant, async (tx) => {
      const owner = await this.owner(tx, tenant, userName);
      const ownerId = owner.kind === 'root' ? null : owner.userId;
      if (owner.kind === 'user' && (await tx.accessKeys.countOwnedBy(tenant.accountId, ownerId)) >= this.context.quotas.accessKeysPerUser) {
        throw new ApiError('LimitExceeded.User.AccessKey');
      }
      const key: NewAccessKey = { accessKeyId: newAccessKeyId(), accessKeySecret: newAccessKeySecret(), status: 'Active', createdAt: now };
      await tx.accessKeys.insert({
        id: key.accessKeyId,
        secret: key.accessKeySecret,
        account_id: tenant.accountId,
        status: key.status,
        created_at: now,
        user_id: ownerId,
        last_used_at: null,
      });
      await recordRamChange(tx, tenant, now, 'CreateAccessKey', `accesskey/${key.accessKeyId}`, { AccessKeyId: key.accessKeyId, ...ownerFields(owner) });
      return key;
    });
  }

  async update(tenant: Tenant, input: UpdateAccessKeyInput): Promise<void> {
    const givenKeyId = requireKeyId(input.userAccessKeyId);
    if (!input.status) throw new ApiError('MissingStatus');
    const accessKeyId = checkKeyId(givenKeyId);
    const userName = optionalUserName(input.userName);
    if (!(statuses as readonly string[]).includes(input.status)) throw new ApiError('InvalidParameter.Status');
    const status = input.status as AccessKeyStatus;
    const now = nowOf(this.context);
    await writeRam(this.context, tenant, async (tx) => {
      const owner = await this.owner(tx, tenant, userName);
      const key = await this.ownedKey(tx, tenant, owner, accessKeyId);
      if (key.status === status) return;
      if (owner.kind === 'root' && status === 'Inactive') await this.keepOneActiveRootKey(tx, tenant);
      await tx.accessKeys.setStatus(key.id, status);
      await recordRamChange(tx, tenant, now, 'UpdateAccessKey', `accesskey/${key.id}`, { AccessKeyId: key.id, Status: status, ...ownerFields(owner) });
    });
  }

  /** Requests signed with the key are refused from the next one on. */
  async delete(tenant: Tenant, input: KeyInput): Promise<void> {
    const accessKeyId = checkKeyId(requireKeyId(input.userAccessKeyId));
    const userName = optionalUserName(input.userName);
    const now = nowOf(this.context);
    await writeRam(this.context, tenant, async (tx) => {
      const owner = await this.owner(tx, tenant, userName);
      const key = await this.ownedKey(tx, tenant, owner, accessKeyId);
      if (owner.kind === 'root' && key.status === 'Active') await this.keepOneActiveRootKey(tx, tenant);
      await tx.accessKeys.remove(key.id);
      this.lastTouched.delete(key.id);
      await recordRamChange(tx, tenant, now, 'DeleteAccessKey', `accesskey/${key.id}`, { AccessKeyId: key.id, ...ownerFields(owner) });
    });
  }

  /** Refuses to take away the account's last active root key (inside the write's transaction). */
  private async keepOneActiveRootKey(tx: Repositories, tenant: Tenant): Promise<void> {
    if ((await tx.accessKeys.countActiveRoot(tenant.accountId)) <= 1) throw new ApiError('DeleteConflict.AccessKey.LastActiveRootKey');
  }

  /** The owner's keys, oldest first, without secrets. */
  async list(tenant: Tenant, input: KeyOwnerInput): Promise<AccessKeyRecord[]> {
    const userName = optionalUserName(input.userName);
    const owner = await this.owner(this.context.store, tenant, userName);
    const rows = await this.context.store.accessKeys.listOwnedBy(tenant.accountId, owner.kind === 'root' ? null : owner.userId);
    return rows.map(toRecord);
  }

  /** When the key last authenticated a request, to the minute; null before any use. */
  async lastUsed(tenant: Tenant, input: KeyInput): Promise<{ lastUsedAt: string | null }> {
    const accessKeyId = checkKeyId(requireKeyId(input.userAccessKeyId));
    const userName = optionalUserName(input.userName);
    const owner = await this.owner(this.context.store, tenant, userName);
    const key = await this.ownedKey(this.context.store, tenant, owner, accessKeyId);
    return { lastUsedAt: key.last_used_at };
  }

  /**
   * Records that the key authenticated a request at `now`: at most one write per key per minute
   * (remembered in memory, so that the requests in between write nothing, and guarded in the
   * database, so that several instances write at most once a minute between them). Not audited.
   */
  async touchLastUsed(accessKeyId: string, now: Date): Promise<void> {
    const at = now.getTime();
    const last = this.lastTouched.get(accessKeyId);
    if (last !== undefined && at - last < lastUsedGranularityMs && at >= last) return;
    if (this.lastTouched.size >= rememberedKeys) this.lastTouched.clear();
    this.lastTouched.set(accessKeyId, at);
    await this.context.store.accessKeys.touchLastUsed(accessKeyId, now.toISOString(), new Date(at - lastUsedGranularityMs).toISOString());
  }
}

const ownerFields = (owner: KeyOwner): Record<string, string> =>
  owner.kind === 'root' ? { Owner: 'root' } : { UserId: owner.userId, UserName: owner.userName };

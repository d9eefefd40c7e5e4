/**
 * RAM users (spec ram.md §3.2, §3.3): create, read, update (rename keeps everything), delete (only
 * once nothing refers to the user), list. Checks run in the spec's order: required parameters,
 * formats and lengths, existence (404), conflicts (409), limits (409).
 */
import type { RamUserRow } from '../../store/identity-repositories.js';
import { ApiError } from '../errors.js';
import { newRamUserId } from '../ids.js';
import { recordRamChange } from './audit.js';
import { type RamContext, nowOf, writeRam } from './context.js';
import { checkComments, checkDisplayName, checkEmail, checkMobilePhone, checkUserName, newField, optionalField, requireUserName } from './fields.js';
import { issueId } from './issued-ids.js';
import { loadUser } from './lookups.js';
import { type Page, type PageRequest, decodeMarker, pageOf, pageSize } from './paging.js';
import type { Tenant } from '../tenant.js';

export interface RamUser {
  /** 16 decimal digits, never reused. */
  userId: string;
  userName: string;
  displayName: string | null;
  email: string | null;
  mobilePhone: string | null;
  comments: string | null;
  createdAt: string;
  updatedAt: string;
  /** Always null: the service has no console login. */
  lastLoginAt: string | null;
}

export interface CreateUserInput {
  userName?: string;
  displayName?: string;
  mobilePhone?: string;
  email?: string;
  comments?: string;
}

/** `New*` fields: absent leaves a field, `""` clears it. `newUserName` equal to `userName` is no rename. */
export interface UpdateUserInput {
  userName?: string;
  newUserName?: string;
  newDisplayName?: string;
  newMobilePhone?: string;
  newEmail?: string;
  newComments?: string;
}

const listing = 'users';
export const listUsersMaxItems = 1000;

export function toRamUser(row: RamUserRow): RamUser {
  return {
    userId: row.user_id,
    userName: row.user_name,
    displayName: row.display_name,
    email: row.email,
    mobilePhone: row.mobile_phone,
    comments: row.comments,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at,
  };
}

export class UserService {
  constructor(private readonly context: RamContext) {}

  async create(tenant: Tenant, input: CreateUserInput): Promise<RamUser> {
    const userName = requireUserName(input.userName);
    const displayName = optionalField(input.displayName, (v) => checkDisplayName(v, 'DisplayName'));
    const mobilePhone = optionalField(input.mobilePhone, (v) => checkMobilePhone(v, 'MobilePhone'));
    const email = optionalField(input.email, (v) => checkEmail(v, 'Email'));
    const comments = optionalField(input.comments, (v) => checkComments(v, 'Comments'));
    const now = nowOf(this.context);
    return writeRam(
      this.context,
      tenant,
      async (tx) => {
        if (await tx.ram.users.findByName(tenant.accountId, userName)) throw new ApiError('EntityAlreadyExists.User');
        if ((await tx.ram.users.count(tenant.accountId)) >= this.context.quotas.usersPerAccount) throw new ApiError('LimitExceeded.User');
        const userId = await issueId(tx, 'user', newRamUserId, now);
        const row: RamUserRow = {
          user_id: userId,
          account_id: tenant.accountId,
          user_name: userName,
          name_key: userName.toLowerCase(),
          display_name: displayName,
          email,
          mobile_phone: mobilePhone,
          comments,
          created_at: now,
          updated_at: now,
          last_login_at: null,
        };
        await tx.ram.users.insert(row);
        await recordRamChange(tx, tenant, now, 'CreateUser', `user/${userName}`, {
          UserId: userId,
          UserName: userName,
          ...(displayName !== null ? { DisplayName: displayName } : {}),
          ...(mobilePhone !== null ? { MobilePhone: mobilePhone } : {}),
          ...(email !== null ? { Email: email } : {}),
          ...(comments !== null ? { Comments: comments } : {}),
        });
        return toRamUser(row);
      },
      'EntityAlreadyExists.User',
    );
  }

  async get(tenant: Tenant, userNameParam: string | undefined): Promise<RamUser> {
    const userName = requireUserName(userNameParam);
    return toRamUser(await loadUser(this.context.store, tenant, userName));
  }

  async update(tenant: Tenant, input: UpdateUserInput): Promise<RamUser> {
    const userName = requireUserName(input.userName);
    // An empty NewUserName renames nothing (a name cannot be cleared).
    const newUserName = input.newUserName ? checkUserName(input.newUserName, 'NewUserName') : undefined;
    const displayName = newField(input.newDisplayName, (v) => checkDisplayName(v, 'NewDisplayName'));
    const mobilePhone = newField(input.newMobilePhone, (v) => checkMobilePhone(v, 'NewMobilePhone'));
    const email = newField(input.newEmail, (v) => checkEmail(v, 'NewEmail'));
    const comments = newField(input.newComments, (v) => checkComments(v, 'NewComments'));
    const now = nowOf(this.context);
    return writeRam(
      this.context,
      tenant,
      async (tx) => {
        const row = await loadUser(tx, tenant, userName);
        const renamed = newUserName !== undefined && newUserName !== row.user_name;
        if (renamed && newUserName.toLowerCase() !== row.name_key && (await tx.ram.users.findByName(tenant.accountId, newUserName))) {
          throw new ApiError('EntityAlreadyExists.User');
        }
        const next: RamUserRow = {
          ...row,
          ...(renamed ? { user_name: newUserName, name_key: newUserName.toLowerCase() } : {}),
          ...(displayName !== undefined ? { display_name: displayName } : {}),
          ...(mobilePhone !== undefined ? { mobile_phone: mobilePhone } : {}),
          ...(email !== undefined ? { email } : {}),
          ...(comments !== undefined ? { comments } : {}),
        };
        const changes = changedFields(row, next);
        if (Object.keys(changes).length === 0) return toRamUser(row);
        next.updated_at = now;
        await tx.ram.users.update(tenant.accountId, row.user_id, {
          user_name: next.user_name,
          name_key: next.name_key,
          display_name: next.display_name,
          mobile_phone: next.mobile_phone,
          email: next.email,
          comments: next.comments,
          updated_at: now,
        });
        // ARNs name users by name: a renamed user's policies now match other resources.
        if (renamed) await tx.ram.accounts.bumpRevision(tenant.accountId);
        await recordRamChange(tx, tenant, now, 'UpdateUser', `user/${row.user_name}`, { UserId: row.user_id, UserName: row.user_name, ...changes });
        return toRamUser(next);
      },
      'EntityAlreadyExists.User',
    );
  }

  /** Refused while the user has AccessKeys, a login profile, groups or policies, reported in that order. */
  async delete(tenant: Tenant, userNameParam: string | undefined): Promise<void> {
    const userName = requireUserName(userNameParam);
    const now = nowOf(this.context);
    await writeRam(this.context, tenant, async (tx) => {
      const row = await loadUser(tx, tenant, userName);
      const dependents = await tx.ram.users.dependents(row.user_id);
      if (dependents.accessKeys > 0) throw new ApiError('DeleteConflict.User.AccessKey');
      if (dependents.loginProfile) throw new ApiError('DeleteConflict.User.LoginProfile');
      if (dependents.groups > 0) throw new ApiError('DeleteConflict.User.Group');
      if (dependents.policies > 0) throw new ApiError('DeleteConflict.User.Policy');
      await tx.ram.users.remove(tenant.accountId, row.user_id);
      await tx.ram.accounts.bumpRevision(tenant.accountId);
      await recordRamChange(tx, tenant, now, 'DeleteUser', `user/${row.user_name}`, { UserId: row.user_id, UserName: row.user_name });
    });
  }

  /** In creation order. MaxItems 1–1000, default 100. */
  async list(tenant: Tenant, page: PageRequest): Promise<Page<RamUser>> {
    const size = pageSize(page.maxItems, listUsersMaxItems);
    const after = decodeMarker(page.marker, listing, [2]) as [string, string] | undefined;
    const rows = await this.context.store.ram.users.page(tenant.accountId, after, size + 1);
    return pageOf(rows, size, listing, (row) => [row.created_at, row.user_id], toRamUser);
  }

  /** MFA devices do not exist here: an existing user has none (spec §3.3, what Terraform expects). */
  async unbindMFADevice(tenant: Tenant, userNameParam: string | undefined): Promise<never> {
    const userName = requireUserName(userNameParam);
    await loadUser(this.context.store, tenant, userName);
    throw new ApiError('EntityNotExist.User.MFADevice');
  }
}

/** The audit view of an update: wire field names → new values (null: cleared). */
function changedFields(before: RamUserRow, after: RamUserRow): Record<string, string | null> {
  const changes: Record<string, string | null> = {};
  if (after.user_name !== before.user_name) changes.NewUserName = after.user_name;
  if (after.display_name !== before.display_name) changes.DisplayName = after.display_name;
  if (after.mobile_phone !== before.mobile_phone) changes.MobilePhone = after.mobile_phone;
  if (after.email !== before.email) changes.Email = after.email;
  if (after.comments !== before.comments) changes.Comments = after.comments;
  return changes;
}

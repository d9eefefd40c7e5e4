/**
 * Console login profiles (spec ram.md §3.5): stored configuration only (the service has no console
 * login). The password must satisfy the account's password policy, is hashed before any
 * transaction begins (hashing is slow on purpose and must not hold the store's writer), and is never
 * returned, logged or written to the audit trail.
 */
import type { RamLoginProfileRow } from '../../store/identity-repositories.js';
import { ApiError } from '../errors.js';
import { recordRamChange } from './audit.js';
import { type RamContext, nowOf, writeRam } from './context.js';
import { requireUserName } from './fields.js';
import { loadUser } from './lookups.js';
import { checkPasswordStrength, toPasswordPolicy } from './password-policy.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { Tenant } from '../tenant.js';

export interface LoginProfile {
  userName: string;
  passwordResetRequired: boolean;
  mfaBindRequired: boolean;
  createdAt: string;
}

export interface CreateLoginProfileInput {
  userName?: string;
  password?: string;
  passwordResetRequired?: boolean;
  mfaBindRequired?: boolean;
}

/** Only what is given changes; an empty password is no password. */
export type UpdateLoginProfileInput = CreateLoginProfileInput;

/** Earlier passwords kept for PasswordReusePrevention: its highest value. */
const historyDepth = 24;

const toLoginProfile = (userName: string, row: RamLoginProfileRow): LoginProfile => ({
  userName,
  passwordResetRequired: row.password_reset_required !== 0,
  mfaBindRequired: row.mfa_bind_required !== 0,
  createdAt: row.created_at,
});

const history = (row: RamLoginProfileRow): string[] => {
  const parsed = JSON.parse(row.password_history) as unknown;
  return Array.isArray(parsed) ? parsed.filter((hash): hash is string => typeof hash === 'string') : [];
};

export class LoginProfileService {
  constructor(private readonly context: RamContext) {}

  private async strongEnough(tenant: Tenant, password: string): Promise<void> {
    checkPasswordStrength(toPasswordPolicy(await this.context.store.ram.passwordPolicies.find(tenant.accountId)), password);
  }

  async create(tenant: Tenant, input: CreateLoginProfileInput): Promise<LoginProfile> {
    if (!input.userName) throw new ApiError('MissingUserName');
    if (!input.password) throw new ApiError('MissingPassword');
    const userName = requireUserName(input.userName);
    const password = input.password;
    await this.strongEnough(tenant, password);
    // The 404 and 409 answers come before the (slow) hash; the transaction checks them again.
    const seen = await loadUser(this.context.store, tenant, userName);
    if (await this.context.store.ram.loginProfiles.find(seen.user_id)) throw new ApiError('EntityAlreadyExists.User.LoginProfile');
    const passwordHash = await hashPassword(password, this.context.hashing);
    const now = nowOf(this.context);
    return writeRam(
      this.context,
      tenant,
      async (tx) => {
        const user = await loadUser(tx, tenant, userName);
        if (await tx.ram.loginProfiles.find(user.user_id)) throw new ApiError('EntityAlreadyExists.User.LoginProfile');
        const row: RamLoginProfileRow = {
          user_id: user.user_id,
          account_id: tenant.accountId,
          password_hash: passwordHash,
          password_history: '[]',
          password_reset_required: input.passwordResetRequired ? 1 : 0,
          mfa_bind_required: input.mfaBindRequired ? 1 : 0,
          created_at: now,
          updated_at: now,
        };
        await tx.ram.loginProfiles.insert(row);
        await recordRamChange(tx, tenant, now, 'CreateLoginProfile', `user/${user.user_name}`, {
          UserId: user.user_id,
          UserName: user.user_name,
          PasswordResetRequired: row.password_reset_required !== 0,
          MFABindRequired: row.mfa_bind_required !== 0,
        });
        return toLoginProfile(user.user_name, row);
      },
      'EntityAlreadyExists.User.LoginProfile',
    );
  }

  async get(tenant: Tenant, userNameParam: string | undefined): Promise<LoginProfile> {
    const user = await loadUser(this.context.store, tenant, requireUserName(userNameParam));
    const row = await this.context.store.ram.loginProfiles.find(user.user_id);
    if (!row) throw new ApiError('EntityNotExist.User.LoginProfile');
    return toLoginProfile(user.user_name, row);
  }

  /**
   * A new password must pass the policy, and must not repeat the current one or the earlier ones
   * the policy's PasswordReusePrevention counts (the current password is the first of them).
   */
  async update(tenant: Tenant, input: UpdateLoginProfileInput): Promise<void> {
    const userName = requireUserName(input.userName);
    const password = input.password ? input.password : undefined;
    const policy = toPasswordPolicy(await this.context.store.ram.passwordPolicies.find(tenant.accountId));
    if (password !== undefined) checkPasswordStrength(policy, password);
    const user = await loadUser(this.context.store, tenant, userName);
    const seen = await this.context.store.ram.loginProfiles.find(user.user_id);
    if (!seen) throw new ApiError('EntityNotExist.User.LoginProfile');
    let passwordHash: string | undefined;
    if (password !== undefined) {
      const recent = [seen.password_hash, ...history(seen)].slice(0, policy.passwordReusePrevention);
      for (const earlier of recent) {
        if (await verifyPassword(password, earlier)) throw new ApiError('InvalidParameter.Password.TooWeak');
      }
      passwordHash = await hashPassword(password, this.context.hashing);
    }
    const now = nowOf(this.context);
    await writeRam(this.context, tenant, async (tx) => {
      // Read again under the lock: the profile may have gone, or changed, since.
      const current = await loadUser(tx, tenant, userName);
      const row = await tx.ram.loginProfiles.find(current.user_id);
      if (!row) throw new ApiError('EntityNotExist.User.LoginProfile');
      const changes: Record<string, boolean> = {};
      if (input.passwordResetRequired !== undefined) changes.PasswordResetRequired = input.passwordResetRequired;
      if (input.mfaBindRequired !== undefined) changes.MFABindRequired = input.mfaBindRequired;
      if (passwordHash !== undefined) changes.PasswordChanged = true;
      if (Object.keys(changes).length === 0) return;
      await tx.ram.loginProfiles.update(current.user_id, {
        ...(passwordHash !== undefined
          ? { password_hash: passwordHash, password_history: JSON.stringify([row.password_hash, ...history(row)].slice(0, historyDepth)) }
          : {}),
        ...(input.passwordResetRequired !== undefined ? { password_reset_required: input.passwordResetRequired ? 1 : 0 } : {}),
        ...(input.mfaBindRequired !== undefined ? { mfa_bind_required: input.mfaBindRequired ? 1 : 0 } : {}),
        updated_at: now,
      });
      await recordRamChange(tx, tenant, now, 'UpdateLoginProfile', `user/${current.user_name}`, { UserId: current.user_id, UserName: current.user_name, ...changes });
    });
  }

  /** Removes the profile and its password history. */
  async delete(tenant: Tenant, userNameParam: string | undefined): Promise<void> {
    const userName = requireUserName(userNameParam);
    const now = nowOf(this.context);
    await writeRam(this.context, tenant, async (tx) => {
      const user = await loadUser(tx, tenant, userName);
      if (!(await tx.ram.loginProfiles.find(user.user_id))) throw new ApiError('EntityNotExist.User.LoginProfile');
      await tx.ram.loginProfiles.remove(user.user_id);
      await recordRamChange(tx, tenant, now, 'DeleteLoginProfile', `user/${user.user_name}`, { UserId: user.user_id, UserName: user.user_name });
    });
  }
}

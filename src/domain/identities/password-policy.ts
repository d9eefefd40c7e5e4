/**
 * The account's password policy (spec ram.md §3.5): nine fields with their defaults, ranges, and
 * the check a new login-profile password must pass. Changing the policy does not touch stored
 * passwords.
 */
import type { RamPasswordPolicyRow } from '../../store/identity-repositories.js';
import { ApiError, type ErrorCode } from '../errors.js';
import { recordRamChange } from './audit.js';
import { type RamContext, nowOf, writeRam } from './context.js';
import type { Tenant } from '../tenant.js';

export interface PasswordPolicy {
  minimumPasswordLength: number;
  requireLowercaseCharacters: boolean;
  requireUppercaseCharacters: boolean;
  requireNumbers: boolean;
  requireSymbols: boolean;
  hardExpiry: boolean;
  /** Days; 0: passwords never expire. */
  maxPasswordAge: number;
  /** How many earlier passwords a new one may not repeat; 0: off. */
  passwordReusePrevention: number;
  /** The API's own spelling (one "t"). */
  maxLoginAttemps: number;
}

export const defaultPasswordPolicy: Readonly<PasswordPolicy> = Object.freeze({
  minimumPasswordLength: 8,
  requireLowercaseCharacters: false,
  requireUppercaseCharacters: false,
  requireNumbers: false,
  requireSymbols: false,
  hardExpiry: false,
  maxPasswordAge: 0,
  passwordReusePrevention: 0,
  maxLoginAttemps: 5,
});

/** No password is longer, whatever the policy says (spec §3.5). */
export const passwordMaxLength = 32;

/** Integer fields: their range and the error outside it, in the order they are checked. */
const ranges: readonly [keyof PasswordPolicy, number, number, ErrorCode][] = [
  ['minimumPasswordLength', 8, 32, 'InvalidParameter.MinimumPasswordLength.Range'],
  ['maxPasswordAge', 0, 1095, 'InvalidParameter.MaxPasswordAge.Range'],
  ['passwordReusePrevention', 0, 24, 'InvalidParameter.PasswordReusePrevention.Range'],
  ['maxLoginAttemps', 0, 32, 'InvalidParameter.MaxLoginAttemps.Range'],
];

const flag = (value: number): boolean => value !== 0;
const bit = (value: boolean): number => (value ? 1 : 0);

export function toPasswordPolicy(row: RamPasswordPolicyRow | undefined): PasswordPolicy {
  if (!row) return { ...defaultPasswordPolicy };
  return {
    minimumPasswordLength: row.minimum_password_length,
    requireLowercaseCharacters: flag(row.require_lowercase_characters),
    requireUppercaseCharacters: flag(row.require_uppercase_characters),
    requireNumbers: flag(row.require_numbers),
    requireSymbols: flag(row.require_symbols),
    hardExpiry: flag(row.hard_expiry),
    maxPasswordAge: row.max_password_age,
    passwordReusePrevention: row.password_reuse_prevention,
    maxLoginAttemps: row.max_login_attemps,
  };
}

const symbol = /[^A-Za-z0-9]/;

/**
 * `InvalidParameter.Password.TooWeak` unless the password satisfies the policy: at least the
 * minimum length and at most 32 characters, and every character class the policy requires
 * (lowercase and uppercase ASCII letters, digits, symbols = anything else).
 */
export function checkPasswordStrength(policy: PasswordPolicy, password: string): string {
  const length = [...password].length;
  const weak =
    length < policy.minimumPasswordLength ||
    length > passwordMaxLength ||
    (policy.requireLowercaseCharacters && !/[a-z]/.test(password)) ||
    (policy.requireUppercaseCharacters && !/[A-Z]/.test(password)) ||
    (policy.requireNumbers && !/[0-9]/.test(password)) ||
    (policy.requireSymbols && !symbol.test(password));
  if (weak) throw new ApiError('InvalidParameter.Password.TooWeak');
  return password;
}

export class PasswordPolicyService {
  constructor(private readonly context: RamContext) {}

  async get(tenant: Tenant): Promise<PasswordPolicy> {
    return toPasswordPolicy(await this.context.store.ram.passwordPolicies.find(tenant.accountId));
  }

  /** Changes the fields given (the others keep their current values) and answers the whole policy. */
  async set(tenant: Tenant, changes: Partial<PasswordPolicy>): Promise<PasswordPolicy> {
    for (const [field, min, max, code] of ranges) {
      const value = changes[field];
      if (value === undefined) continue;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw new ApiError(code);
    }
    const now = nowOf(this.context);
    return writeRam(this.context, tenant, async (tx) => {
      const current = toPasswordPolicy(await tx.ram.passwordPolicies.find(tenant.accountId));
      const given = Object.fromEntries(Object.entries(changes).filter(([field, value]) => value !== undefined && field in current));
      const next: PasswordPolicy = { ...current, ...given };
      await tx.ram.passwordPolicies.put({
        account_id: tenant.accountId,
        minimum_password_length: next.minimumPasswordLength,
        require_lowercase_characters: bit(next.requireLowercaseCharacters),
        require_uppercase_characters: bit(next.requireUppercaseCharacters),
        require_numbers: bit(next.requireNumbers),
        require_symbols: bit(next.requireSymbols),
        hard_expiry: bit(next.hardExpiry),
        max_password_age: next.maxPasswordAge,
        password_reuse_prevention: next.passwordReusePrevention,
        max_login_attemps: next.maxLoginAttemps,
        updated_at: now,
      });
      await recordRamChange(tx, tenant, now, 'SetPasswordPolicy', 'passwordpolicy', given);
      return next;
    });
  }
}

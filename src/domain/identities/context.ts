/** What every RAM service works with, and the one way they write. */
import type { Repositories } from '../../store/repositories.js';
import type { Store } from '../../store/store.js';
import { isUniqueViolation } from '../../store/constraint.js';
import { ApiError, type ErrorCode } from '../errors.js';
import { type Clock, toStored } from '../time.js';
import type { RamQuotas } from './quotas.js';
import type { Tenant } from '../tenant.js';
import type { PasswordHashing } from './passwords.js';

export interface RamContext {
  store: Store;
  clock: Clock;
  quotas: RamQuotas;
  hashing: PasswordHashing;
}

export const nowOf = (context: RamContext): string => toStored(context.clock());

/**
 * Runs one RAM change: one transaction, under the account's lock (PostgreSQL: other instances'
 * writes to the same account wait, so counts and conflicts checked inside hold until the commit).
 * `duplicate`: the conflict a unique index reports when two writes raced for one name.
 */
export async function writeRam<T>(
  context: RamContext,
  tenant: Tenant,
  work: (tx: Repositories) => Promise<T>,
  duplicate?: ErrorCode,
): Promise<T> {
  try {
    return await context.store.transaction(async (tx) => {
      await tx.locks.directory(tenant.directoryId);
      return work(tx);
    });
  } catch (error) {
    if (duplicate !== undefined && isUniqueViolation(error)) throw new ApiError(duplicate);
    throw error;
  }
}

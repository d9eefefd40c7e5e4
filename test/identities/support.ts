/**
 * A RAM world on one storage backend: a fresh store, the RAM services over it with a clock that
 * moves one second per reading (so creation order is visible in every date), and management
 * accounts made on demand, each with its root key and a tenant acting as root.
 */
import assert from 'node:assert/strict';
import { isApiError } from '../../src/domain/errors.js';
import { type RamOptions, type RamServices, createRamServices } from '../../src/domain/identities/services.js';
import { createAccessKey, createManagementAccount } from '../../src/domain/organization.js';
import type { Tenant } from '../../src/domain/tenant.js';
import type { Store } from '../../src/store/store.js';
import type { Backend } from '../support/backends.js';

export interface TestAccount {
  accountId: string;
  directoryId: string;
  rootKeyId: string;
  /** The account acting through its root key. */
  root: Tenant;
  /** The account acting through a RAM user's key. */
  as(user: { userId: string; userName: string }, accessKeyId?: string): Tenant;
}

export interface RamWorld {
  store: Store;
  ram: RamServices;
  /** The next clock reading, without moving the clock. */
  peek(): Date;
  /** Moves the clock by `seconds`. */
  advance(seconds: number): void;
  newAccount(): Promise<TestAccount>;
  /** Services over the same clock with other options (other quotas), over `over` (default: the world's store). */
  withOptions(options: RamOptions, over?: Store): RamServices;
  close(): Promise<void>;
}

/** Cheap scrypt for tests: the encoding carries the cost, so verification is the real one. */
export const testHashing = { logN: 10, r: 8, p: 1 } as const;

export async function ramWorld(backend: Backend, options: RamOptions = {}): Promise<RamWorld> {
  const store = await backend.open();
  let now = Date.parse('2026-03-01T00:00:00.000Z');
  const clock = () => {
    const reading = new Date(now);
    now += 1000;
    return reading;
  };
  const build = (extra: RamOptions, over: Store = store) => createRamServices(over, clock, { passwordHashing: testHashing, ...options, ...extra });
  return {
    store,
    ram: build({}),
    peek: () => new Date(now),
    advance: (seconds) => {
      now += seconds * 1000;
    },
    async newAccount() {
      const account = await createManagementAccount(store, clock);
      const key = await createAccessKey(store, clock, account.accountId);
      const base = { accountId: account.accountId, directoryId: account.directoryId };
      return {
        ...base,
        rootKeyId: key.accessKeyId,
        root: { ...base, actor: key.accessKeyId, principal: { kind: 'root' }, requestId: 'test-request' },
        as: (user, accessKeyId = 'LTAIuserkey') => ({ ...base, actor: accessKeyId, principal: { kind: 'user', userId: user.userId, userName: user.userName } }),
      };
    },
    withOptions: build,
    close: () => store.close(),
  };
}

/** Asserts that `promise` rejects with the ApiError `code`. */
export async function rejectsWith(promise: Promise<unknown>, code: string, message?: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isApiError(error), `expected ApiError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, message);
    return true;
  });
}

/** The account's RAM revision as the store has it. */
export async function revisionOf(world: RamWorld, accountId: string): Promise<number> {
  const revision = await world.store.ram.accounts.revision(accountId);
  assert.ok(revision !== undefined);
  return revision;
}

/** The RAM audit events of the account's directory, oldest first (not the operator's: creating the account and its key). */
export async function auditOf(world: RamWorld, directoryId: string) {
  const events = (await world.store.audit.list({ directoryId, limit: 1000 })).filter((event) => event.actor !== 'rdcontacts-cli' && event.actor !== 'rdcontacts');
  return events.map((event) => ({ action: event.action, actor: event.actor, principal: event.principal, changes: JSON.parse(event.changes) as Record<string, unknown> }));
}

/** A store whose transactions fail at their audit event: the last step of every RAM write. */
export function failingAtAudit(store: Store): Store {
  return {
    ...store,
    transaction: (work) =>
      store.transaction((tx) =>
        work({
          ...tx,
          audit: Object.assign(Object.create(Object.getPrototypeOf(tx.audit) as object) as typeof tx.audit, tx.audit, {
            insert: async () => {
              throw new Error('audit write failed');
            },
          }),
        }),
      ),
  };
}

/**
 * Remembers signature nonces for the replay window, so that a signed request is accepted once.
 *
 * What counts as used: every request that was correctly signed and let through by throttling.
 * How long: until its timestamp could no longer be valid (15 minutes after it, or after now when
 * it came from the future). Where: in this process's memory, and — for requests of state-changing
 * actions — in the database no later than anything the request changes, so that a restart or a
 * crash forgets none of them: in the transaction of the request's first change (the receipt), or,
 * when the request changed nothing, in a transaction of its own before it is answered.
 */
import type { RequestReceipt } from '../domain/tenant.js';
import type { SignedNonce } from './authenticate.js';
import { NonceSet } from './nonce-set.js';

/** A request let through: what it carries into its changes, and what it owes before its answer. */
export interface Admission {
  /** Kept with the request's first change, in that change's transaction. */
  receipt?: RequestReceipt;
  /**
   * Makes the use durable if no committed change carried it (the request failed, or changed
   * nothing); resolves once it is. Called once the request is handled, before it is answered.
   */
  settle(succeeded: boolean): Promise<void>;
}

export interface ReplayGuard {
  /** What earlier processes kept, loaded before the first request. */
  start(): Promise<void>;
  /**
   * Uses the nonce up; undefined when it was used within its window. `durable`: the use must
   * outlive this process (a state-changing request).
   */
  use(nonce: SignedNonce, durable: boolean): Promise<Admission | undefined>;
}

/** A use with nothing left to keep (reads, and nonces a database already decided). */
export const settled: Admission = Object.freeze({ settle: async () => {} });

/** The nonces a database keeps for the one process that serves it (SQLite). */
export interface NonceLog {
  /** Keeps the nonce (its hex digest) until `expiresAtMs`, durably: resolves once committed. */
  record(nonceKey: string, expiresAtMs: number): Promise<void>;
  /** Every kept nonce that has not expired at `nowMs`. */
  live(nowMs: number): Promise<{ nonceKey: string; expiresAtMs: number }[]>;
  /** Forgets the expired ones. */
  sweep(nowMs: number): Promise<void>;
}

/**
 * One process serving its database alone (SQLite: a lock keeps a second `serve` out). Memory is the
 * authority — a compact set of every nonce used within the window, filled at start from the log —
 * and the log keeps those of state-changing requests across restarts and crashes.
 */
export class LocalReplayGuard implements ReplayGuard {
  private readonly seen = new NonceSet();
  private nextSweepMs = 0;

  constructor(
    private readonly log: NonceLog | undefined,
    private readonly nowMs: () => number = Date.now,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  async start(): Promise<void> {
    if (!this.log) return;
    const now = this.nowMs();
    for (const kept of await this.log.live(now)) {
      if (/^[0-9a-f]{32}$/.test(kept.nonceKey)) this.seen.add(Buffer.from(kept.nonceKey, 'hex'), kept.expiresAtMs, now);
    }
  }

  async use(nonce: SignedNonce, durable: boolean): Promise<Admission | undefined> {
    const now = this.nowMs();
    if (!this.seen.add(nonce.digest, nonce.expiresAtMs, now)) return undefined;
    const log = this.log;
    if (!durable || !log) return settled;
    if (now >= this.nextSweepMs) {
      this.nextSweepMs = now + 60_000;
      log.sweep(now).catch(this.onError);
    }
    const nonceKey = nonce.digest.toString('hex');
    const { expiresAtMs } = nonce;
    let carried = false;
    return {
      receipt: {
        async keepIn(tx) {
          await tx.nonceLog.record(nonceKey, expiresAtMs);
          carried = true;
        },
      },
      // A failed request's transaction may have carried the nonce and rolled back: keep it again
      // (a nonce logged twice is read back once).
      settle: async (succeeded) => {
        if (!succeeded || !carried) await log.record(nonceKey, expiresAtMs);
      },
    };
  }

  /** Nonces in memory, and the bytes they take (tests and the bench look). */
  get memory(): { nonces: number; bytes: number } {
    return { nonces: this.seen.size, bytes: this.seen.bytes };
  }
}

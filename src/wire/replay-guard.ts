/**
 * Remembers signature nonces for the replay window, so that a signed request is accepted once.
 *
 * What counts as used: every request that was correctly signed and let through by throttling.
 * How long: until its timestamp could no longer be valid (15 minutes after it, or after now when
 * it came from the future). Where: in this process's memory, and — for requests of state-changing
 * actions — in the database before the action runs, so that a restart or a crash forgets none of
 * them.
 */
import type { SignedNonce } from './authenticate.js';
import { NonceSet } from './nonce-set.js';

export interface ReplayGuard {
  /** What earlier processes kept, loaded before the first request. */
  start(): Promise<void>;
  /**
   * Uses the nonce up; false when it was used within its window. `durable`: the use must outlive
   * this process (a state-changing request), and the promise resolves only once it does.
   */
  use(nonce: SignedNonce, durable: boolean): Promise<boolean>;
}

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

  async use(nonce: SignedNonce, durable: boolean): Promise<boolean> {
    const now = this.nowMs();
    if (!this.seen.add(nonce.digest, nonce.expiresAtMs, now)) return false;
    if (durable && this.log) {
      if (now >= this.nextSweepMs) {
        this.nextSweepMs = now + 60_000;
        this.log.sweep(now).catch(this.onError);
      }
      await this.log.record(nonce.digest.toString('hex'), nonce.expiresAtMs);
    }
    return true;
  }

  /** Nonces in memory, and the bytes they take (tests and the bench look). */
  get memory(): { nonces: number; bytes: number } {
    return { nonces: this.seen.size, bytes: this.seen.bytes };
  }
}

/**
 * Signature nonces kept in the database, for instances that share one (PostgreSQL): a nonce used
 * on one instance is refused on every other within the replay window, reads' nonces included. One
 * statement decides each nonce, so two instances receiving the same request at once cannot both
 * accept it; nothing is kept in memory.
 */
import type { NonceRepository } from '../store/guard-repositories.js';
import type { SignedNonce } from '../wire/authenticate.js';
import { type Admission, type ReplayGuard, settled } from '../wire/replay-guard.js';

export class SharedReplayGuard implements ReplayGuard {
  private nextSweepMs = 0;

  constructor(
    private readonly nonces: Pick<NonceRepository, 'remember' | 'sweep'>,
    private readonly nowMs: () => number = Date.now,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  async start(): Promise<void> {}

  async use(nonce: SignedNonce): Promise<Admission | undefined> {
    const now = this.nowMs();
    if (now >= this.nextSweepMs) {
      // Every minute, whichever instance gets there: the table holds one window of nonces.
      this.nextSweepMs = now + 60_000;
      this.nonces.sweep(now).catch(this.onError);
    }
    return (await this.nonces.remember(nonce.digest.toString('hex'), nonce.expiresAtMs, now)) ? settled : undefined;
  }
}

/** Remembers signature nonces for the replay window, so a signed request is accepted once. */

export interface ReplayGuard {
  /** Records the nonce; false when it was already seen and has not expired. */
  remember(nonceKey: string, expiresAtMs: number): boolean | Promise<boolean>;
}

/** One process's memory. Expired nonces are swept as time goes by. */
export class MemoryReplayGuard implements ReplayGuard {
  private readonly seen = new Map<string, number>();
  private nextSweepMs = 0;

  constructor(private readonly nowMs: () => number = Date.now) {}

  remember(nonceKey: string, expiresAtMs: number): boolean {
    const now = this.nowMs();
    if (now >= this.nextSweepMs) this.sweep(now);
    const expiry = this.seen.get(nonceKey);
    if (expiry !== undefined && expiry > now) return false;
    this.seen.set(nonceKey, expiresAtMs);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private sweep(now: number): void {
    for (const [key, expiry] of this.seen) if (expiry <= now) this.seen.delete(key);
    this.nextSweepMs = now + 10_000;
  }
}

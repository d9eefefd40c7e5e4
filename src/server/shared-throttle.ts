/**
 * Throttling counted in the database, for instances that share one (PostgreSQL): the calls per
 * second of an account and action are counted across all of them, as one process counts them in
 * memory. Same bucket as `TokenBucketThrottle`: `callsPerSecond` calls at once, then one every
 * 1/callsPerSecond seconds.
 */
import type { ThrottleRepository } from '../store/guard-repositories.js';
import type { Throttle } from '../wire/throttle.js';

export class SharedThrottle implements Throttle {
  private readonly intervalMs: number;
  private readonly burstMs: number;
  private nextSweepMs = 0;

  constructor(
    private readonly buckets: Pick<ThrottleRepository, 'take' | 'sweep'>,
    callsPerSecond: number,
    private readonly nowMs: () => number = Date.now,
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    this.intervalMs = 1000 / callsPerSecond;
    this.burstMs = (callsPerSecond - 1) * this.intervalMs;
  }

  take(key: string): Promise<number> {
    const now = this.nowMs();
    if (now >= this.nextSweepMs) {
      // Every minute, whichever instance gets there: the table holds the buckets not yet full.
      this.nextSweepMs = now + 60_000;
      this.buckets.sweep(now).catch(this.onError);
    }
    return this.buckets.take(key, now, this.intervalMs, this.burstMs);
  }
}

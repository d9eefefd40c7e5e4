/** Flow control per account and action: a token bucket of `callsPerSecond`, refilled continuously. */

export interface Throttle {
  /** Takes one call; returns 0 when allowed, else the milliseconds until the next call is. */
  take(key: string): number | Promise<number>;
}

/** One process's memory: a bucket of `callsPerSecond` calls per key. */
export class TokenBucketThrottle implements Throttle {
  private readonly buckets = new Map<string, { tokens: number; updatedMs: number }>();

  constructor(
    private readonly callsPerSecond: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  take(key: string): number {
    const now = this.nowMs();
    const capacity = this.callsPerSecond;
    const bucket = this.buckets.get(key) ?? { tokens: capacity, updatedMs: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.updatedMs) / 1000) * this.callsPerSecond);
    bucket.updatedMs = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - bucket.tokens) / this.callsPerSecond) * 1000));
  }
}

export const noThrottle: Throttle = { take: () => 0 };

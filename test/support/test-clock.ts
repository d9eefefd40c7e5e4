/**
 * A clock tests move instead of sleeping.
 * - `advance(s)`: the server's clock runs ahead of the clients' (signatures see the skew).
 * - `passTime(s)`: time passes for everyone: the server's business time moves on, and signed
 *   requests made now still carry a current timestamp.
 * - `freeze()`: the server's time stops (throttle buckets do not refill) until `unfreeze()`.
 */
export class TestClock {
  private serverOffsetMs = 0;
  private elapsedMs = 0;
  private frozenAtMs: number | undefined;

  private real(): number {
    return this.frozenAtMs ?? Date.now();
  }

  /** Business time: token expiry, send windows, creation dates. */
  readonly now = (): Date => new Date(this.real() + this.serverOffsetMs + this.elapsedMs);
  /** What the server compares request timestamps with, and what its throttle counts in. */
  readonly signatureNow = (): Date => new Date(this.real() + this.serverOffsetMs);

  advance(seconds: number): void {
    this.serverOffsetMs += seconds * 1000;
  }

  passTime(seconds: number): void {
    this.elapsedMs += seconds * 1000;
  }

  freeze(): void {
    this.frozenAtMs = Date.now();
  }

  unfreeze(): void {
    this.frozenAtMs = undefined;
  }
}

/**
 * A clock tests move instead of sleeping.
 * - `advance(s)`: the server's clock runs ahead of the clients' (signatures see the skew).
 * - `passTime(s)`: time passes for everyone: the server's business time moves on, and signed
 *   requests made now still carry a current timestamp.
 */
export class TestClock {
  private serverOffsetMs = 0;
  private elapsedMs = 0;
  /** Business time: token expiry, send windows, creation dates. */
  readonly now = (): Date => new Date(Date.now() + this.serverOffsetMs + this.elapsedMs);
  /** What the server compares request timestamps with. */
  readonly signatureNow = (): Date => new Date(Date.now() + this.serverOffsetMs);

  advance(seconds: number): void {
    this.serverOffsetMs += seconds * 1000;
  }

  passTime(seconds: number): void {
    this.elapsedMs += seconds * 1000;
  }
}

/**
 * The retention sweep: every interval, the events past their retention are removed one small batch
 * at a time (a batch that comes back full is followed at once by the next), so that the trail keeps
 * its configured number of days without a long statement ever holding up the writers.
 */
import { type AuditTrail, sweepBatch } from './audit-trail.js';

export class RetentionSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** Not sweeping every interval (never started, or stopped). */
  private stopped = true;
  /** `stop` was called: a sweep under way ends after its current batch. */
  private stopping = false;

  constructor(
    private readonly trail: AuditTrail,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.stopping = false;
    this.schedule(0);
  }

  /** Stops sweeping; resolves once a sweep under way has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Sweeps until a batch comes back short; resolves when done (also what `start` runs each interval). */
  async sweepNow(): Promise<number> {
    let removed = 0;
    for (;;) {
      const batch = await this.trail.sweep();
      removed += batch;
      // Only `stop` cuts a sweep short: one called on a sweeper that was never started runs to its end.
      if (batch < sweepBatch || this.stopping) return removed;
    }
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.running = this.sweepNow()
        .then(() => undefined, this.onError)
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.schedule(this.intervalMs);
        });
    }, ms);
    this.timer.unref?.();
  }
}

/**
 * The delivery worker: sends what the outbox holds as Queued, through the transport of its
 * channel, and records every attempt on the delivery's row.
 *
 * Nothing lost: a delivery is written (Queued) in the transaction of the action that caused it, so
 * a process that dies before sending leaves it Queued, or Sending under a lease that a restarted
 * process takes over (at once when the dead owner was a process of this host, else when the lease
 * expires). Nothing repeated: the moment a transport accepts a message, the row becomes Sent
 * before anything else happens; only a process killed between the transport's acceptance and that
 * one write (a window of one SQL statement) can send a message twice, and an email then carries
 * the same Message-ID.
 *
 * Temporary failures are retried with exponential backoff and jitter until the attempts run out;
 * a permanent failure ends the delivery at once. Either way the row keeps its attempts, their
 * times and the last error.
 *
 * Verification tokens: the statement that records Sent also takes the token out of the row; a
 * verification delivery whose token was taken out before it could be sent (used, superseded,
 * cancelled, expired) is not sent. The worker also sweeps the outbox for tokens that expired
 * (at most once every `linkSweepMs` of the server's clock, one batch at a time).
 */
import type { OutboxRow, Repositories } from '../store/repositories.js';
import type { Store } from '../store/store.js';
import { type EmailTransport, type SmsTransport, DeliveryError } from '../delivery/transport.js';
import { notSentReasons } from './delivery-queue.js';
import { isDeadLocalOwner, newOwner } from './leases.js';
import { type Clock, toStored } from './time.js';
import { recordAudit, serviceActors } from './audit.js';
import { type Telemetry, silentTelemetry } from './telemetry.js';
import { wholeTokenOf } from './outbox.js';

export interface DeliveryWorkerOptions {
  /** Attempts of one delivery before it is Failed. */
  attempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Deliveries sent at the same time. */
  concurrency: number;
  leaseSeconds: number;
  /** How often an idle worker looks for work it was not told about (another process's). */
  pollMs?: number;
  /** How often, in the server's time, expired verification tokens are looked for (default 1 s). */
  linkSweepMs?: number;
  /** A number in [0, 1) for the jitter (tests fix it). */
  random?: () => number;
  onError?: (error: unknown) => void;
  /** Hears of each attempt's outcome and of expired links (the logs, the metrics). */
  telemetry?: Telemetry;
}

/** What one attempt came to, as the outbox records it. */
type Outcome = Parameters<Store['outbox']['settle']>[3];

/** The transports of the channels that really send; a channel without one is store-only. */
export interface Transports {
  email?: EmailTransport;
  sms?: SmsTransport;
}

const maxErrorLength = 1000;
/** Rows whose expired token one sweep statement takes out. */
const linkSweepBatch = 200;

/** The wait before attempt `attempt + 1`: base·2^(attempt−1), at most max, times a jitter in [½, 1). */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random: number): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.max(1, Math.round(exponential * (0.5 + random / 2)));
}

export class DeliveryWorker {
  readonly owner = newOwner();
  private readonly pollMs: number;
  private readonly random: () => number;
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** The deliveries this worker is sending now. */
  private readonly sending = new Set<string>();
  /** Resolves the worker's current wait early (work was queued, a send finished, or stop). */
  private interrupt: (() => void) | undefined;
  private woken = false;
  private transports: Transports = {};
  private readonly linkSweepMs: number;
  /** Server time (ms) of the next sweep for expired tokens. */
  private nextLinkSweep = 0;
  private readonly telemetry: Telemetry;

  /** `transports` may still be loading: the worker starts sending once they are there. */
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly loading: Transports | Promise<Transports>,
    private readonly options: DeliveryWorkerOptions,
  ) {
    this.pollMs = options.pollMs ?? 1000;
    this.random = options.random ?? Math.random;
    this.linkSweepMs = options.linkSweepMs ?? 1000;
    this.telemetry = options.telemetry ?? silentTelemetry;
    // Awaited only when the worker starts; until then a failure must not count as unhandled.
    Promise.resolve(loading).catch(() => {});
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops taking work, lets the sends under way finish and be recorded, then closes the transports. */
  async stop(): Promise<void> {
    if (!this.running) {
      await this.loop;
      await Promise.allSettled([this.transports.email?.close(), this.transports.sms?.close()]);
      return;
    }
    this.running = false;
    this.interrupt?.();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
    await Promise.allSettled([this.transports.email?.close(), this.transports.sms?.close()]);
  }

  /** Deliveries were queued: look now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    this.interrupt?.();
  }

  private async run(): Promise<void> {
    try {
      this.transports = await this.loading;
    } catch (error) {
      // Without its transports the worker cannot send; what is queued stays queued for a fixed start.
      this.options.onError?.(error);
      this.running = false;
      return;
    }
    let failures = 0;
    while (this.running) {
      this.woken = false;
      let wait: number;
      try {
        const moreExpired = await this.sweepExpiredLinks();
        await this.fill();
        failures = 0;
        // A sweep that found a whole batch goes on at the next turn of the event loop.
        wait = moreExpired ? 0 : await this.idleWaitMs();
      } catch (error) {
        // The database refuses (disk full, read-only, gone): wait before asking again, longer each
        // time, instead of spinning on work that is due but cannot be taken.
        this.options.onError?.(error);
        failures += 1;
        wait = Math.min(this.pollMs * 2 ** Math.min(failures - 1, 5), 60_000);
      }
      if (!this.running) break;
      if (this.woken) continue;
      await this.pause(wait);
    }
  }

  /**
   * Takes the tokens that expired out of the outbox, one batch, when a sweep is due; whether there
   * may be more. An idle sweep is one indexed read.
   */
  private async sweepExpiredLinks(): Promise<boolean> {
    const now = this.clock();
    if (now.getTime() < this.nextLinkSweep) return false;
    const found = await this.store.outbox.retireExpiredLinks(toStored(now), linkSweepBatch, notSentReasons.Expired);
    if (found > 0) this.telemetry.verificationsExpired(found);
    const more = found >= linkSweepBatch;
    this.nextLinkSweep = more ? 0 : now.getTime() + this.linkSweepMs;
    return more;
  }

  /** Until the earliest due attempt or lease expiry, at most the poll interval. */
  private async idleWaitMs(): Promise<number> {
    if (this.inFlight.size >= this.options.concurrency) return this.pollMs;
    const next = await this.store.outbox.nextWake();
    if (next === undefined) return this.pollMs;
    return Math.min(this.pollMs, Math.max(0, Date.parse(next) - this.clock().getTime()));
  }

  /**
   * Waits `ms` (at least one turn of the event loop, so that the loop never starves the process),
   * or less if woken or stopped — also when that happened while the wait was being decided.
   */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        if (timer !== undefined) clearTimeout(timer);
        this.interrupt = undefined;
        resolve();
      };
      this.interrupt = done;
      if (this.woken || !this.running || ms <= 0) {
        setImmediate(done);
        return;
      }
      timer = setTimeout(done, ms);
      timer.unref?.();
    });
  }

  /** Takes as many due deliveries as there are free places and starts sending them. */
  private async fill(): Promise<void> {
    const free = this.options.concurrency - this.inFlight.size;
    if (free <= 0) return;
    const at = toStored(this.clock());
    const candidates = [
      ...(await this.store.outbox.due(at, free)),
      ...(await this.store.outbox.held(50)).filter(
        // Never one this worker is sending right now, whatever its lease says.
        (row) => !this.sending.has(row.id) && ((row.lease_expires_at ?? '') <= at || isDeadLocalOwner(row.lease_owner, this.owner)),
      ),
    ];
    let started = 0;
    for (const row of candidates) {
      if (started >= free || !this.running) break;
      const now = this.clock();
      const leaseUntil = toStored(new Date(now.getTime() + this.options.leaseSeconds * 1000));
      if (row.status === 'Sending' && row.attempts >= this.options.attempts) {
        // Taken over from a process that died during its last attempt: no attempt is left.
        const error = 'the process sending it stopped during the last attempt';
        const failed = await this.store.transaction(async (tx) => {
          if (!(await tx.outbox.fail(row, error))) return false;
          await this.recordOutcome(tx, row, { status: 'Failed', error });
          return true;
        });
        if (failed) this.report(row, { status: 'Failed', error });
        continue;
      }
      if (!(await this.store.outbox.claim(row, this.owner, toStored(now), leaseUntil))) continue;
      started += 1;
      const claimed = { ...row, attempts: row.attempts + 1, lease_expires_at: leaseUntil };
      this.sending.add(row.id);
      const attempt = this.attempt(claimed);
      this.inFlight.add(attempt);
      void attempt.finally(() => {
        this.inFlight.delete(attempt);
        this.sending.delete(row.id);
        this.wake();
      });
    }
  }

  /** One attempt of one delivery, recorded whatever happens. */
  private async attempt(row: OutboxRow): Promise<void> {
    let outcome: Outcome;
    if (row.purpose === 'verification' && row.link !== null && wholeTokenOf(row.link) === undefined) {
      // Its token was used, superseded, cancelled or expired while the row was Sending (a retry,
      // or taken over): the message is of no use any more, and its row no longer holds the link.
      const outcome: Outcome = { status: 'Failed', error: 'not sent: its link was used, superseded, cancelled or expired before it could be sent' };
      if (await this.record(row, outcome)) this.report(row, outcome);
      return;
    }
    const started = process.hrtime.bigint();
    let seconds: number | undefined;
    try {
      const accepted = await this.send(row);
      seconds = Number(process.hrtime.bigint() - started) / 1e9;
      outcome = { status: 'Sent', at: toStored(this.clock()), providerId: accepted.providerId ?? null };
    } catch (error) {
      seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const temporary = error instanceof DeliveryError ? error.temporary : false;
      // Transports keep secrets out of their messages; cut only after that, here.
      const message = (error instanceof Error ? error.message : String(error)).slice(0, maxErrorLength);
      if (temporary && row.attempts < this.options.attempts) {
        const delay = retryDelayMs(row.attempts, this.options.retryBaseMs, this.options.retryMaxMs, this.random());
        outcome = { status: 'Queued', nextAttemptAt: toStored(new Date(this.clock().getTime() + delay)), error: message };
      } else {
        outcome = { status: 'Failed', error: message };
      }
    }
    if (await this.record(row, outcome)) this.report(row, outcome, seconds);
  }

  /** An attempt's outcome, to the logs and the metrics. */
  private report(row: OutboxRow, outcome: Outcome, seconds?: number): void {
    this.telemetry.deliveryAttempt({
      deliveryId: row.id,
      messageId: row.message_id ?? row.id,
      directoryId: row.directory_id,
      contactId: row.contact_id,
      channel: row.channel,
      transport: row.transport,
      purpose: row.purpose,
      recipient: row.recipient,
      attempt: row.attempts,
      outcome: outcome.status === 'Sent' ? 'sent' : outcome.status === 'Queued' ? 'retry' : 'failed',
      ...(outcome.status === 'Sent' ? { providerId: outcome.providerId } : { error: outcome.error }),
      ...(outcome.status === 'Queued' ? { nextAttemptAt: outcome.nextAttemptAt } : {}),
      ...(seconds !== undefined ? { seconds } : {}),
    });
  }

  /** A delivery's final outcome (Sent, or Failed for good) as an event of the audit trail, in the transaction that records it. */
  private async recordOutcome(tx: Repositories, row: OutboxRow, outcome: Outcome): Promise<void> {
    if (outcome.status === 'Queued') return;
    const tenant = { accountId: '', directoryId: row.directory_id, actor: serviceActors.jobs };
    await recordAudit(tx, tenant, toStored(this.clock()), 'DeliverMessage', { resource: `delivery/${row.id}` }, {
      DeliveryId: row.id,
      MessageId: row.message_id ?? row.id,
      ...(row.contact_id ? { ContactId: row.contact_id } : {}),
      ...(row.account_id ? { AccountId: row.account_id } : {}),
      Channel: row.channel,
      Transport: row.transport,
      Purpose: row.purpose,
      Attempts: row.attempts,
      Outcome: outcome.status,
      ...(outcome.status === 'Sent' ? { ProviderId: outcome.providerId ?? undefined } : { Error: outcome.error }),
    });
  }

  /**
   * Writes an attempt's outcome. A Sent that cannot be written is tried again (with a pause that
   * grows) for as long as the lease lasts: left Sending, the delivery would be taken again when the
   * lease runs out and sent a second time.
   */
  private async record(row: OutboxRow, outcome: Outcome): Promise<boolean> {
    const leaseEnds = Date.parse(row.lease_expires_at ?? '') || this.clock().getTime();
    for (let attempt = 0; ; attempt++) {
      try {
        const settled = await this.store.transaction(async (tx) => {
          if (!(await tx.outbox.settle(row.id, this.owner, row.attempts, outcome))) return false;
          await this.recordOutcome(tx, row, outcome);
          return true;
        });
        if (!settled) {
          this.options.onError?.(new Error(`delivery ${row.id}: its lease was lost before its outcome (${outcome.status}) was recorded`));
        }
        return settled;
      } catch (error) {
        this.options.onError?.(error);
        if (outcome.status !== 'Sent' || this.clock().getTime() + 1000 > leaseEnds) return false;
        await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 5000)));
      }
    }
  }

  private send(row: OutboxRow) {
    const configured = row.channel === 'email' ? this.transports.email : this.transports.sms;
    if (configured && configured.name !== row.transport) {
      // Queued for another transport (the configuration changed since): its recipient form, its
      // templates and the Transport the API shows belong to that one.
      throw new DeliveryError(`queued for the ${row.transport} transport, but ${configured.name} is configured now`, false);
    }
    if (row.channel === 'email') {
      const transport = this.transports.email;
      if (!transport) throw new DeliveryError(`no email transport is configured (the delivery says ${row.transport})`, false);
      return transport.send({
        deliveryId: row.id,
        to: row.recipient,
        subject: row.subject,
        text: row.body,
        html: row.html_body ?? '',
      });
    }
    const transport = this.transports.sms;
    if (!transport) throw new DeliveryError(`no SMS transport is configured (the delivery says ${row.transport})`, false);
    return transport.send({
      deliveryId: row.id,
      purpose: row.purpose,
      phoneNumber: row.recipient,
      text: row.body,
      templateParams: row.sms_params ? (JSON.parse(row.sms_params) as Record<string, string>) : {},
    });
  }
}

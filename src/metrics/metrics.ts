/**
 * The Prometheus metrics of one rdcontacts process, in a registry of their own (never prom-client's
 * global one): what the process did (calls, authentication failures, throttling, delivery attempts,
 * verifications), as counters and histograms fed by the service's telemetry; what the database
 * holds (the delivery queue, the deletion jobs), as gauges read from the store when scraped, so
 * they are the same whichever instance answers; the build; and Node's process metrics.
 *
 * Cheap on the request path: a call is a few set lookups (the label guards) and map lookups (the
 * cached label children) and prom-client's own increments; the database is read at scrape time only.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Telemetry } from '../domain/telemetry.js';
import type { NewAuditEvent } from '../store/audit-repository.js';
import type { Store } from '../store/store.js';
import { serviceVersion } from '../version.js';
import * as label from './labels.js';

export interface MetricsOptions {
  /** Where the gauges are read from, and whose committed changes are heard (confirmed verifications). */
  store: Store;
  /** Told of a read of the store that failed while scraping; that gauge has no samples in that scrape. */
  onError?: (error: unknown) => void;
  /** Node's process metrics (`process_*`, `nodejs_*`); on unless false. */
  processMetrics?: boolean;
  /**
   * The transport of each channel (the configuration's): their delivery series are exported from
   * the start, at 0, rather than from the first attempt.
   */
  transports?: { email: string; sms: string };
}

export interface Metrics {
  /** The registry every metric below is in; `registry.metrics()` is a scrape, `registry.contentType` its type. */
  registry: Registry;
  /** What to give `createApp` (it fans it out beside the log). */
  telemetry: Telemetry;
}

/** Request durations: 1 ms to 10 s. */
export const requestBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** One send through a transport: 5 ms to 30 s (the default delivery timeout). */
export const deliveryBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Children of a metric by one label value. */
class Children1<C> {
  private readonly byValue = new Map<string, C>();
  constructor(private readonly make: (a: string) => C) {}
  get(a: string): C {
    let child = this.byValue.get(a);
    if (child === undefined) this.byValue.set(a, (child = this.make(a)));
    return child;
  }
}

/** Children of a metric by two label values: nested maps, so that no key is built per call. */
class Children2<C> {
  private readonly byFirst = new Map<string, Children1<C>>();
  constructor(private readonly make: (a: string, b: string) => C) {}
  get(a: string, b: string): C {
    let rest = this.byFirst.get(a);
    if (rest === undefined) this.byFirst.set(a, (rest = new Children1((value) => this.make(a, value))));
    return rest.get(b);
  }
}

class Children3<C> {
  private readonly byFirst = new Map<string, Children2<C>>();
  constructor(private readonly make: (a: string, b: string, c: string) => C) {}
  get(a: string, b: string, c: string): C {
    let rest = this.byFirst.get(a);
    if (rest === undefined) this.byFirst.set(a, (rest = new Children2((x, y) => this.make(a, x, y))));
    return rest.get(b, c);
  }
}

/** Sets a by-status gauge from counts: every known status (0 when none), and `other` for any other. */
function setStatuses(gauge: Gauge<'status'>, known: readonly string[], counts: Map<string, number>): void {
  gauge.reset();
  for (const status of known) gauge.set({ status }, counts.get(status) ?? 0);
  let others = 0;
  for (const [status, count] of counts) if (!known.includes(status)) others += count;
  if (others > 0) gauge.set({ status: label.other }, others);
}

/** The channel of a confirmed verification, from its event's changes. */
function confirmedChannel(event: NewAuditEvent): string {
  try {
    const changes = JSON.parse(event.changes) as Record<string, unknown>;
    if (changes.EmailAddress !== undefined) return 'email';
    if (changes.PhoneNumber !== undefined) return 'sms';
  } catch {
    // not an object: neither
  }
  return label.other;
}

export function createMetrics(options: MetricsOptions): Metrics {
  const { store } = options;
  const onError = options.onError ?? (() => {});
  const registry = new Registry();
  const registers = [registry];

  const requests = new Counter({
    name: 'rdcontacts_requests_total',
    help: 'Calls answered on the API endpoint, by product, action and answer (OK or the error code).',
    labelNames: ['product', 'action', 'code'] as const,
    registers,
  });
  const requestDuration = new Histogram({
    name: 'rdcontacts_request_duration_seconds',
    help: 'Time from a call reaching the API endpoint to its answer, by product and action.',
    labelNames: ['product', 'action'] as const,
    buckets: requestBuckets,
    registers,
  });
  const authFailures = new Counter({
    name: 'rdcontacts_auth_failures_total',
    help: 'Calls refused before they ran for their signature, timestamp, nonce or AccessKey, by error code.',
    labelNames: ['code'] as const,
    registers,
  });
  const throttled = new Counter({
    name: 'rdcontacts_throttled_total',
    help: 'Calls refused by flow control (Throttling.User), by action.',
    labelNames: ['action'] as const,
    registers,
  });
  const deliveries = new Counter({
    name: 'rdcontacts_deliveries_total',
    help: 'Attempts to send a message, by channel, transport and outcome (sent, retry: to be tried again, failed: for good).',
    labelNames: ['channel', 'transport', 'outcome'] as const,
    registers,
  });
  const attemptDuration = new Histogram({
    name: 'rdcontacts_delivery_attempt_duration_seconds',
    help: 'Time a transport took for one attempt to send one message, by transport.',
    labelNames: ['transport'] as const,
    buckets: deliveryBuckets,
    registers,
  });
  const verifications = new Counter({
    name: 'rdcontacts_verifications_total',
    help: 'Verification messages sent, verifications confirmed and links that expired unused, by channel and event.',
    labelNames: ['channel', 'event'] as const,
    registers,
  });
  const refusedLinks = new Counter({
    name: 'rdcontacts_verification_links_refused_total',
    help: 'Verification links opened when they could no longer confirm anything, by what they were (used, expired, superseded, cancelled, unknown).',
    labelNames: ['state'] as const,
    registers,
  });
  new Gauge({
    name: 'rdcontacts_delivery_queue',
    help: 'Deliveries in the database by status (Stored, Queued, Sending, Sent, Failed), read when scraped: the same on every instance.',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      try {
        setStatuses(this, label.queueStatuses, await store.gauges.deliveriesByStatus());
      } catch (error) {
        this.reset();
        onError(error);
      }
    },
  });
  new Gauge({
    name: 'rdcontacts_deletion_jobs',
    help: 'Contact deletion jobs in the database by status (Deleting, Failed), read when scraped: the same on every instance.',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      try {
        setStatuses(this, label.deletionStatuses, await store.gauges.deletionJobsByStatus());
      } catch (error) {
        this.reset();
        onError(error);
      }
    },
  });
  new Gauge({
    name: 'rdcontacts_build_info',
    help: 'Always 1; the version of rdcontacts this process runs is its label.',
    labelNames: ['version'] as const,
    registers,
  }).set({ version: serviceVersion }, 1);
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });

  // Every known label set starts at 0 where the set is small, so that rate() and alerts see a
  // series from the first scrape on, not only from the first event.
  for (const channel of label.channels) {
    const transport = options.transports?.[channel];
    // The outbox transport only stores: it makes no attempts.
    if (transport !== undefined && transport !== 'outbox' && (label.transports as readonly string[]).includes(transport)) {
      for (const outcome of label.outcomes) deliveries.labels(channel, transport, outcome).inc(0);
    }
    verifications.labels(channel, 'sent').inc(0);
    verifications.labels(channel, 'confirmed').inc(0);
  }
  verifications.labels('any', 'expired').inc(0);

  const requestChildren = new Children3((product, action, code) => requests.labels(product, action, code));
  const durationChildren = new Children2((product, action) => requestDuration.labels(product, action));
  const authChildren = new Children1((code) => authFailures.labels(code));
  const throttledChildren = new Children1((action) => throttled.labels(action));
  const deliveryChildren = new Children3((channel, transport, outcome) => deliveries.labels(channel, transport, outcome));
  const attemptChildren = new Children1((transport) => attemptDuration.labels(transport));
  const verificationChildren = new Children2((channel, event) => verifications.labels(channel, event));
  const refusedChildren = new Children1((state) => refusedLinks.labels(state));
  const guardChannel = label.oneOf(label.channels);
  const guardTransport = label.oneOf(label.transports);
  const guardOutcome = label.oneOf(label.outcomes);
  const guardState = label.oneOf(label.linkStates);

  store.observeAudit((event) => {
    if (event.action !== 'ConfirmMessageContactVerification' || (event.error_code ?? null) !== null) return;
    verificationChildren.get(confirmedChannel(event), 'confirmed').inc();
  });

  const telemetry: Telemetry = {
    call(report) {
      const product = label.product(report.product);
      const action = label.action(product, report.action);
      requestChildren.get(product, action, label.code(report.code)).inc();
      if (Number.isFinite(report.seconds) && report.seconds >= 0) durationChildren.get(product, action).observe(report.seconds);
    },
    authFailure(code) {
      authChildren.get(label.errorCode(code)).inc();
    },
    throttled(action) {
      throttledChildren.get(label.anyAction(action)).inc();
    },
    deliveryAttempt(report) {
      const channel = guardChannel(report.channel);
      const transport = guardTransport(report.transport);
      deliveryChildren.get(channel, transport, guardOutcome(report.outcome)).inc();
      if (report.seconds !== undefined && Number.isFinite(report.seconds) && report.seconds >= 0) attemptChildren.get(transport).observe(report.seconds);
      if (report.purpose === 'verification' && report.outcome === 'sent') verificationChildren.get(channel, 'sent').inc();
    },
    verificationRefused(refusal) {
      refusedChildren.get(guardState(refusal.state)).inc();
    },
    verificationsExpired(count) {
      if (Number.isFinite(count) && count > 0) verificationChildren.get('any', 'expired').inc(count);
    },
  };
  return { registry, telemetry };
}

/** The Fastify application: the RPC endpoint, the verification pages and health checks. */
import Fastify, { type FastifyError, type FastifyInstance, LogController } from 'fastify';
import type { Config } from '../config.js';
import type { Services } from '../products/define.js';
import { Authorizer } from '../domain/access/authorizer.js';
import { type RamOptions, createRamServices } from '../domain/identities/services.js';
import { ContactService } from '../domain/contacts.js';
import { ApiError, isApiError } from '../domain/errors.js';
import { type Clock, systemClock } from '../domain/time.js';
import { VerificationService } from '../domain/verification.js';
import { BindingService } from '../domain/bindings.js';
import type { DeletionRunnerOptions } from '../domain/deletion-runner.js';
import { DirectoryService } from '../domain/directory/service.js';
import { RecipientService } from '../domain/recipients.js';
import { DeliveryQueue } from '../domain/delivery-queue.js';
import { DeliveryWorker, type DeliveryWorkerOptions } from '../domain/delivery-worker.js';
import { MessageService } from '../domain/messages.js';
import { type ConfiguredTransports, createTransports, transportNames } from '../delivery/transports/index.js';
import type { Store } from '../store/store.js';
import { Authenticator, type CredentialLookup } from '../wire/authenticate.js';
import { LocalReplayGuard, type ReplayGuard } from '../wire/replay-guard.js';
import { SharedReplayGuard } from './shared-replay-guard.js';
import { SharedThrottle } from './shared-throttle.js';
import { replyWithError } from './error-reply.js';
import { TokenBucketThrottle, noThrottle } from '../wire/throttle.js';
import { registerRpcEndpoint } from './rpc-endpoint.js';
import { AuditTrail } from '../domain/audit-trail.js';
import { OutboxService } from '../domain/outbox.js';
import { RetentionSweeper } from '../domain/audit-retention.js';
import { type Telemetry, fanOut } from '../domain/telemetry.js';
import { logCommittedChange, loggingTelemetry } from './operations-log.js';
import { clientErrorHandler, drainBody, maxDrainBytes, newRequestId, securityHeaders } from './http-edges.js';
import { isVerifyPath, registerVerifyPages, sendUnknownLinkPage } from './verify-pages.js';

export interface AppOptions {
  config: Config;
  store: Store;
  clock?: Clock;
  /** The clock request timestamps are checked against; the business clock unless given. */
  signatureClock?: Clock;
  /** Replaces the logger settings (tests pass false). */
  logger?: boolean | { level: string };
  /** Overrides of the background deletion job's settings (tests). */
  deletion?: DeletionRunnerOptions;
  /** Overrides of the delivery worker's settings (tests). */
  delivery?: Partial<DeliveryWorkerOptions>;
  /** The transports, already made (serve makes them first, to refuse a bad configuration at start). */
  transports?: ConfiguredTransports | Promise<ConfiguredTransports>;
  /** Who else hears what the service does (the metrics); the log always does. */
  telemetry?: Telemetry;
  /** How often the audit trail is swept of events past their retention (default a minute). */
  auditSweepMs?: number;
}

/** Refused calls of one AccessKey recorded per second by one process; more are answered, not recorded. */
const refusalsRecordedPerSecond = 20;

export function createServices(
  store: Store,
  config: Config,
  clock: Clock,
  deletion: DeletionRunnerOptions = {},
  onQueued: () => void = () => {},
  ramOptions: RamOptions = {},
): Services {
  const deliveries = new DeliveryQueue(transportNames(config.delivery), onQueued);
  const contacts = new ContactService(store, clock, {
    maxContactsPerDirectory: config.maxContactsPerDirectory,
    phoneCountryCodes: config.phoneCountryCodes,
  });
  const verification = new VerificationService(store, clock, contacts, {
    phoneCountryCodes: config.phoneCountryCodes,
    tokenTtlSeconds: config.verificationTtlSeconds,
    sendsPerMinutePerAddress: config.sendsPerMinutePerAddress,
    sendsPerDayPerAccount: config.sendsPerDayPerAccount,
    // Read at each send: `serve` learns the port only once it listens (--port 0).
    get publicUrl() {
      return config.publicUrl;
    },
    language: config.language,
  }, deliveries);
  const directory = new DirectoryService(store, clock, config);
  const bindings = new BindingService(store, clock, contacts, deletion);
  contacts.deletionEnqueued = () => bindings.runner.wake();
  const recipients = new RecipientService(store, clock);
  const messages = new MessageService(store, clock, contacts, recipients, deliveries, config.language);
  const ram = createRamServices(store, clock, ramOptions);
  const audit = new AuditTrail(store, clock, {
    retentionDays: config.auditRetentionDays,
    // Read when asked: `serve` learns the port only once it listens (--port 0).
    serviceHost: () => new URL(config.publicUrl).host,
  });
  const outbox = new OutboxService(store, clock);
  return { contacts, verification, directory, bindings, recipients, messages, ram, audit, outbox };
}

function credentialLookup(store: Store): CredentialLookup {
  return {
    async find(accessKeyId) {
      const row = await store.accessKeys.find(accessKeyId);
      // A RAM user's key whose user is gone (never left behind: DeleteUser refuses a user with
      // keys) is no key at all, and never taken for a root key.
      if (!row || (row.user_id !== null && row.user_name === null)) return undefined;
      return {
        accessKeyId: row.id,
        secret: row.secret,
        active: row.status === 'Active',
        accountId: row.account_id,
        directoryId: row.directory_id,
        principal:
          row.user_id === null || row.user_name === null
            ? { kind: 'root' as const }
            : { kind: 'user', userId: row.user_id, userName: row.user_name },
        authorizationRevision: Number(row.ram_revision),
      };
    },
  };
}

export function createApp(options: AppOptions): FastifyInstance {
  const { config, store } = options;
  const clock = options.clock ?? systemClock;
  const signatureClock = options.signatureClock ?? clock;
  const app = Fastify({
    logger:
      options.logger ?? {
        level: config.logLevel,
        redact: { paths: ['AccessKeySecret', 'secret', 'req.headers.authorization'], censor: '[hidden]' },
        ...(config.logFormat === 'pretty' ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:standard', ignore: 'pid,hostname' } } } : {}),
      },
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.maxBodyBytes,
    http: {
      // Node counts the request line with the headers; leave room for the query, which is limited
      // on its own (414), and limit the headers themselves in the onRequest hook below (431).
      maxHeaderSize: config.maxHeaderBytes + config.maxQueryBytes + 1024,
      // A request without Host is answered in the envelope below, not with Node's empty 400.
      requireHostHeader: false,
      // The whole request, headers and body, must arrive within the request timeout (408), looked
      // at every second rather than Node's every 30 s, so that slow senders are cut off on time.
      headersTimeout: config.requestTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, config.requestTimeoutMs),
    },
    requestTimeout: config.requestTimeoutMs,
    // A connection silent this long is closed, idle between two requests or not.
    connectionTimeout: config.idleTimeoutMs,
    keepAliveTimeout: config.idleTimeoutMs,
    clientErrorHandler: clientErrorHandler(config.maxQueryBytes),
    // HEAD is not GET: a HEAD on / is refused (UnsupportedHTTPMethod), never run as the GET.
    exposeHeadRoutes: false,
    // What the router cannot read (`/%ZZ`, a link far too long): the envelope, or under /verify a page.
    frameworkErrors: (_error, request, reply) => {
      if (isVerifyPath(request.raw.url)) return sendUnknownLinkPage(request, reply, config.language);
      return replyWithError(request, reply, new ApiError('BadRequest'), newRequestId());
    },
    return503OnClosing: true,
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(securityHeaders);
    let headerBytes = 0;
    for (const item of request.raw.rawHeaders) headerBytes += item.length + 2;
    if (headerBytes > config.maxHeaderBytes) return done(new ApiError('RequestTooLarge.Header'));
    // HTTP/1.1 requires Host (RFC 9112 §3.2); HTTP/1.0 has none to send.
    if (request.headers.host === undefined && request.raw.httpVersion !== '1.0') return done(new ApiError('BadRequest'));
    done();
  });

  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (isApiError(error)) return replyWithError(request, reply, error, newRequestId());
    const status = error.statusCode ?? 500;
    if (status === 413) drainBody(request, reply, maxDrainBytes);
    const code = status === 413 ? 'RequestTooLarge.Body' : status === 415 ? 'UnsupportedMediaType' : status < 500 ? 'BadRequest' : 'InternalError';
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return replyWithError(request, reply, new ApiError(code), newRequestId());
  });
  app.setNotFoundHandler((request, reply) => {
    if (isVerifyPath(request.raw.url)) return sendUnknownLinkPage(request, reply, config.language);
    const path = (request.raw.url ?? '/').split('?')[0];
    return replyWithError(request, reply, new ApiError(path === '/' ? 'UnsupportedHTTPMethod' : 'InvalidApi.NotFound'), newRequestId());
  });

  const logged = loggingTelemetry(app.log);
  const telemetry = options.telemetry ? fanOut(logged, options.telemetry) : logged;
  store.observeAudit((event) => logCommittedChange(app.log, event));
  const worker = new DeliveryWorker(store, clock, options.transports ?? createTransports(config.delivery), {
    telemetry,
    attempts: config.delivery.attempts,
    retryBaseMs: config.delivery.retryBaseMs,
    retryMaxMs: config.delivery.retryMaxMs,
    concurrency: config.delivery.concurrency,
    leaseSeconds: config.delivery.leaseSeconds,
    onError: (error) => app.log.error({ err: error }, 'delivery worker step failed'),
    ...options.delivery,
  });
  const services = createServices(
    store,
    config,
    clock,
    {
      batchSize: config.deletionBatchSize,
      stepDelayMs: config.deletionStepDelayMs,
      leaseSeconds: config.deletionLeaseSeconds,
      onError: (error) => app.log.error({ err: error }, 'deletion job step failed'),
      ...options.deletion,
    },
    () => worker.wake(),
  );
  const retention = new RetentionSweeper(services.audit, options.auditSweepMs ?? 60_000, (error) => app.log.error({ err: error }, 'audit retention sweep failed'));
  // The background workers run while the app is up: they resume what an earlier process left.
  app.addHook('onReady', async () => {
    await replayGuard.start();
    services.bindings.runner.start();
    worker.start();
    retention.start();
  });
  app.addHook('onClose', async () => {
    await retention.stop();
    await services.bindings.runner.stop();
    await worker.stop();
  });
  const authenticator = new Authenticator({
    credentials: credentialLookup(store),
    nowMs: () => signatureClock().getTime(),
    maxSkewSeconds: config.maxSkewSeconds,
  });
  const onNonceSweepError = (error: unknown) => app.log.error({ err: error }, 'nonce sweep failed');
  // Instances sharing a database decide every nonce in it; one SQLite process in its memory, with
  // the nonces of state-changing requests also committed to the database before they run.
  const replayGuard: ReplayGuard = store.shared
    ? new SharedReplayGuard(store.nonces, () => signatureClock().getTime(), onNonceSweepError)
    : new LocalReplayGuard(
        {
          record: (nonceKey, expiresAtMs) => store.transaction((tx) => tx.nonceLog.record(nonceKey, expiresAtMs)),
          live: (nowMs) => store.nonceLog.live(nowMs),
          sweep: (nowMs) => store.nonceLog.sweep(nowMs),
        },
        () => signatureClock().getTime(),
        onNonceSweepError,
      );
  // Likewise throttling: counted in memory by one SQLite process, in the database by instances.
  const throttle =
    config.throttlePerSecond === 0
      ? noThrottle
      : store.shared
        ? new SharedThrottle(store.throttles, config.throttlePerSecond, () => signatureClock().getTime(), (error) => app.log.error({ err: error }, 'throttle sweep failed'))
        : new TokenBucketThrottle(config.throttlePerSecond, () => signatureClock().getTime());

  const authorizer = new Authorizer(services.ram, clock);
  registerRpcEndpoint(app, {
    authenticator,
    throttle,
    replayGuard,
    authorizer,
    services,
    clock,
    maxQueryBytes: config.maxQueryBytes,
    auditTrail: services.audit,
    telemetry,
    refusalRecorder: new TokenBucketThrottle(refusalsRecordedPerSecond, () => signatureClock().getTime()),
  });
  registerVerifyPages(app, services.verification, config.language, telemetry);
  // Health for a load balancer or an orchestrator: the process answers (healthz); the database
  // answers and holds every migration this build needs (readyz).
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    try {
      const { pending } = await store.schemaStatus();
      if (pending.length > 0) return reply.code(503).send({ status: 'unavailable', reason: 'migrations pending', pending });
      return { status: 'ready' };
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check: the database does not answer');
      return reply.code(503).send({ status: 'unavailable', reason: 'database unreachable' });
    }
  });
  return app;
}

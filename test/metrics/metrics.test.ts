/**
 * The metrics in this process: label values outside their closed sets become `other`; the
 * gauges read the store at each scrape (an unknown status is `other`, a store that cannot be read
 * leaves its gauge without samples and says so, the rest of the scrape still answers); expired
 * and refused verification links through a real app whose clock moves; the listener's answers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Counter, Registry } from 'prom-client';
import { resolveConfig } from '../../src/config.js';
import { bootstrap } from '../../src/domain/organization.js';
import type { DeliveryAttemptReport } from '../../src/domain/telemetry.js';
import { type Metrics, createMetrics, listenForScrapes } from '../../src/metrics/index.js';
import { createApp } from '../../src/server/app.js';
import { type Store, openStore } from '../../src/store/store.js';
import { apiClient } from '../support/clients.js';
import { freePort } from '../support/ports.js';
import { TestClock } from '../support/test-clock.js';
import { until } from '../support/until.js';
import { confirmLink, openLink } from '../support/verification-links.js';
import { type Scrape, parseScrape, samplesOf, tableOf, valueOf } from './prometheus-text.js';

const scrapeOf = async (metrics: Metrics): Promise<Scrape> => parseScrape(await metrics.registry.metrics());

const attempt = (overrides: Partial<DeliveryAttemptReport>): DeliveryAttemptReport => ({
  deliveryId: 'd-1',
  messageId: 'm-1',
  directoryId: 'rd-1',
  contactId: 'c-1',
  channel: 'email',
  transport: 'smtp',
  purpose: 'verification',
  recipient: 'someone@example.com',
  attempt: 1,
  outcome: 'sent',
  seconds: 0.02,
  ...overrides,
});

describe('metrics in this process', () => {
  let store: Store;
  let metrics: Metrics;
  const errors: unknown[] = [];

  before(async () => {
    store = await openStore('sqlite::memory:');
    metrics = createMetrics({ store, onError: (error) => errors.push(error), processMetrics: false });
  });
  after(() => store?.close());

  test('label values outside their closed sets are exported as other', async () => {
    const { telemetry } = metrics;
    telemetry.call({ product: 'ResourceDirectoryMaster', action: 'GetMessageContact', code: 'OK', status: 200, seconds: 0.003 });
    telemetry.call({ product: 'ResourceDirectoryMaster', action: 'EvilAction', code: 'OK', status: 200, seconds: 0.003 });
    // An action of another product is not an action of this one.
    telemetry.call({ product: 'Sts', action: 'GetMessageContact', code: 'Made.Up', status: 400, seconds: 0.003 });
    telemetry.call({ product: 'Evil"Product', action: 'GetCallerIdentity', code: 'OK', status: 200, seconds: 0.003 });
    telemetry.call({ product: 'unknown', action: 'unknown', code: 'NoSuchVersion', status: 400, seconds: Number.NaN });
    telemetry.authFailure('SignatureDoesNotMatch');
    telemetry.authFailure('<script>');
    telemetry.throttled('ListUsers');
    telemetry.throttled('x'.repeat(10_000));
    telemetry.deliveryAttempt(attempt({ channel: 'pigeon' as 'email', transport: 'carrier', outcome: 'lost' as 'sent' }));
    telemetry.verificationRefused({ state: 'hacked' });
    telemetry.verificationRefused({ state: 'used' });

    const scrape = await scrapeOf(metrics);
    assert.deepEqual(
      tableOf(scrape, 'rdcontacts_requests_total', ['product', 'action', 'code']),
      new Map([
        ['ResourceDirectoryMaster|GetMessageContact|OK', 1],
        ['ResourceDirectoryMaster|other|OK', 1],
        ['Sts|other|other', 1],
        ['other|other|OK', 1],
        ['unknown|unknown|NoSuchVersion', 1],
      ]),
    );
    assert.equal(valueOf(scrape, 'rdcontacts_request_duration_seconds_count', { product: 'unknown', action: 'unknown' }), undefined, 'a duration that is no number is not observed');
    assert.deepEqual(tableOf(scrape, 'rdcontacts_auth_failures_total', ['code']), new Map([['SignatureDoesNotMatch', 1], ['other', 1]]));
    assert.deepEqual(tableOf(scrape, 'rdcontacts_throttled_total', ['action']), new Map([['ListUsers', 1], ['other', 1]]));
    assert.equal(valueOf(scrape, 'rdcontacts_deliveries_total', { channel: 'other', transport: 'other', outcome: 'other' }), 1);
    assert.equal(valueOf(scrape, 'rdcontacts_delivery_attempt_duration_seconds_count', { transport: 'other' }), 1);
    assert.deepEqual(tableOf(scrape, 'rdcontacts_verification_links_refused_total', ['state']), new Map([['other', 1], ['used', 1]]));
    for (const text of ['Evil', 'script', 'pigeon', 'carrier', 'lost', 'hacked', 'Made.Up', 'xxxx']) assert.ok(!scrape.text.includes(text), text);
  });

  test('verifications: sent from an attempt that sent a verification, confirmed from the committed change, expired by count', async () => {
    const before = tableOf(await scrapeOf(metrics), 'rdcontacts_verifications_total', ['channel', 'event']);
    const { telemetry } = metrics;
    telemetry.deliveryAttempt(attempt({ channel: 'sms', transport: 'webhook' }));
    telemetry.deliveryAttempt(attempt({ channel: 'sms', transport: 'webhook', outcome: 'retry' }));
    telemetry.deliveryAttempt(attempt({ channel: 'email', purpose: 'notification' }));
    telemetry.verificationsExpired(3);
    telemetry.verificationsExpired(0);
    // What the confirmation page commits: the event is heard once its transaction has committed.
    const tenant = { accountId: '', directoryId: 'rd-1', actor: 'verification-link' };
    const { recordAudit } = await import('../../src/domain/audit.js');
    await store.transaction((tx) => recordAudit(tx, tenant, new Date().toISOString(), 'ConfirmMessageContactVerification', 'c-1', { PhoneNumber: '86-13800138000', Verified: true }));
    await store
      .transaction(async (tx) => {
        await recordAudit(tx, tenant, new Date().toISOString(), 'ConfirmMessageContactVerification', 'c-2', { EmailAddress: 'x@example.com', Verified: true });
        throw new Error('rolled back');
      })
      .catch(() => {});
    const after = tableOf(await scrapeOf(metrics), 'rdcontacts_verifications_total', ['channel', 'event']);
    const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
    assert.equal(delta('sms|sent'), 1, 'a retry is not a sent verification');
    assert.equal(delta('email|sent'), 0, 'a notification is not a verification');
    assert.equal(delta('sms|confirmed'), 1);
    assert.equal(delta('email|confirmed'), 0, 'a rolled back confirmation is not counted');
    assert.equal(delta('any|expired'), 3);
  });

  test('the gauges read the store at each scrape; a status they do not know is other', async () => {
    const db = store.tree.db;
    const job = (contactId: string, status: string) => ({
      contact_id: contactId,
      directory_id: 'rd-1',
      status: status as 'Deleting',
      actor: 'test',
      started_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
      lease_owner: null,
      lease_expires_at: null,
    });
    assert.deepEqual(tableOf(await scrapeOf(metrics), 'rdcontacts_deletion_jobs', ['status']), new Map([['Deleting', 0], ['Failed', 0]]));
    await store.bindings.insertJob(job('c-a', 'Deleting'));
    await store.bindings.insertJob(job('c-b', 'Deleting'));
    await store.bindings.insertJob(job('c-c', 'Failed'));
    await db.insertInto('contact_deletions').values(job('c-d', 'Paused')).execute();
    assert.deepEqual(
      tableOf(await scrapeOf(metrics), 'rdcontacts_deletion_jobs', ['status']),
      new Map([['Deleting', 2], ['Failed', 1], ['other', 1]]),
    );
    await store.bindings.removeJob('c-a');
    assert.equal(valueOf(await scrapeOf(metrics), 'rdcontacts_deletion_jobs', { status: 'Deleting' }), 1, 'read again at the next scrape');
    assert.deepEqual(errors, []);
  });

  test('a store that cannot be read: the gauges have no samples, the rest of the scrape answers', async () => {
    const closed = await openStore('sqlite::memory:');
    const failing: unknown[] = [];
    const broken = createMetrics({ store: closed, onError: (error) => failing.push(error), processMetrics: false });
    broken.telemetry.authFailure('SignatureDoesNotMatch');
    await closed.close();
    const scrape = await scrapeOf(broken);
    assert.deepEqual(samplesOf(scrape, 'rdcontacts_delivery_queue'), []);
    assert.deepEqual(samplesOf(scrape, 'rdcontacts_deletion_jobs'), []);
    assert.equal(scrape.types.get('rdcontacts_delivery_queue'), 'gauge', 'still declared');
    assert.equal(valueOf(scrape, 'rdcontacts_auth_failures_total', { code: 'SignatureDoesNotMatch' }), 1);
    assert.equal(failing.length, 2, 'each failed read is told');
  });

  test('two sets of metrics in one process keep apart: each has its registry, none is global', async () => {
    const other = createMetrics({ store, processMetrics: false });
    other.telemetry.throttled('GetMessageContact');
    assert.equal(valueOf(await scrapeOf(other), 'rdcontacts_throttled_total', { action: 'GetMessageContact' }), 1);
    assert.equal(valueOf(await scrapeOf(metrics), 'rdcontacts_throttled_total', { action: 'GetMessageContact' }), undefined);
    const { register } = await import('prom-client');
    assert.equal(register.getSingleMetric('rdcontacts_requests_total'), undefined);
    // With the process metrics as well, twice in one process.
    const withProcess = [createMetrics({ store }), createMetrics({ store })];
    for (const m of withProcess) assert.ok(samplesOf(await scrapeOf(m), 'process_cpu_seconds_total').length === 1);
  });
});

describe('expired and refused links, through an app whose clock moves', () => {
  let store: Store;
  let metrics: Metrics;
  let app: ReturnType<typeof createApp>;
  const clock = new TestClock();
  let endpoint: string;
  let key: { accessKeyId: string; accessKeySecret: string };

  before(async () => {
    store = await openStore('sqlite::memory:');
    const { createdKey } = await bootstrap(store, clock.now);
    key = { accessKeyId: createdKey!.accessKeyId, accessKeySecret: createdKey!.accessKeySecret };
    metrics = createMetrics({ store, processMetrics: false });
    const port = await freePort();
    const config = resolveConfig({ port: String(port), throttle: 'off', verificationTtl: '60' }, {});
    app = createApp({ config, store, clock: clock.now, signatureClock: clock.signatureNow, logger: false, telemetry: metrics.telemetry });
    await app.listen({ host: '127.0.0.1', port });
    endpoint = `127.0.0.1:${port}`;
  });
  after(async () => {
    await app?.close();
    await store?.close();
  });

  test('a link that expired unused is counted once by the sweep; confirming it then is a refusal', async () => {
    const client = apiClient('openapi-v3', endpoint, key);
    const id = (await client.call('AddMessageContact', { Name: 'expiring', EmailAddress: 'expiring@example.com', Title: 'Other', MessageTypes: ['FaultMessage'] })).Contact
      .ContactId as string;
    await client.call('SendEmailVerificationForMessageContact', { ContactId: id, EmailAddress: 'expiring@example.com' });
    const [row] = await store.outbox.list({ recipient: 'expiring@example.com', limit: 1 });
    const link = row!.link!;
    assert.equal(valueOf(await scrapeOf(metrics), 'rdcontacts_delivery_queue', { status: 'Stored' }), 1, 'the outbox transport stores it');
    clock.passTime(61);
    await until('the expiry counted', async () => ((valueOf(await scrapeOf(metrics), 'rdcontacts_verifications_total', { channel: 'any', event: 'expired' }) ?? 0) >= 1 ? true : undefined));
    // Confirming the link the recipient got is refused (opening it alone reports nothing).
    await openLink(link);
    assert.equal((await confirmLink(link)).status, 410);
    const scrape = await scrapeOf(metrics);
    assert.equal(valueOf(scrape, 'rdcontacts_verifications_total', { channel: 'any', event: 'expired' }), 1);
    assert.equal(valueOf(scrape, 'rdcontacts_verification_links_refused_total', { state: 'expired' }), 1);
    assert.equal(valueOf(scrape, 'rdcontacts_verifications_total', { channel: 'email', event: 'sent' }), 0, 'stored in the outbox is not sent');
    assert.deepEqual(samplesOf(scrape, 'rdcontacts_deliveries_total'), [], 'the outbox makes no attempts');
  });
});

describe('the metrics listener', () => {
  test('GET and HEAD /metrics; 404 elsewhere, 405 for another method; 500 when a scrape fails', async () => {
    const registry = new Registry();
    let fail = false;
    new Counter({
      name: 'test_things_total',
      help: 'things',
      registers: [registry],
      collect() {
        if (fail) throw new Error('cannot');
      },
    }).inc(2);
    const failures: unknown[] = [];
    const listener = await listenForScrapes(registry, { host: '127.0.0.1', port: 0, onError: (error) => failures.push(error) });
    try {
      assert.equal(listener.host, '127.0.0.1');
      assert.ok(listener.port > 0);
      const url = `http://127.0.0.1:${listener.port}/metrics`;
      const got = await fetch(url);
      assert.equal(got.status, 200);
      assert.equal(got.headers.get('content-type'), registry.contentType);
      assert.match(await got.text(), /^test_things_total 2$/m);
      const head = await fetch(url, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(await head.text(), '');
      const post = await fetch(url, { method: 'POST', body: 'x'.repeat(100_000) });
      assert.equal(post.status, 405);
      assert.equal(post.headers.get('allow'), 'GET, HEAD');
      for (const path of ['/', '/metrics/x', '/favicon.ico', '/%ZZ']) assert.equal((await fetch(`http://127.0.0.1:${listener.port}${path}`)).status, 404, path);
      fail = true;
      assert.equal((await fetch(url)).status, 500);
      assert.equal(failures.length, 1);
    } finally {
      await listener.close();
    }
    await assert.rejects(fetch(`http://127.0.0.1:${listener.port}/metrics`), 'closed');
  });

  test('a port that is taken is refused', async () => {
    const registry = new Registry();
    const first = await listenForScrapes(registry, { host: '127.0.0.1', port: 0 });
    try {
      await assert.rejects(listenForScrapes(registry, { host: '127.0.0.1', port: first.port }), /EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});

/**
 * `rdcontacts serve --metrics-port` as a real child process: a scripted workload through the
 * official clients (contacts added and read, wrong secrets, an unknown key, unknown actions and
 * versions, a request whose Action is junk, a throttled burst, an email and an SMS verification
 * sent through real transports and confirmed), then a scrape of /metrics whose counters equal the
 * calls made, one by one. And: no metrics listener unless asked for; RDC_METRICS_PORT asks too; a
 * metrics port that is taken stops the start with one line.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { type Server, createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { errorCatalogue } from '../../src/domain/errors.js';
import { products } from '../../src/products/index.js';
import { serviceVersion } from '../../src/version.js';
import { ServeProcess, isOneLineError, removeTempDirs, runCli, show, tempDir } from '../cli/helpers.js';
import { type ApiClient, type Params, CallFailure, apiClient, versions } from '../support/clients.js';
import { type WebhookReceiver, startWebhookReceiver } from '../support/sms-endpoints.js';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.js';
import { until } from '../support/until.js';
import { letters } from '../support/names.js';
import { confirmLink } from '../support/verification-links.js';
import { listeningPorts } from './listeners.js';
import { type Scrape, parseScrape, samplesOf, scrapeUrl, sumOf, tableOf, valueOf } from './prometheus-text.js';

after(removeTempDirs);

const contentType = new Registry().contentType;
const newKey = () => ({ accessKeyId: `LTAImtr${randomBytes(8).toString('hex')}`, accessKeySecret: randomBytes(22).toString('base64url') });
const keyEnv = (key: { accessKeyId: string; accessKeySecret: string }) => ({ RDC_ACCESS_KEY_ID: key.accessKeyId, RDC_ACCESS_KEY_SECRET: key.accessKeySecret });

/** The port of the API, from the ready line (the links' base: the port chosen for --port 0). */
function apiPort(server: ServeProcess): number {
  const ready = server.logLines().find((line) => line.msg === 'rdcontacts ready');
  return Number(new URL(String(ready?.publicUrl)).port);
}

function metricsLine(server: ServeProcess): Record<string, any> | undefined {
  return server.logLines().find((line) => line.msg === 'metrics listening');
}

describe('rdcontacts serve with metrics', { concurrency: true }, () => {
  describe('a scripted workload, then a scrape', { concurrency: false }, () => {
    const key = newKey();
    const webhookSecret = 'metrics-webhook-secret';
    let sink: SmtpSink;
    let receiver: WebhookReceiver;
    let server: ServeProcess;
    let endpoint: string;
    let metricsUrl: string;
    let metricsPort: number;
    /** What the clients saw: `product|action|code` → calls. */
    const made = new Map<string, number>();
    const saw = (product: string, action: string, code: string) => {
      const k = `${product}|${action}|${code}`;
      made.set(k, (made.get(k) ?? 0) + 1);
    };
    let throttledCalls = 0;
    /** Random text sent where a label could have taken it, if the metrics were careless. */
    const junk = `Junk${randomBytes(6).toString('hex')}`;
    const unknownKeyId = `LTAInobody${randomBytes(6).toString('hex')}`;
    let scrape: Scrape;

    /** One call through an official client, counted as the client saw it answered. */
    async function call(client: ApiClient, action: string, params: Params = {}, as: { product?: string; action?: string } = {}) {
      const product = as.product ?? 'ResourceDirectoryMaster';
      const labelled = as.action ?? action;
      try {
        const body = await client.call(action, params);
        saw(product, labelled, 'OK');
        return body;
      } catch (error) {
        if (!(error instanceof CallFailure)) throw error;
        saw(product, labelled, error.code);
        if (error.code === 'Throttling.User') throttledCalls += 1;
        throw error;
      }
    }
    const failing = (promise: Promise<unknown>) => promise.then(() => assert.fail('expected a failure'), (error: unknown) => error as CallFailure);

    before(async () => {
      sink = await startSmtpSink();
      receiver = await startWebhookReceiver({ secret: webhookSecret });
      const cwd = await tempDir('rdc-metrics-');
      server = await ServeProcess.start(
        [
          '--database', 'sqlite::memory:', '--port', '0', '--metrics-port', '0',
          '--email-transport', 'smtp', '--smtp-host', '127.0.0.1', '--smtp-port', String(sink.port), '--smtp-security', 'none',
          '--mail-from', 'noreply@metrics.example',
          '--sms-transport', 'webhook', '--sms-webhook-url', receiver.url,
        ],
        { cwd, env: { ...keyEnv(key), RDC_SMS_WEBHOOK_SECRET: webhookSecret } },
      );
      endpoint = `127.0.0.1:${apiPort(server)}`;
      metricsPort = Number(metricsLine(server)?.port);
      metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;

      const rdm = apiClient('openapi-v3', endpoint, key);
      const pop = apiClient('pop-get', endpoint, key);
      // Contacts added and read, through two kinds of client.
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const body = await call(i % 2 === 0 ? rdm : pop, 'AddMessageContact', {
          Name: `metrics${letters(i)}`,
          EmailAddress: `metrics${i}@example.com`,
          ...(i === 0 ? { PhoneNumber: '86-13800138001' } : {}),
          Title: 'TechnicalDirector',
          MessageTypes: ['SecurityMessage'],
        });
        ids.push(body.Contact.ContactId as string);
      }
      for (let i = 0; i < 7; i++) await call(i % 2 === 0 ? pop : rdm, 'GetMessageContact', { ContactId: ids[i % ids.length]! });
      await failing(call(rdm, 'GetMessageContact', { ContactId: 'c-doesnotexist00' }));
      await call(rdm, 'ListMessageContacts');
      // Other products.
      await call(apiClient('openapi-v3', endpoint, key, versions.ram), 'ListUsers', {}, { product: 'Ram' });
      await call(apiClient('openapi-v3', endpoint, key, versions.sts), 'GetCallerIdentity', {}, { product: 'Sts' });
      // Refused before they ran: a wrong secret three times, a key nobody has once.
      for (const client of ['openapi-v3', 'openapi-v2', 'pop-post'] as const) {
        const wrong = apiClient(client, endpoint, { accessKeyId: key.accessKeyId, accessKeySecret: `${key.accessKeySecret}x` });
        assert.equal((await failing(call(wrong, 'GetMessageContact', { ContactId: ids[0]! }))).code, 'SignatureDoesNotMatch');
      }
      const nobody = apiClient('openapi-v3', endpoint, { accessKeyId: unknownKeyId, accessKeySecret: key.accessKeySecret });
      assert.equal((await failing(call(nobody, 'ListMessageContacts'))).code, 'InvalidAccessKeyId.NotFound');
      // No such action (signed), no such version.
      assert.equal((await failing(call(rdm, `NoSuchAction${junk}`, {}, { action: 'unknown' }))).code, 'InvalidApi.NotFound');
      const future = apiClient('openapi-v3', endpoint, key, '2099-01-01');
      assert.equal((await failing(call(future, 'GetMessageContact', {}, { product: 'unknown', action: 'unknown' }))).code, 'NoSuchVersion');
      // An Action of junk (quotes, braces, a newline would be refused earlier), sent as is, unsigned.
      for (const action of [`${junk}"}{x="y`, `${junk}\\`]) {
        const response = await fetch(`http://${endpoint}/?Action=${encodeURIComponent(action)}&Version=${versions.resourceDirectoryMaster}`);
        const body = (await response.json()) as { Code: string };
        assert.equal(body.Code, 'InvalidApi.NotFound');
        saw('ResourceDirectoryMaster', 'unknown', body.Code);
      }
      // A burst beyond the throttle (20 calls per second per account and action).
      await Promise.allSettled(Array.from({ length: 60 }, () => call(rdm, 'ListMessageContactVerifications')));
      assert.ok(throttledCalls > 0, 'some of the burst was throttled');

      // An email and an SMS verification, through real transports, confirmed by their links.
      await call(rdm, 'SendEmailVerificationForMessageContact', { ContactId: ids[1]!, EmailAddress: 'metrics1@example.com' });
      const [mail] = await sink.waitFor(1, 20_000);
      const mailLink = /https?:\/\/\S+\/verify\/\S+/.exec(mail!.text)?.[0];
      assert.ok(mailLink, mail!.text);
      assert.equal((await confirmLink(mailLink)).status, 200);
      await call(rdm, 'SendPhoneVerificationForMessageContact', { ContactId: ids[0]!, PhoneNumber: '86-13800138001' });
      const [sms] = await receiver.waitFor(1, 20_000);
      const smsLink = /https?:\/\/\S+\/verify\/\S+/.exec(String(sms!.body?.text))?.[0];
      assert.ok(smsLink, String(sms!.body?.text));
      assert.equal((await confirmLink(smsLink)).status, 200);

      // Deliveries are counted once their outcome is recorded, a moment after the message arrived.
      scrape = await until('both deliveries counted', async () => {
        const s = await scrapeUrl(metricsUrl);
        return sumOf(s, 'rdcontacts_deliveries_total', { outcome: 'sent' }) >= 2 ? s : undefined;
      }, 20_000);
    });
    after(async () => {
      await server?.kill();
      await sink?.close();
      await receiver?.close();
    });

    test('says where it listens for scrapes: the port the system chose', () => {
      const line = metricsLine(server);
      assert.equal(line?.host, '127.0.0.1');
      assert.ok(Number.isInteger(line?.port) && line!.port > 0, JSON.stringify(line));
      assert.notEqual(line!.port, apiPort(server));
    });

    test('the process listens on exactly two ports: the API and the metrics', async (t) => {
      const ports = await listeningPorts(server.pid);
      if (ports === undefined) return t.skip('no /proc here');
      assert.deepEqual(ports, [apiPort(server), metricsPort].sort((a, b) => a - b));
    });

    test('GET /metrics answers the Prometheus text format; anything else is refused', async () => {
      const response = await fetch(metricsUrl);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), contentType);
      parseScrape(await response.text());
      for (const path of ['/', '/metric', '/metrics/', '/api/metrics']) {
        assert.equal((await fetch(`http://127.0.0.1:${metricsPort}${path}`)).status, 404, path);
      }
      assert.equal((await fetch(metricsUrl, { method: 'POST', body: 'x' })).status, 405);
      assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/metrics?name[]=up`)).status, 200, 'a query is ignored');
      // The API's port serves no metrics.
      assert.notEqual((await fetch(`http://${endpoint}/metrics`)).status, 200);
    });

    test('rdcontacts_requests_total equals the calls made, by product, action and answer', () => {
      assert.equal(scrape.types.get('rdcontacts_requests_total'), 'counter');
      assert.deepEqual(tableOf(scrape, 'rdcontacts_requests_total', ['product', 'action', 'code']), made);
      const total = [...made.values()].reduce((a, b) => a + b, 0);
      assert.equal(sumOf(scrape, 'rdcontacts_requests_total'), total);
      assert.equal(valueOf(scrape, 'rdcontacts_requests_total', { product: 'ResourceDirectoryMaster', action: 'AddMessageContact', code: 'OK' }), 5);
      assert.equal(valueOf(scrape, 'rdcontacts_requests_total', { product: 'ResourceDirectoryMaster', action: 'GetMessageContact', code: 'OK' }), 7);
      assert.equal(valueOf(scrape, 'rdcontacts_requests_total', { product: 'ResourceDirectoryMaster', action: 'GetMessageContact', code: 'SignatureDoesNotMatch' }), 3);
      assert.equal(valueOf(scrape, 'rdcontacts_requests_total', { product: 'ResourceDirectoryMaster', action: 'unknown', code: 'InvalidApi.NotFound' }), 3);
      assert.equal(valueOf(scrape, 'rdcontacts_requests_total', { product: 'unknown', action: 'unknown', code: 'NoSuchVersion' }), 1);
      assert.equal(valueOf(scrape, 'rdcontacts_requests_total', { product: 'Ram', action: 'ListUsers', code: 'OK' }), 1);
    });

    test('the request duration histogram counts every call once, in buckets from 1 ms to 10 s', () => {
      assert.equal(scrape.types.get('rdcontacts_request_duration_seconds'), 'histogram');
      const expected = new Map<string, number>();
      for (const [k, n] of made) {
        const [product, action] = k.split('|');
        expected.set(`${product}|${action}`, (expected.get(`${product}|${action}`) ?? 0) + n);
      }
      assert.deepEqual(tableOf(scrape, 'rdcontacts_request_duration_seconds_count', ['product', 'action']), expected);
      for (const [k, n] of expected) {
        const [product, action] = k.split('|') as [string, string];
        assert.equal(valueOf(scrape, 'rdcontacts_request_duration_seconds_bucket', { product, action, le: '+Inf' }), n);
        assert.ok(valueOf(scrape, 'rdcontacts_request_duration_seconds_sum', { product, action })! > 0);
      }
      const bounds = samplesOf(scrape, 'rdcontacts_request_duration_seconds_bucket', { product: 'ResourceDirectoryMaster', action: 'GetMessageContact' }).map((s) => s.labels.le);
      assert.equal(bounds[0], '0.001');
      assert.ok(bounds.includes('10') && bounds.at(-1) === '+Inf', bounds.join(' '));
    });

    test('authentication failures and throttled calls, by code and by action', () => {
      assert.deepEqual(
        tableOf(scrape, 'rdcontacts_auth_failures_total', ['code']),
        new Map([
          ['SignatureDoesNotMatch', 3],
          ['InvalidAccessKeyId.NotFound', 1],
        ]),
      );
      assert.deepEqual(tableOf(scrape, 'rdcontacts_throttled_total', ['action']), new Map([['ListMessageContactVerifications', throttledCalls]]));
      assert.equal(made.get('ResourceDirectoryMaster|ListMessageContactVerifications|Throttling.User'), throttledCalls);
    });

    test('deliveries and verifications: each attempt, each sent, each confirmed', () => {
      assert.equal(valueOf(scrape, 'rdcontacts_deliveries_total', { channel: 'email', transport: 'smtp', outcome: 'sent' }), 1);
      assert.equal(valueOf(scrape, 'rdcontacts_deliveries_total', { channel: 'sms', transport: 'webhook', outcome: 'sent' }), 1);
      assert.equal(sumOf(scrape, 'rdcontacts_deliveries_total'), 2, 'nothing retried or failed');
      assert.equal(valueOf(scrape, 'rdcontacts_deliveries_total', { channel: 'email', transport: 'smtp', outcome: 'failed' }), 0, 'the configured transports start at 0');
      assert.equal(valueOf(scrape, 'rdcontacts_delivery_attempt_duration_seconds_count', { transport: 'smtp' }), 1);
      assert.equal(valueOf(scrape, 'rdcontacts_delivery_attempt_duration_seconds_count', { transport: 'webhook' }), 1);
      assert.deepEqual(
        tableOf(scrape, 'rdcontacts_verifications_total', ['channel', 'event']),
        new Map([
          ['email|sent', 1],
          ['email|confirmed', 1],
          ['sms|sent', 1],
          ['sms|confirmed', 1],
          ['any|expired', 0],
        ]),
      );
    });

    test('the gauges read the database: two deliveries Sent, no deletion job', () => {
      assert.equal(scrape.types.get('rdcontacts_delivery_queue'), 'gauge');
      assert.deepEqual(
        tableOf(scrape, 'rdcontacts_delivery_queue', ['status']),
        new Map([
          ['Stored', 0],
          ['Queued', 0],
          ['Sending', 0],
          ['Sent', 2],
          ['Failed', 0],
        ]),
      );
      assert.deepEqual(tableOf(scrape, 'rdcontacts_deletion_jobs', ['status']), new Map([['Deleting', 0], ['Failed', 0]]));
    });

    test('build info and the process metrics', () => {
      assert.deepEqual(samplesOf(scrape, 'rdcontacts_build_info'), [{ name: 'rdcontacts_build_info', labels: { version: serviceVersion }, value: 1 }]);
      for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
        assert.equal(samplesOf(scrape, name).length >= 1, true, `${name} present`);
      }
      assert.ok(valueOf(scrape, 'process_cpu_seconds_total')! > 0);
    });

    test('no label carries what a caller sent: every value is from a closed set', () => {
      assert.ok(!scrape.text.includes(junk), 'the junk action is nowhere in the scrape');
      assert.ok(!scrape.text.includes(unknownKeyId), 'nor the unknown key');
      const productNames = new Set([...products.values()].map((p) => p.name));
      const actionNames = new Set([...products.values()].flatMap((p) => [...p.actions.keys()]));
      const codes = new Set(Object.keys(errorCatalogue));
      const closed: Record<string, (value: string) => boolean> = {
        product: (v) => productNames.has(v) || v === 'unknown',
        action: (v) => actionNames.has(v) || v === 'unknown',
        code: (v) => codes.has(v) || v === 'OK',
        channel: (v) => ['email', 'sms', 'any'].includes(v),
        transport: (v) => ['outbox', 'smtp', 'webhook', 'aliyun'].includes(v),
        outcome: (v) => ['sent', 'retry', 'failed'].includes(v),
        event: (v) => ['sent', 'confirmed', 'expired'].includes(v),
        status: (v) => ['Stored', 'Queued', 'Sending', 'Sent', 'Failed', 'Deleting'].includes(v),
        version: (v) => v === serviceVersion,
        le: () => true,
      };
      for (const sample of scrape.samples.filter((s) => s.name.startsWith('rdcontacts_'))) {
        for (const [name, value] of Object.entries(sample.labels)) {
          assert.ok(closed[name]?.(value), `${sample.name} ${name}="${value}"`);
        }
      }
    });
  });

  describe('off by default', () => {
    let server: ServeProcess;
    before(async () => {
      server = await ServeProcess.start(['--database', 'sqlite::memory:', '--port', '0'], { cwd: await tempDir('rdc-metrics-off-'), env: keyEnv(newKey()) });
    });
    after(() => server?.kill());

    test('no metrics listener: nothing logged, one port listened on', async () => {
      assert.equal(metricsLine(server), undefined);
      assert.ok(!server.stdout.includes('metrics'), server.stdout);
      const ports = await listeningPorts(server.pid);
      if (ports !== undefined) assert.deepEqual(ports, [apiPort(server)]);
    });
  });

  describe('RDC_METRICS_PORT and RDC_METRICS_HOST', { concurrency: false }, () => {
    let server: ServeProcess;
    before(async () => {
      server = await ServeProcess.start(['--database', 'sqlite::memory:', '--port', '0'], {
        cwd: await tempDir('rdc-metrics-env-'),
        env: { ...keyEnv(newKey()), RDC_METRICS_PORT: '0', RDC_METRICS_HOST: '127.0.0.1' },
      });
    });
    after(() => server?.kill());

    test('turn the listener on from the environment', async () => {
      const line = metricsLine(server);
      assert.equal(line?.host, '127.0.0.1');
      const scrape = await scrapeUrl(`http://127.0.0.1:${line!.port}/metrics`, contentType);
      assert.equal(valueOf(scrape, 'rdcontacts_build_info', { version: serviceVersion }), 1);
      // Nothing was called yet: no request series, the outbox transports make no delivery series.
      assert.deepEqual(samplesOf(scrape, 'rdcontacts_requests_total'), []);
      assert.deepEqual(samplesOf(scrape, 'rdcontacts_deliveries_total'), []);
    });

    test('SIGTERM closes both listeners and exits 0', async () => {
      const port = Number(metricsLine(server)!.port);
      assert.deepEqual(await server.stop(), { code: 0, signal: null });
      await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`));
    });
  });

  describe('a metrics port that is taken', () => {
    let taken: Server;
    before(async () => {
      taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    });
    after(() => new Promise<void>((resolve) => taken.close(() => resolve())));

    test('stops the start with one line naming it', async () => {
      const port = (taken.address() as { port: number }).port;
      const result = await runCli(['serve', '--database', 'sqlite::memory:', '--port', '0', '--metrics-port', String(port)], {
        cwd: await tempDir('rdc-metrics-taken-'),
        env: keyEnv(newKey()),
      });
      assert.notEqual(result.code, 0, show(result));
      assert.ok(isOneLineError(result), show(result));
      assert.match(result.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} for metrics`));
    });
  });
});

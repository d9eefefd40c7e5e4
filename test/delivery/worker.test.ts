/**
 * The delivery worker under the failures that could make it send twice, send never, or freeze the
 * process: a database that refuses, an outcome that cannot be written at first, a send that
 * outlives its lease, a delivery left on its last attempt by a dead process, a changed transport.
 * Real SQLite file, real SMTP server (test/support/smtp-sink.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import { resolveConfig } from '../../src/config.js';
import { DeliveryQueue, newMessageId } from '../../src/domain/delivery-queue.js';
import { DeliveryWorker, type DeliveryWorkerOptions } from '../../src/domain/delivery-worker.js';
import { createManagementAccount } from '../../src/domain/organization.js';
import { systemClock, toStored } from '../../src/domain/time.js';
import { createTransports } from '../../src/delivery/transports/index.js';
import { openStore, type Store } from '../../src/store/store.js';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.js';
import { until } from '../support/until.js';

describe('delivery worker under failure', () => {
  let sink: SmtpSink;
  let dir: string;
  let file: string;
  let store: Store;
  let directoryId: string;
  let worker: DeliveryWorker | undefined;
  let errors: unknown[];

  before(async () => {
    sink = await startSmtpSink();
  });
  after(async () => {
    await sink.close();
  });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rdc-worker-'));
    file = join(dir, 'worker.db');
    store = await openStore(`sqlite:${file}`);
    directoryId = (await createManagementAccount(store, systemClock)).directoryId;
    errors = [];
    sink.setDelay(0);
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const delivery = resolveConfig(
    { emailTransport: 'smtp', smtpHost: '127.0.0.1', smtpPort: '1', smtpSecurity: 'none', mailFrom: 'w@rdcontacts.example' },
    {},
  ).delivery;

  function startWorker(options: Partial<DeliveryWorkerOptions> = {}): DeliveryWorker {
    const smtp = delivery.email.transport === 'smtp' ? delivery.email.smtp : undefined;
    const transports = createTransports({ ...delivery, email: { transport: 'smtp', smtp: { ...smtp!, port: sink.port, timeoutMs: 5000 } } });
    worker = new DeliveryWorker(store, systemClock, transports, {
      attempts: 3,
      retryBaseMs: 20,
      retryMaxMs: 50,
      concurrency: 2,
      leaseSeconds: 120,
      pollMs: 50,
      onError: (error) => errors.push(error),
      ...options,
    });
    worker.start();
    return worker;
  }

  async function queueEmail(to: string, transport = 'smtp'): Promise<string> {
    const queue = new DeliveryQueue({ email: transport, sms: 'outbox' }, () => worker?.wake());
    let id = '';
    await store.transaction(async (tx) => {
      id = (
        await queue.add(tx, toStored(systemClock()), {
          messageId: newMessageId(),
          directoryId,
          contactId: null,
          purpose: 'test',
          recipient: to,
          content: { channel: 'email', email: { subject: 'worker test', text: 'text', html: '<p>html</p>' } },
        })
      ).deliveryId;
    });
    queue.queued();
    return id;
  }

  const row = (id: string) => store.outbox.findById(id);
  const status = async (id: string, wanted: string) => ((await row(id))?.status === wanted ? await row(id) : undefined);
  const mails = (id: string) => sink.received.filter((mail) => mail.messageId === `<${id}@rdcontacts>`);

  test('a database that refuses does not freeze the process: the worker backs off and goes on afterwards', async () => {
    const id = await queueEmail('refused@example.com');
    // Another connection takes the outbox away before the worker starts: every query of the worker fails.
    const other = new SQLite(file);
    other.exec('alter table outbox rename to outbox_away');
    startWorker();
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 10);
    await delay(500);
    clearInterval(ticker);
    assert.ok(ticks >= 20, `the event loop kept turning (${ticks} ticks of 10 ms in 500 ms)`);
    assert.ok(errors.length >= 1, 'the failure was reported');
    assert.ok(errors.length <= 6, `the worker backed off instead of spinning (${errors.length} failures in 500 ms)`);
    other.exec('alter table outbox_away rename to outbox');
    other.close();
    await until('the delivery Sent once the database answers again', () => status(id, 'Sent'), 15_000);
    assert.equal(mails(id).length, 1);
  });

  test('an outcome that cannot be written at first is written later: Sent once, never sent again', async () => {
    sink.setDelay(300);
    const id = await queueEmail('settle@example.com');
    const attemptsBefore = sink.attempts;
    // A long poll: while the message is being sent, only the write of its outcome touches the database.
    startWorker({ pollMs: 60_000 });
    // The message is at the SMTP server: take the table away until the worker has failed to record it.
    await until('the send under way', () => (sink.attempts > attemptsBefore ? true : undefined));
    const other = new SQLite(file);
    other.exec('alter table outbox rename to outbox_away');
    await until('a failed write of the outcome', () => (errors.length > 0 ? true : undefined));
    other.exec('alter table outbox_away rename to outbox');
    other.close();
    const sent = await until('the delivery Sent', () => status(id, 'Sent'));
    assert.equal(sent.attempts, 1);
    await sink.waitFor(1);
    assert.equal(mails(id).length, 1, 'sent once');
  });

  test('a send that outlives its lease is not taken again by its own worker', async () => {
    sink.setDelay(1500);
    const id = await queueEmail('slow@example.com');
    startWorker({ leaseSeconds: 1, pollMs: 20 });
    const sent = await until('the delivery Sent', () => status(id, 'Sent'));
    assert.equal(sent.attempts, 1, 'one attempt');
    await delay(100);
    assert.equal(mails(id).length, 1, 'one copy');
  });

  test('a delivery left Sending on its last attempt by a vanished worker fails instead of going out once more', async () => {
    const id = await queueEmail('last@example.com');
    const other = new SQLite(file);
    other
      .prepare("update outbox set status = 'Sending', attempts = 3, lease_owner = 'elsewhere/1/x', lease_expires_at = ? where id = ?")
      .run(toStored(new Date(Date.now() - 1000)), id);
    other.close();
    startWorker({ attempts: 3 });
    const failed = await until('the delivery Failed', () => status(id, 'Failed'));
    assert.match(failed.last_error ?? '', /last attempt/);
    assert.equal(mails(id).length, 0);
  });

  test('a delivery queued for another transport than the one configured now fails with a clear error', async () => {
    const id = await queueEmail('moved@example.com', 'sendgrid');
    startWorker();
    const failed = await until('the delivery Failed', () => status(id, 'Failed'));
    assert.match(failed.last_error ?? '', /queued for the sendgrid transport, but smtp is configured now/);
    assert.equal(mails(id).length, 0);
  });
});

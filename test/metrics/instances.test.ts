/**
 * Two instances on one PostgreSQL database: the gauges are read from the database at scrape time,
 * so rdcontacts_delivery_queue and rdcontacts_deletion_jobs are the same whichever instance is
 * scraped, however the work was spread over them — deliveries queued through both (email through
 * an SMTP server that is down, so they wait for their next attempt; SMS to the outbox), a deletion
 * job running on one of them, another that failed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Metrics, createMetrics } from '../../src/metrics/index.js';
import { type ApiClient, apiClient } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { type Instance, type Instances, startInstances } from '../support/instances.js';
import { freePort } from '../support/ports.js';
import { addFolder, addMember, rootFolderOf } from '../support/tree-fixtures.js';
import { until } from '../support/until.js';
import { type Scrape, parseScrape, tableOf } from './prometheus-text.js';

const gauges = ['rdcontacts_delivery_queue', 'rdcontacts_deletion_jobs'] as const;

describe('the gauges of two instances on one PostgreSQL database', { skip: !backends.some((b) => b.name === 'postgres') && 'no PostgreSQL pass' }, () => {
  let running: Instances;
  let instances: Instance[];
  let metrics: Metrics[];
  let clients: ApiClient[];
  const scrape = async (i: number): Promise<Scrape> => parseScrape(await metrics[i]!.registry.metrics());
  const gaugesOf = (s: Scrape) => Object.fromEntries(gauges.map((name) => [name, tableOf(s, name, ['status'])]));

  before(async () => {
    const deadSmtp = await freePort();
    running = await startInstances(2, {
      throttle: 'off',
      emailTransport: 'smtp',
      smtpHost: '127.0.0.1',
      smtpPort: String(deadSmtp),
      smtpSecurity: 'none',
      mailFrom: 'noreply@metrics.example',
      // A failed attempt waits 5 to 10 minutes for the next: the queue holds still for the test.
      deliveryRetryBase: '600000',
      // One account per step, a minute apart: a deletion job stays Deleting for the test.
      deletionBatchSize: '1',
      deletionStepDelay: '60000',
      deletionLease: '300',
    });
    instances = running.instances;
    metrics = instances.map((instance) => createMetrics({ store: instance.store, processMetrics: false }));
    clients = instances.map((instance) => apiClient('openapi-v3', instance.endpoint, running.rootKey));
  });
  after(() => running?.close());

  test('rdcontacts_delivery_queue and rdcontacts_deletion_jobs are equal on both instances', async () => {
    const [a, b] = clients as [ApiClient, ApiClient];
    const emails = 3;
    const phones = 2;
    // Verifications sent through both instances: email (to be sent, through SMTP) and SMS (kept in the outbox).
    for (let i = 0; i < emails + phones; i++) {
      const client = i % 2 === 0 ? a : b;
      const phone = `86-1380013800${i}`;
      const id = (
        await client.call('AddMessageContact', {
          Name: `queue${String.fromCharCode(97 + i)}`,
          EmailAddress: `queue${i}@example.com`,
          PhoneNumber: phone,
          Title: 'Other',
          MessageTypes: ['FaultMessage'],
        })
      ).Contact.ContactId as string;
      if (i < emails) await client.call('SendEmailVerificationForMessageContact', { ContactId: id, EmailAddress: `queue${i}@example.com` });
      else await client.call('SendPhoneVerificationForMessageContact', { ContactId: id, PhoneNumber: phone });
    }

    // A deletion job over a folder of two accounts: its first step done, the next a minute away.
    const store = instances[0]!.store;
    const { directoryId } = running.account;
    const folder = await addFolder(store, directoryId, await rootFolderOf(store, directoryId), 'Leaving');
    for (const name of ['one', 'two']) await addMember(store, directoryId, folder, name);
    const leaving = (await b.call('AddMessageContact', { Name: 'leaving', EmailAddress: 'leaving@example.com', Title: 'Other', MessageTypes: ['FaultMessage'] })).Contact
      .ContactId as string;
    await b.call('AssociateMembers', { ContactId: leaving, Members: [folder] });
    assert.equal((await b.call('DeleteMessageContact', { ContactId: leaving, RetainContactInMembers: false })).Status, 'Deleting');
    // And one that failed (as a job that gave up is left).
    await store.bindings.insertJob({
      contact_id: 'c-failedjob0000',
      directory_id: directoryId,
      status: 'Failed',
      actor: 'test',
      started_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
      lease_owner: null,
      lease_expires_at: null,
    });

    // Each email has had its one attempt (the server is down) and waits minutes for the next:
    // from then on the queue holds still.
    await until(
      'every email tried once',
      async () => {
        const waiting = await store.outbox.list({ status: 'Queued', limit: 100 });
        const sending = await store.outbox.list({ status: 'Sending', limit: 100 });
        return sending.length === 0 && waiting.length === emails && waiting.every((row) => row.attempts === 1) ? true : undefined;
      },
      20_000,
    );
    const settled = tableOf(await scrape(0), 'rdcontacts_delivery_queue', ['status']);
    assert.deepEqual(
      settled,
      new Map([
        ['Stored', phones],
        ['Queued', emails],
        ['Sending', 0],
        ['Sent', 0],
        ['Failed', 0],
      ]),
    );

    const [onA, onB] = await Promise.all([scrape(0), scrape(1)]);
    assert.deepEqual(gaugesOf(onA), gaugesOf(onB));
    assert.deepEqual(tableOf(onB, 'rdcontacts_deletion_jobs', ['status']), new Map([['Deleting', 1], ['Failed', 1]]));
    assert.deepEqual(tableOf(onB, 'rdcontacts_delivery_queue', ['status']), settled);
  });
});

/**
 * The audit trail keeps its configured number of days: the retention sweep removes the events
 * older than that, a batch of at most 500 at a time until none is left, and never a newer one —
 * on the store through the domain (AuditTrail, RetentionSweeper), and end to end on a server whose
 * clock moves past the retention while LookupEvents is asked.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventColumns } from '../../src/domain/audit.js';
import { AuditTrail, sweepBatch } from '../../src/domain/audit-trail.js';
import { RetentionSweeper } from '../../src/domain/audit-retention.js';
import type { Tenant } from '../../src/domain/tenant.js';
import { toStored } from '../../src/domain/time.js';
import type { Store } from '../../src/store/store.js';
import { type Body, apiClient, plain, versions } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { type TestServer, startServer } from '../support/server.js';
import { TestClock } from '../support/test-clock.js';
import { until } from '../support/until.js';

const day = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

for (const backend of backends) {
  describe(`audit retention on the store [${backend.name}]`, () => {
    let store: Store;
    let clock: TestClock;
    let trail: AuditTrail;
    const retentionDays = 30;
    const tenants: Tenant[] = [
      { accountId: '1000000000000001', directoryId: 'rd-retainA', actor: 'LTAIretentionkeyA' },
      { accountId: '1000000000000002', directoryId: 'rd-retainB', actor: 'LTAIretentionkeyB' },
    ];

    before(async () => {
      store = await backend.open();
      clock = new TestClock();
      clock.freeze();
      trail = new AuditTrail(store, clock.now, { retentionDays, serviceHost: () => 'rdcontacts.test' });
    });
    after(async () => {
      clock.unfreeze();
      await store.close();
    });

    /** `count` events of `tenant`, `ageMs` old and a millisecond apart, in one transaction. */
    async function write(tenant: Tenant, count: number, ageMs: number, action = 'UpdateMessageContact'): Promise<void> {
      const start = clock.now().getTime() - ageMs;
      await store.transaction(async (tx) => {
        for (let i = 0; i < count; i++) {
          const contactId = `c-retention${String(i).padStart(8, '0')}`;
          await tx.audit.insert({
            ...eventColumns(tenant, toStored(new Date(start + i)), action, { 'ACS::ResourceManager::MessageContact': [contactId] }),
            contact_id: contactId,
            resource: `messagecontact/${contactId}`,
            changes: '{"Title":"CEO"}',
          });
        }
      });
    }
    const count = async (directoryId?: string) => (await store.audit.list({ ...(directoryId ? { directoryId } : {}), limit: 100_000 })).length;

    test('events past the retention go, a batch of 500 at a time until none is left; newer ones stay', async () => {
      // Old events of two accounts: more than two batches of them.
      await write(tenants[0]!, 700, 45 * day);
      await write(tenants[1]!, 520, 40 * day, 'AddMessageContact');
      // Just past the retention, and just within it.
      await write(tenants[0]!, 3, retentionDays * day + 60_000, 'DeleteMessageContact');
      await write(tenants[0]!, 4, retentionDays * day - 60_000, 'CreateFolder');
      await write(tenants[0]!, 10, day, 'AssociateMembers');
      await write(tenants[1]!, 6, 0, 'AddMessageContact');
      assert.equal(await count(), 700 + 520 + 3 + 4 + 10 + 6);

      const batches: number[] = [];
      const sweep = store.audit.sweep.bind(store.audit);
      store.audit.sweep = async (before, batch) => {
        assert.equal(before, toStored(new Date(clock.now().getTime() - retentionDays * day)));
        const removed = await sweep(before, batch);
        batches.push(removed);
        return removed;
      };
      try {
        const sweeper = new RetentionSweeper(trail, 60_000, (error) => assert.fail(String(error)));
        const removed = await sweeper.sweepNow();
        assert.equal(removed, 700 + 520 + 3);
        assert.deepEqual(batches, [sweepBatch, sweepBatch, 223], 'batches of at most 500, until one comes back short');
        assert.equal(sweepBatch, 500);
        // Nothing more to sweep.
        assert.equal(await sweeper.sweepNow(), 0);
      } finally {
        store.audit.sweep = sweep;
      }

      const left = await store.audit.list({ limit: 100_000 });
      const groups = new Map<string, number>();
      for (const row of left) groups.set(`${row.directory_id} ${row.action}`, (groups.get(`${row.directory_id} ${row.action}`) ?? 0) + 1);
      assert.deepEqual(
        [...groups].sort(),
        [
          ['rd-retainA AssociateMembers', 10],
          ['rd-retainA CreateFolder', 4],
          ['rd-retainB AddMessageContact', 6],
        ],
      );
      const horizon = toStored(trail.horizon());
      assert.ok(left.every((row) => row.created_at >= horizon));
      // What a lookup of the whole retention (and before it) answers.
      const looked = await trail.lookup(tenants[0]!, { from: '2000-01-01T00:00:00.000Z', to: toStored(clock.now()), newestFirst: true, limit: 1000 });
      assert.deepEqual([...new Set(looked.map((row) => row.action))].sort(), ['AssociateMembers', 'CreateFolder']);
    });

    test('as time passes, what was kept falls out of the retention in its turn', async () => {
      const before = await count();
      // Two minutes on, the 4 events written 30 days less a minute ago are past the retention.
      clock.passTime(120);
      const sweeper = new RetentionSweeper(trail, 60_000, (error) => assert.fail(String(error)));
      assert.equal(await sweeper.sweepNow(), 4);
      assert.equal(await count(), before - 4);
      assert.equal(await count('rd-retainB'), 6);
      clock.passTime(60 * 86_400);
      assert.equal(await sweeper.sweepNow(), 16);
      assert.equal(await count(), 0);
    });
  });

  describe(`audit retention end to end [${backend.name}]`, () => {
    let server: TestServer;

    before(async () => {
      server = await startServer({ backend, config: { auditRetentionDays: 1 }, auditSweepMs: 20 });
    });
    after(() => server.close());

    test('a server swept on its own: events older than its retention are no longer answered by LookupEvents', async () => {
      const rd = plain(apiClient('openapi-v3', server.endpoint, server.credentials));
      const trail = plain(apiClient('pop-get', server.endpoint, server.credentials, versions.actiontrail));
      /** Every event of the last 10 days, by eventName. */
      const events = async (): Promise<Body[]> => {
        const now = server.clock.now().getTime();
        const found: Body[] = [];
        let token: string | undefined;
        do {
          const body = await trail.call('LookupEvents', { StartTime: iso(now - 10 * day), EndTime: iso(now + 60_000), MaxResults: '50', ...(token ? { NextToken: token } : {}) });
          found.push(...(body.Events as Body[]));
          token = body.NextToken;
        } while (token);
        return found;
      };

      const oldFolder = (await rd.call('CreateFolder', { FolderName: 'old-folder' })).Folder.FolderId as string;
      const old = await events();
      assert.deepEqual(old.map((e) => e.eventName), ['CreateFolder', 'CreateAccessKey', 'CreateAccount']);

      // 18 hours later: still within the retention of a day.
      server.clock.passTime(18 * 3600);
      const newFolder = (await rd.call('CreateFolder', { FolderName: 'new-folder' })).Folder.FolderId as string;
      assert.equal((await events()).length, 4);

      // 12 more hours: the first events are 30 hours old, the last one 12.
      server.clock.passTime(12 * 3600);
      const kept = await until('the sweep removes the events past the retention', async () => {
        const now = await events();
        return now.some((e) => old.some((o) => o.eventId === e.eventId)) ? undefined : now;
      });
      assert.deepEqual(kept.map((e) => [e.eventName, e.referencedResources['ACS::ResourceManager::Folder'][0]]), [['CreateFolder', newFolder]]);
      assert.deepEqual((await trail.call('LookupEvents', { 'LookupAttribute.1.Key': 'ResourceName', 'LookupAttribute.1.Value': oldFolder, StartTime: '2020-01-01T00:00:00Z' })).Events, []);
      // The folder itself is not the event: it is still there.
      assert.equal((await rd.call('GetFolder', { FolderId: oldFolder })).Folder.FolderName, 'old-folder');
    });
  });
}

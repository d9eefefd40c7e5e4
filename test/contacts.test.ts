/**
 * The contact lifecycle as a user sees it through the official clients: add, read, list, update,
 * delete, tenancy, limits, concurrency and the audit trail. Runs once per storage backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { toApiDate } from '../src/domain/time.js';
import { type ApiClient, apiClient, failure } from './support/clients.js';
import { backends } from './support/backends.js';
import { startServer, type TestServer } from './support/server.js';
import { confirmNewest } from './support/verification-links.js';
import { holdContactReads } from './support/hold-reads.js';

const contactIdShape = /^c-[0-9A-Za-z]{16}$/;

for (const backend of backends) {
  describe(`contacts [${backend.name}]`, () => {
    let server: TestServer;
    let client: ApiClient;
    let names = 0;
    /** A fresh valid name: letters only, unique per call. */
    const nextName = () => `tom${String.fromCharCode(97 + (names % 26))}${String.fromCharCode(97 + Math.floor(names++ / 26))}`;

    before(async () => {
      server = await startServer({ backend, config: { maxContactsPerDirectory: 1000 } });
      client = apiClient('openapi-v3', server.endpoint, server.credentials);
    });
    after(() => server.close());

    async function add(overrides: Record<string, unknown> = {}) {
      const body = await client.call('AddMessageContact', {
        Name: nextName(),
        EmailAddress: 'ops@example.com',
        Title: 'TechnicalDirector',
        MessageTypes: ['AccountExpenses'],
        ...overrides,
      });
      return body.Contact.ContactId as string;
    }
    const get = async (id: string, via: ApiClient = client) =>
      (await via.call('GetMessageContact', { ContactId: id })).Contact;

    test('Add answers a c- ID and a UTC creation date; Get shows the contact as Verifying', async () => {
      const before = toApiDate(server.clock.now().toISOString());
      const added = await client.call('AddMessageContact', {
        Name: '张三Tom',
        EmailAddress: 'zhang+ops@example.com',
        PhoneNumber: '86-13912341234',
        Title: 'CEO',
        MessageTypes: ['SecurityMessage', 'AccountExpenses'],
      });
      assert.match(added.Contact.ContactId, contactIdShape);
      const afterAdd = toApiDate(server.clock.now().toISOString());
      assert.ok(added.Contact.CreateDate >= before && added.Contact.CreateDate <= afterAdd);

      const contact = await get(added.Contact.ContactId);
      assert.deepEqual(contact, {
        ContactId: added.Contact.ContactId,
        Name: '张三Tom',
        EmailAddress: 'zhang+ops@example.com',
        PhoneNumber: '86-13912341234',
        Title: 'CEO',
        MessageTypes: ['SecurityMessage', 'AccountExpenses'],
        Members: [],
        Status: 'Verifying',
        CreateDate: added.Contact.CreateDate,
      });
    });

    test('List pages through the directory in creation order with numeric counts', async () => {
      const tenant = await server.newTenant();
      const own = apiClient('pop-get', server.endpoint, tenant);
      const ids: string[] = [];
      for (const name of ['alpha', 'beta', 'gamma']) {
        const body = await own.call('AddMessageContact', {
          Name: name,
          EmailAddress: `${name}@example.com`,
          Title: 'Other',
          MessageTypes: ['ServiceMessage'],
        });
        ids.push(body.Contact.ContactId);
      }
      const first = await own.call('ListMessageContacts', { PageNumber: 1, PageSize: 2 });
      assert.equal(first.TotalCount, 3);
      assert.equal(first.PageNumber, 1);
      assert.equal(first.PageSize, 2);
      assert.deepEqual(first.Contacts.map((c: { ContactId: string }) => c.ContactId), ids.slice(0, 2));
      const second = await own.call('ListMessageContacts', { PageNumber: 2, PageSize: 2 });
      assert.deepEqual(second.Contacts.map((c: { ContactId: string }) => c.ContactId), ids.slice(2));
      const defaults = await own.call('ListMessageContacts');
      assert.equal(defaults.PageNumber, 1);
      assert.equal(defaults.PageSize, 10);
      const one = await own.call('ListMessageContacts', { ContactId: ids[1] });
      assert.equal(one.TotalCount, 1);
      assert.equal(one.Contacts[0].Name, 'beta');
      const byMember = await own.call('ListMessageContacts', { Member: tenant.directoryId });
      assert.deepEqual(byMember.Contacts, [], 'nothing is bound to a member yet');
    });

    test('names are unique within a directory, free in another, and free again after delete', async () => {
      const name = nextName();
      const id = await add({ Name: name });
      assert.equal((await failure(add({ Name: name }))).code, 'InvalidParameter.Name.AlreadyUsed');
      const other = apiClient('openapi-v2', server.endpoint, await server.newTenant());
      await other.call('AddMessageContact', {
        Name: name,
        EmailAddress: 'x@example.com',
        Title: 'Other',
        MessageTypes: ['FaultMessage'],
      });
      const renamed = await add();
      const clash = await failure(client.call('UpdateMessageContact', { ContactId: renamed, Name: name }));
      assert.equal(clash.code, 'InvalidParameter.Name.AlreadyUsed');
      await client.call('DeleteMessageContact', { ContactId: id });
      assert.match(await add({ Name: name }), contactIdShape, 'the name is free again after delete');
    });

    test('Update is partial, and re-sending unchanged values creates nothing new', async () => {
      const id = await add({ PhoneNumber: '86-13800000001', MessageTypes: ['AccountExpenses', 'FaultMessage'] });
      const before = await get(id);
      const trailBefore = await server.store.audit.list({ contactId: id, limit: 100 });

      await client.call('UpdateMessageContact', { ContactId: id, Title: 'FinanceDirector' });
      const titled = await get(id);
      assert.deepEqual({ ...titled, Title: before.Title }, before, 'only the title changed');
      assert.equal(titled.Title, 'FinanceDirector');

      // What Terraform does: every field again, unchanged.
      await client.call('UpdateMessageContact', {
        ContactId: id,
        Name: titled.Name,
        EmailAddress: titled.EmailAddress,
        PhoneNumber: titled.PhoneNumber,
        Title: titled.Title,
        MessageTypes: titled.MessageTypes,
      });
      assert.deepEqual(await get(id), titled);
      const pending = await client.call('ListMessageContactVerifications', { ContactId: id });
      assert.equal(pending.TotalCount, 2, 'still just the original email and phone');
      const trailAfter = await server.store.audit.list({ contactId: id, limit: 100 });
      assert.equal(trailAfter.length, trailBefore.length + 1, 'the no-op update wrote nothing');
    });

    test('a new email on an Active contact is pending until verified; cancel restores the verified one', async () => {
      const email = `${nextName()}@example.com`;
      const id = await add({ EmailAddress: email });
      await client.call('SendEmailVerificationForMessageContact', { ContactId: id, EmailAddress: email });
      await confirmNewest(server, email);
      assert.equal((await get(id)).Status, 'Active');

      await client.call('UpdateMessageContact', { ContactId: id, EmailAddress: 'new-address@example.com' });
      const updated = await get(id);
      assert.equal(updated.EmailAddress, 'new-address@example.com');
      assert.equal(updated.Status, 'Verifying');
      const pending = await client.call('ListMessageContactVerifications', { ContactId: id });
      assert.deepEqual(pending.ContactVerifications, [{ ContactId: id, Target: 'new-address@example.com' }]);
      const domainView = await server.store.contacts.findById(id);
      assert.equal(domainView?.email, email, 'the verified address still receives messages');

      await client.call('CancelMessageContactUpdate', { ContactId: id, EmailAddress: 'new-address@example.com' });
      const restored = await get(id);
      assert.equal(restored.EmailAddress, email);
      assert.equal(restored.Status, 'Active');
      assert.equal((await client.call('ListMessageContactVerifications', { ContactId: id })).TotalCount, 0);
    });

    test('changing back to the verified value drops the pending one', async () => {
      const email = `${nextName()}@example.com`;
      const id = await add({ EmailAddress: email });
      await client.call('SendEmailVerificationForMessageContact', { ContactId: id, EmailAddress: email });
      await confirmNewest(server, email);
      await client.call('UpdateMessageContact', { ContactId: id, EmailAddress: 'other@example.com' });
      await client.call('UpdateMessageContact', { ContactId: id, EmailAddress: email });
      const contact = await get(id);
      assert.equal(contact.EmailAddress, email);
      assert.equal(contact.Status, 'Active');
    });

    test('Delete answers Deleted; the contact is gone from Get, List and the quota', async () => {
      const own = apiClient('pop-post', server.endpoint, await server.newTenant());
      const added = await own.call('AddMessageContact', {
        Name: 'gone',
        EmailAddress: 'gone@example.com',
        Title: 'Other',
        MessageTypes: ['ServiceMessage'],
      });
      const id = added.Contact.ContactId;
      const deleted = await own.call('DeleteMessageContact', { ContactId: id, RetainContactInMembers: true });
      assert.equal(deleted.Status, 'Deleted');
      assert.equal((await failure(own.call('GetMessageContact', { ContactId: id }))).code, 'EntityNotExists.Contact');
      assert.equal((await own.call('ListMessageContacts')).TotalCount, 0);
      assert.equal((await failure(own.call('DeleteMessageContact', { ContactId: id }))).code, 'EntityNotExists.Contact');
    });

    test('a directory holds at most 20 contacts by default; the 21st gets LimitExceeded.Contacts', async () => {
      const quota = await startServer({ backend });
      try {
        const own = apiClient('openapi-v3', quota.endpoint, quota.credentials);
        for (let i = 0; i < 20; i += 1) {
          await own.call('AddMessageContact', {
            Name: `quota${String.fromCharCode(97 + i)}`,
            EmailAddress: `q${i}@example.com`,
            Title: 'Other',
            MessageTypes: ['ServiceMessage'],
          });
        }
        const refused = await failure(
          own.call('AddMessageContact', { Name: 'quotaz', EmailAddress: 'z@example.com', Title: 'Other', MessageTypes: ['ServiceMessage'] }),
        );
        assert.equal(refused.code, 'LimitExceeded.Contacts');
        assert.equal(refused.statusCode, 400);
        assert.equal((await own.call('ListMessageContacts', { PageSize: 100 })).TotalCount, 20);
      } finally {
        await quota.close();
      }
    });

    test("a key sees only its own directory's contacts", async () => {
      const id = await add();
      const stranger = apiClient('pop-get', server.endpoint, await server.newTenant());
      for (const [action, params] of [
        ['GetMessageContact', { ContactId: id }],
        ['UpdateMessageContact', { ContactId: id, Title: 'CEO' }],
        ['DeleteMessageContact', { ContactId: id }],
        ['SendEmailVerificationForMessageContact', { ContactId: id, EmailAddress: 'ops@example.com' }],
        ['CancelMessageContactUpdate', { ContactId: id }],
        ['ListMessageContactVerifications', { ContactId: id }],
        ['ListMessageContacts', { ContactId: id }],
      ] as const) {
        const refused = await failure(stranger.call(action, params));
        assert.equal(refused.code, 'EntityNotExists.Contact', action);
      }
      assert.equal((await get(id)).Title, 'TechnicalDirector', 'nothing changed');
      assert.equal((await stranger.call('ListMessageContacts')).TotalCount, 0);
    });

    test('concurrent conflicting updates: each wins or gets 429, and no update is lost', async () => {
      const id = await add();
      const titles = ['CEO', 'FinanceDirector', 'MaintenanceDirector', 'ProjectDirector', 'Other', 'CEO', 'FinanceDirector', 'Other'];
      const clients = titles.map((_, i) => apiClient(i % 2 ? 'openapi-v3' : 'pop-post', server.endpoint, server.credentials));
      const outcomes = await Promise.all(
        titles.map((title, i) =>
          clients[i]!.call('UpdateMessageContact', { ContactId: id, Title: title, MessageTypes: [i % 2 ? 'FaultMessage' : 'ProductMessage'] }).then(
            () => ({ title, ok: true as const }),
            (error) => ({ title, ok: false as const, code: error.code as string, status: error.statusCode as number | undefined }),
          ),
        ),
      );
      for (const outcome of outcomes) {
        if (!outcome.ok) assert.equal(outcome.code, 'ConcurrentCallNotSupported');
      }
      const winners = outcomes.filter((outcome) => outcome.ok);
      assert.ok(winners.length >= 1, 'at least one update wins');
      const updates = (await server.store.audit.list({ contactId: id, limit: 100 })).filter((e) => e.action === 'UpdateMessageContact');
      const final = await get(id);
      // Every accepted update is in the trail, and the contact holds what the last accepted one wrote.
      const lastChange = JSON.parse(updates.at(-1)!.changes) as { Title?: string };
      assert.ok(updates.length <= winners.length);
      assert.equal(final.Title, lastChange.Title ?? final.Title);
    });

    test('two updates racing on one contact: exactly one wins, the other answers 429', async () => {
      const id = await add();
      const [first, second] = await Promise.allSettled([
        server.store.contacts.findById(id),
        server.store.contacts.findById(id),
      ]);
      assert.ok(first.status === 'fulfilled' && second.status === 'fulfilled');
      // Both read version N; the first write moves it to N+1, so the second write must be refused.
      const stale = first.value!;
      const applied = await server.store.contacts.updateIfVersion(id, stale.version, { title: 'CEO' });
      const lost = await server.store.contacts.updateIfVersion(id, second.value!.version, { title: 'Other' });
      assert.equal(applied, true);
      assert.equal(lost, false);
      assert.equal((await get(id)).Title, 'CEO');

      // Through the wire: hold both requests after their read until both have read, then let them write.
      const restore = holdContactReads(server.store, id);
      try {
        const outcomes = await Promise.allSettled([
          client.call('UpdateMessageContact', { ContactId: id, Title: 'FinanceDirector' }),
          apiClient('pop-get', server.endpoint, server.credentials).call('UpdateMessageContact', {
            ContactId: id,
            Title: 'MaintenanceDirector',
          }),
        ]);
        const refused = outcomes.filter((o) => o.status === 'rejected');
        assert.equal(refused.length, 1, 'exactly one of the two is refused');
        const reason = (refused[0] as PromiseRejectedResult).reason;
        assert.equal(reason.code, 'ConcurrentCallNotSupported');
        const winner = outcomes[0].status === 'fulfilled' ? 'FinanceDirector' : 'MaintenanceDirector';
        assert.equal((await get(id)).Title, winner, "the winner's update is the one that holds");
      } finally {
        restore();
      }
    });

    test('every change is in the audit trail with who, what and when', async () => {
      const email = `${nextName()}@example.com`;
      const id = await add({ EmailAddress: email });
      await client.call('UpdateMessageContact', { ContactId: id, Title: 'ProjectDirector', MessageTypes: ['SecurityMessage'] });
      await client.call('SendEmailVerificationForMessageContact', { ContactId: id, EmailAddress: email });
      await confirmNewest(server, email);
      await client.call('DeleteMessageContact', { ContactId: id });
      const trail = await server.store.audit.list({ contactId: id, limit: 100 });
      assert.deepEqual(
        trail.map((event) => [event.action, event.actor]),
        [
          ['AddMessageContact', server.credentials.accessKeyId],
          ['UpdateMessageContact', server.credentials.accessKeyId],
          ['SendEmailVerificationForMessageContact', server.credentials.accessKeyId],
          ['ConfirmMessageContactVerification', 'verification-link'],
          ['DeleteMessageContact', server.credentials.accessKeyId],
        ],
      );
      assert.deepEqual(JSON.parse(trail[1]!.changes), { Title: 'ProjectDirector', MessageTypes: ['SecurityMessage'] });
      for (const event of trail) assert.match(event.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    });

    test('a refused write leaves no trace: no row, no audit entry', async () => {
      const name = nextName();
      await add({ Name: name });
      const trailBefore = await server.store.audit.list({ directoryId: server.credentials.directoryId, limit: 10_000 });
      await failure(add({ Name: name }));
      await failure(add({ Title: 'Boss' }));
      const trailAfter = await server.store.audit.list({ directoryId: server.credentials.directoryId, limit: 10_000 });
      assert.equal(trailAfter.length, trailBefore.length);
    });
  });
}

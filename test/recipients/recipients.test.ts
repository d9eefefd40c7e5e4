/**
 * Effective recipients of an account and coverage of the directory (extension actions), through
 * the official clients, once per storage backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiClient, apiClient, failure } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { startServer, type TestServer } from '../support/server.js';
import { addFolder, addMember, bindContact, rootFolderOf } from '../support/tree-fixtures.js';
import { confirmNewest } from '../support/verification-links.js';

for (const backend of backends) {
  describe(`effective recipients and coverage [${backend.name}]`, () => {
    let server: TestServer;
    let client: ApiClient;
    let pop: ApiClient;
    const ids = {} as Record<'root' | 'a' | 'b' | 'c' | 'm1' | 'm2' | 'm3' | 'alice' | 'bob' | 'carol' | 'dave', string>;

    async function contact(name: string, types: string[], verified: boolean): Promise<string> {
      const email = `${name}@example.com`;
      const body = await client.call('AddMessageContact', { Name: name, EmailAddress: email, Title: 'Other', MessageTypes: types });
      const id = body.Contact.ContactId as string;
      if (verified) {
        await client.call('SendEmailVerificationForMessageContact', { ContactId: id, EmailAddress: email });
        await confirmNewest(server, email);
      }
      return id;
    }

    before(async () => {
      server = await startServer({ backend });
      client = apiClient('openapi-v3', server.endpoint, server.credentials);
      pop = apiClient('pop-get', server.endpoint, server.credentials);
      const { store } = server;
      const directory = server.credentials.directoryId;
      const root = await rootFolderOf(store, directory);
      ids.root = root;
      ids.a = await addFolder(store, directory, root, 'a');
      ids.b = await addFolder(store, directory, ids.a, 'b');
      ids.c = await addFolder(store, directory, root, 'c');
      ids.m1 = await addMember(store, directory, ids.b, 'one');
      ids.m2 = await addMember(store, directory, ids.c, 'two');
      ids.m3 = await addMember(store, directory, root, 'three');
      ids.alice = await contact('alice', ['SecurityMessage', 'AccountExpenses'], true);
      ids.bob = await contact('bob', ['SecurityMessage'], true);
      ids.carol = await contact('carol', ['FaultMessage'], false);
      ids.dave = await contact('dave', ['ProductMessage'], true);
      await bindContact(store, ids.alice, ids.a, 'folder');
      await bindContact(store, ids.bob, directory, 'directory');
      await bindContact(store, ids.carol, ids.m2, 'account');
      await bindContact(store, ids.dave, ids.m3, 'account');
    });
    after(() => server.close());

    test('an account deep in a folder gets what its folder chain and the directory give, with sources', async () => {
      for (const via of [client, pop]) {
        // pop-core builds objects without a prototype; compare plain data.
        const body = JSON.parse(JSON.stringify(await via.call('ListEffectiveMessageContacts', { AccountId: ids.m1 })));
        assert.equal(body.AccountId, ids.m1);
        assert.deepEqual(
          body.Contacts.map((c: any) => [c.Name, c.Status, c.EmailAddress, c.MessageTypes, c.Sources]).sort((x: any, y: any) => String(x[0]).localeCompare(String(y[0]))),
          [
            ['alice', 'Active', 'alice@example.com', ['SecurityMessage', 'AccountExpenses'], [{ MemberId: ids.a, Type: 'Folder' }]],
            ['bob', 'Active', 'bob@example.com', ['SecurityMessage'], [{ MemberId: server.credentials.directoryId, Type: 'ResourceDirectory' }]],
          ],
        );
      }
    });

    test('MessageType narrows the recipients and their types; an unverified contact shows no address', async () => {
      const expenses = await client.call('ListEffectiveMessageContacts', { AccountId: ids.m1, MessageType: 'AccountExpenses' });
      assert.deepEqual(expenses.Contacts.map((c: any) => [c.Name, c.MessageTypes]), [['alice', ['AccountExpenses']]]);
      const two = await client.call('ListEffectiveMessageContacts', { AccountId: ids.m2 });
      const carol = two.Contacts.find((c: any) => c.Name === 'carol');
      assert.equal(carol.Status, 'Verifying');
      assert.equal(carol.EmailAddress, undefined, 'nothing verified: nothing would receive');
      assert.deepEqual(carol.Sources, [{ MemberId: ids.m2, Type: 'Account' }]);
    });

    test('coverage: per account the types nobody verified receives, and totals per type', async () => {
      const body = JSON.parse(JSON.stringify(await pop.call('GetMessageContactCoverage', { PageSize: 10 })));
      assert.equal(body.TotalCount, 3);
      const totals = Object.fromEntries(body.Totals.map((t: any) => [t.MessageType, [t.CoveredAccounts, t.UncoveredAccounts]]));
      assert.deepEqual(totals, {
        ServiceMessage: [0, 3],
        FaultMessage: [0, 3],
        AccountExpenses: [1, 2],
        SecurityMessage: [3, 0],
        ActivityMessage: [0, 3],
        ProductMessage: [1, 2],
      });
      const byAccount = Object.fromEntries(body.Accounts.map((a: any) => [a.AccountId, a.UncoveredMessageTypes]));
      assert.deepEqual(byAccount[ids.m1], ['ServiceMessage', 'FaultMessage', 'ActivityMessage', 'ProductMessage']);
      assert.deepEqual(byAccount[ids.m3], ['ServiceMessage', 'FaultMessage', 'AccountExpenses', 'ActivityMessage']);
      const security = await client.call('GetMessageContactCoverage', { MessageType: 'SecurityMessage' });
      assert.deepEqual(security.Totals, [{ MessageType: 'SecurityMessage', CoveredAccounts: 3, UncoveredAccounts: 0 }]);
      assert.ok(security.Accounts.every((a: any) => a.UncoveredMessageTypes.length === 0));
      const second = await client.call('GetMessageContactCoverage', { PageSize: 2, PageNumber: 2 });
      assert.equal(second.Accounts.length, 1);
      assert.equal(second.TotalCount, 3);
    });

    test('moving an account drops what it inherited and gains what the new folder gives', async () => {
      const db = server.store.tree.db;
      await db.updateTable('members').set({ folder_id: ids.c }).where('id', '=', ids.m1).execute();
      try {
        const moved = await client.call('ListEffectiveMessageContacts', { AccountId: ids.m1 });
        assert.deepEqual(moved.Contacts.map((c: any) => c.Name), ['bob']);
        await db.updateTable('members').set({ folder_id: ids.a }).where('id', '=', ids.m1).execute();
        const back = await client.call('ListEffectiveMessageContacts', { AccountId: ids.m1 });
        assert.deepEqual(back.Contacts.map((c: any) => c.Name).sort(), ['alice', 'bob']);
      } finally {
        await db.updateTable('members').set({ folder_id: ids.b }).where('id', '=', ids.m1).execute();
      }
    });

    test('a retained recipient counts for the account that keeps it', async () => {
      const db = server.store.tree.db;
      await db
        .insertInto('retained_recipients')
        .values({ account_id: ids.m3, contact_id: 'c-RetainedRetained', message_type: 'ServiceMessage', name: 'erin', email: 'erin@example.com', phone: null, retained_at: new Date().toISOString() })
        .execute();
      const body = await client.call('ListEffectiveMessageContacts', { AccountId: ids.m3, MessageType: 'ServiceMessage' });
      assert.deepEqual(body.Contacts, [
        { ContactId: 'c-RetainedRetained', Name: 'erin', MessageTypes: ['ServiceMessage'], Status: 'Retained', EmailAddress: 'erin@example.com', Sources: [{ MemberId: ids.m3, Type: 'Retained' }] },
      ]);
      const coverage = await client.call('GetMessageContactCoverage', { MessageType: 'ServiceMessage' });
      assert.deepEqual(coverage.Totals, [{ MessageType: 'ServiceMessage', CoveredAccounts: 1, UncoveredAccounts: 2 }]);
      await db.deleteFrom('retained_recipients').where('contact_id', '=', 'c-RetainedRetained').execute();
    });

    test('errors: missing, malformed, unknown, removed and foreign accounts; an unknown message type', async () => {
      assert.equal((await failure(client.call('ListEffectiveMessageContacts', {}))).code, 'MissingParameter.AccountId');
      assert.equal((await failure(client.call('ListEffectiveMessageContacts', { AccountId: '12345' }))).code, 'InvalidParameter.AccountId');
      assert.equal((await failure(client.call('ListEffectiveMessageContacts', { AccountId: '1234567890123456' }))).code, 'EntityNotExists.Account');
      const bad = await failure(pop.call('ListEffectiveMessageContacts', { AccountId: ids.m1, MessageType: 'Spam' }));
      assert.equal(bad.code, 'InvalidParameter.MessageType');
      assert.equal((await failure(client.call('GetMessageContactCoverage', { MessageType: 'Spam' }))).code, 'InvalidParameter.MessageType');
      const stranger = apiClient('openapi-v2', server.endpoint, await server.newTenant());
      assert.equal((await failure(stranger.call('ListEffectiveMessageContacts', { AccountId: ids.m1 }))).code, 'EntityNotExists.Account');
      assert.equal((await stranger.call('GetMessageContactCoverage')).TotalCount, 0);

      const removed = await addMember(server.store, server.credentials.directoryId, ids.root, 'gone');
      await server.store.tree.db.updateTable('members').set({ removed_at: new Date().toISOString(), status: 'Removed' }).where('id', '=', removed).execute();
      assert.equal((await failure(client.call('ListEffectiveMessageContacts', { AccountId: removed }))).code, 'EntityNotExists.Account');
      assert.equal((await client.call('GetMessageContactCoverage')).TotalCount, 3, 'a removed account is not in the report');
    });
  });
}

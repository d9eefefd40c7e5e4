/**
 * Effective recipients of an account and coverage of the directory (extension actions), through
 * the official clients, once per storage backend. The tree is built and changed through the
 * directory actions (CreateFolder, CreateResourceAccount, MoveAccount, UpdateAccount +
 * RemoveCloudAccount) and bound with AssociateMembers; only retained recipients are written
 * straight into the store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiClient, type Body, apiClient, failure } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { startServer, type TestServer } from '../support/server.js';
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

    const folder = async (name: string, parent: string) =>
      (await client.call('CreateFolder', { FolderName: name, ParentFolderId: parent })).Folder.FolderId as string;
    const account = async (name: string, parent: string) =>
      (await client.call('CreateResourceAccount', { DisplayName: name, ParentFolderId: parent })).Account.AccountId as string;
    const names = async (accountId: string, via: ApiClient = client) =>
      (await via.call('ListEffectiveMessageContacts', { AccountId: accountId })).Contacts.map((c: Body) => c.Name as string).sort();
    const expensesTotals = async (via: ApiClient = client) =>
      (await via.call('GetMessageContactCoverage', { MessageType: 'AccountExpenses' })).Totals.map((t: Body) => [t.CoveredAccounts, t.UncoveredAccounts]);

    before(async () => {
      server = await startServer({ backend });
      client = apiClient('openapi-v3', server.endpoint, server.credentials);
      pop = apiClient('pop-get', server.endpoint, server.credentials);
      const rd = (await client.call('GetResourceDirectory')).ResourceDirectory;
      const directory = rd.ResourceDirectoryId as string;
      const root = rd.RootFolderId as string;
      ids.root = root;
      ids.a = await folder('a', root);
      ids.b = await folder('b', ids.a);
      ids.c = await folder('c', root);
      ids.alice = await contact('alice', ['SecurityMessage', 'AccountExpenses'], true);
      ids.bob = await contact('bob', ['SecurityMessage'], true);
      ids.carol = await contact('carol', ['FaultMessage'], false);
      ids.dave = await contact('dave', ['ProductMessage'], true);
      // The folder and directory bindings come first: the accounts created afterwards inherit them.
      await client.call('AssociateMembers', { ContactId: ids.alice, Members: [ids.a] });
      await pop.call('AssociateMembers', { ContactId: ids.bob, Members: [directory] });
      ids.m1 = await account('one', ids.b);
      ids.m2 = await account('two', ids.c);
      ids.m3 = await account('three', root);
      await client.call('AssociateMembers', { ContactId: ids.carol, Members: [ids.m2] });
      await pop.call('AssociateMembers', { ContactId: ids.dave, Members: [ids.m3] });
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

    test('MoveAccount drops what an account inherited and gains what the new folder gives; a direct binding moves with it', async () => {
      const move = (via: ApiClient, accountId: string, destination: string) =>
        via.call('MoveAccount', { AccountId: accountId, DestinationFolderId: destination });
      try {
        for (const via of [client, pop]) {
          assert.deepEqual(await names(ids.m1, via), ['alice', 'bob']);
          assert.deepEqual(await expensesTotals(via), [[1, 2]]);
          await move(via, ids.m1, ids.c);
          assert.deepEqual(await names(ids.m1, via), ['bob'], `${via.name}: out of a, alice is gone`);
          assert.deepEqual(await expensesTotals(via), [[0, 3]], `${via.name}: nobody receives AccountExpenses for it any more`);
          await move(via, ids.m1, ids.a);
          assert.deepEqual(await names(ids.m1, via), ['alice', 'bob'], `${via.name}: right under a, alice again`);
          await move(via, ids.m1, ids.b);
          // m2 is bound to carol directly: moving it into a keeps carol and adds alice.
          assert.deepEqual(await names(ids.m2, via), ['bob', 'carol']);
          await move(via, ids.m2, ids.a);
          assert.deepEqual(await names(ids.m2, via), ['alice', 'bob', 'carol'], `${via.name}: the direct binding moved along`);
          assert.deepEqual(await expensesTotals(via), [[2, 1]]);
          await move(via, ids.m2, ids.c);
          assert.deepEqual(await names(ids.m2, via), ['bob', 'carol']);
        }
      } finally {
        await move(client, ids.m1, ids.b);
        await move(client, ids.m2, ids.c);
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

      const removed = await account('gone', ids.a);
      await client.call('AssociateMembers', { ContactId: ids.dave, Members: [removed] });
      assert.deepEqual(await names(removed), ['alice', 'bob', 'dave']);
      assert.equal((await client.call('GetMessageContactCoverage')).TotalCount, 4);
      await client.call('UpdateAccount', { AccountId: removed, NewAccountType: 'CloudAccount' });
      await pop.call('RemoveCloudAccount', { AccountId: removed });
      for (const via of [client, pop]) {
        const gone = await failure(via.call('ListEffectiveMessageContacts', { AccountId: removed }));
        assert.deepEqual([gone.code, gone.statusCode], ['EntityNotExists.Account', 404], via.name);
        const coverage = await via.call('GetMessageContactCoverage', { PageSize: 100 });
        assert.equal(coverage.TotalCount, 3, `${via.name}: a removed account is not in the report`);
        assert.ok(!coverage.Accounts.some((a: Body) => a.AccountId === removed), via.name);
      }
      // Its direct binding record stays with dave.
      assert.deepEqual((await client.call('GetMessageContact', { ContactId: ids.dave })).Contact.Members, [ids.m3, removed]);
    });
  });
}

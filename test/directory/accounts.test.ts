/**
 * Member accounts through the official clients: CreateResourceAccount, GetAccount, UpdateAccount,
 * ListAccounts (page and NextToken modes), ListAccountsForParent, MoveAccount, RemoveCloudAccount —
 * shapes, rules, limits, error codes and tenancy. Runs per backend and per client.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiClient, type ClientName, apiClient, expectError, plain } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { startServer, type TestServer } from '../support/server.js';
import { bindContact } from '../support/tree-fixtures.js';

const isoMillis = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const clients: ClientName[] = ['openapi-v3', 'pop-get'];
const commonFields = [
  'AccountId',
  'AccountName',
  'DisplayName',
  'FolderId',
  'JoinMethod',
  'JoinTime',
  'ModifyTime',
  'ResourceDirectoryId',
  'Status',
  'Type',
];


for (const backend of backends) {
  for (const clientName of clients) {
    describe(`directory accounts [${backend.name}, ${clientName}]`, () => {
      let server: TestServer;
      let client: ApiClient;
      let rd: Record<string, any>;
      let names = 0;
      const nextName = () => `Member ${names++}`;

      before(async () => {
        server = await startServer({ backend, config: { maxMembersPerDirectory: 1000, maxContactsPerDirectory: 1000 } });
        client = plain(apiClient(clientName, server.endpoint, server.credentials));
        rd = (await client.call('GetResourceDirectory')).ResourceDirectory;
      });
      after(() => server.close());

      const createAccount = async (params: Record<string, string> = {}) =>
        (await client.call('CreateResourceAccount', { DisplayName: nextName(), ...params })).Account as Record<string, any>;
      const createFolder = async (params: Record<string, string> = {}) =>
        (await client.call('CreateFolder', { FolderName: `f${names++}`, ...params })).Folder as Record<string, any>;
      const getAccount = async (id: string, params: Record<string, string> = {}) =>
        (await client.call('GetAccount', { AccountId: id, ...params })).Account as Record<string, any>;

      test('CreateResourceAccount answers the 10 common fields; the account lands in Root by default', async () => {
        const account = await createAccount({ DisplayName: 'Dev Team_1.a-b', AccountNamePrefix: 'Alice.Dev' });
        assert.deepEqual(Object.keys(account).sort(), commonFields);
        assert.match(account.AccountId, /^[1-9]\d{15}$/);
        assert.equal(account.DisplayName, 'Dev Team_1.a-b');
        assert.equal(account.AccountName, `alice.dev@${rd.ResourceDirectoryId.toLowerCase()}.aliyunid.com`);
        assert.equal(account.Type, 'ResourceAccount');
        assert.equal(account.Status, 'CreateSuccess');
        assert.equal(account.JoinMethod, 'created');
        assert.match(account.JoinTime, isoMillis);
        assert.equal(account.ModifyTime, account.JoinTime);
        assert.equal(account.FolderId, rd.RootFolderId);
        assert.equal(account.ResourceDirectoryId, rd.ResourceDirectoryId);

        const random = await createAccount();
        assert.match(random.AccountName, new RegExp(`^[a-z][a-z0-9]{7}@${rd.ResourceDirectoryId.toLowerCase()}\\.aliyunid\\.com$`));

        const folder = await createFolder();
        const inFolder = await createAccount({ ParentFolderId: folder.FolderId, ResellAccountType: 'non_resell', PayerAccountId: rd.MasterAccountId });
        assert.equal(inFolder.FolderId, folder.FolderId);
        await createAccount({ PayerAccountId: inFolder.AccountId });
      });

      test('CreateResourceAccount DryRun checks everything and writes nothing', async () => {
        const before = (await client.call('ListAccounts', { PageSize: 100 })).TotalCount;
        const body = await client.call('CreateResourceAccount', { DisplayName: 'Dry Run', DryRun: true });
        assert.deepEqual(Object.keys(body), ['RequestId']);
        assert.equal((await client.call('ListAccounts', { PageSize: 100 })).TotalCount, before);
        const taken = await createAccount();
        await expectError(client.call('CreateResourceAccount', { DisplayName: taken.DisplayName, DryRun: true }), 'InvalidParameter.Account.DisplayName.AlreadyUsed', 409);
        await expectError(client.call('CreateResourceAccount', { DisplayName: 'Dry Run', DryRun: 'yes' }), 'InvalidParameter.DryRun', 400);
      });

      test('CreateResourceAccount errors, in check order', async () => {
        const call = (params: Record<string, string>) => client.call('CreateResourceAccount', params);
        await expectError(call({}), 'MissingParameter.Account.DisplayName', 400);
        await expectError(call({ DisplayName: 'bad/name' }), 'InvalidParameter.Account.DisplayName', 400);
        await expectError(call({ DisplayName: ' leading' }), 'InvalidParameter.Account.DisplayName', 400);
        await expectError(call({ DisplayName: 'trailing ' }), 'InvalidParameter.Account.DisplayName', 400);
        await expectError(call({ DisplayName: 'a' }), 'InvalidParameter.Account.DisplayName.Length', 400);
        await expectError(call({ DisplayName: 'a'.repeat(51) }), 'InvalidParameter.Account.DisplayName.Length', 400);
        await expectError(call({ DisplayName: 'Valid Name', ParentFolderId: 'folder' }), 'InvalidParameter.ParentFolderId', 400);
        await expectError(call({ DisplayName: 'Valid Name', AccountNamePrefix: 'a..b' }), 'InvalidParameter.Account.AccountNamePrefix', 400);
        await expectError(call({ DisplayName: 'Valid Name', AccountNamePrefix: '-ab' }), 'InvalidParameter.Account.AccountNamePrefix', 400);
        await expectError(call({ DisplayName: 'Valid Name', AccountNamePrefix: 'a b' }), 'InvalidParameter.Account.AccountNamePrefix', 400);
        await expectError(call({ DisplayName: 'Valid Name', AccountNamePrefix: 'a' }), 'InvalidParameter.Account.AccountNamePrefix.Length', 400);
        await expectError(call({ DisplayName: 'Valid Name', AccountNamePrefix: 'a'.repeat(38) }), 'InvalidParameter.Account.AccountNamePrefix.Length', 400);
        await expectError(call({ DisplayName: 'Valid Name', PayerAccountId: '12' }), 'InvalidParameter.PayerAccountId', 400);
        await expectError(call({ DisplayName: 'Valid Name', ResellAccountType: 'other' }), 'InvalidParameter.ResellAccountType', 400);
        await expectError(call({ DisplayName: 'Valid Name', 'Tag.1.Key': 'acs:x' }), 'InvalidParameter.Tag', 400);
        await expectError(call({ DisplayName: 'Valid Name', ParentFolderId: 'fd-0000000000' }), 'EntityNotExists.Folder', 404);
        await expectError(
          call({ DisplayName: 'Valid Name', PayerAccountId: '1000000000000000' }),
          'NotSupport.PayerAccountInAnotherResourceDirectory',
          409,
        );
        const taken = await createAccount({ AccountNamePrefix: 'taken-prefix' });
        await expectError(call({ DisplayName: taken.DisplayName }), 'InvalidParameter.Account.DisplayName.AlreadyUsed', 409);
        await expectError(call({ DisplayName: 'Other Name', AccountNamePrefix: 'TAKEN-prefix' }), 'EntityAlreadyExists.ResourceDirectory.Account', 409);
        // Display names are case-sensitive.
        await createAccount({ DisplayName: taken.DisplayName.toUpperCase() });
      });

      test('GetAccount: path, location and no secure phone; Tags a bare array only with IncludeTags', async () => {
        const parent = await createFolder({ FolderName: 'Apps' });
        const child = await createFolder({ FolderName: 'Prod', ParentFolderId: parent.FolderId });
        const created = await createAccount({ ParentFolderId: child.FolderId, 'Tag.1.Key': 'cost', 'Tag.1.Value': 'cc-1', 'Tag.2.Key': 'owner' });
        const account = await getAccount(created.AccountId);
        assert.deepEqual(account, {
          ...created,
          ResourceDirectoryPath: `${rd.ResourceDirectoryId}/${rd.RootFolderId}/${parent.FolderId}/${child.FolderId}/${created.AccountId}`,
          Location: 'root/Apps/Prod',
          HasSecureMobilePhone: false,
        });
        const tagged = await getAccount(created.AccountId, { IncludeTags: 'true' });
        assert.deepEqual(tagged.Tags, [
          { Key: 'cost', Value: 'cc-1' },
          { Key: 'owner', Value: '' },
        ]);
        assert.equal((await getAccount(created.AccountId, { IncludeTags: 'false' })).Tags, undefined);
        const bare = await createAccount();
        assert.deepEqual((await getAccount(bare.AccountId, { IncludeTags: 'true' })).Tags, []);
        assert.equal((await getAccount(bare.AccountId)).ResourceDirectoryPath, `${rd.ResourceDirectoryId}/${rd.RootFolderId}/${bare.AccountId}`);
        assert.equal((await getAccount(bare.AccountId)).Location, 'root');

        await expectError(client.call('GetAccount', {}), 'MissingParameter.AccountId', 400);
        await expectError(client.call('GetAccount', { AccountId: '123' }), 'InvalidParameter.AccountId', 400);
        await expectError(client.call('GetAccount', { AccountId: '1000000000000000' }), 'EntityNotExists.Account', 404);
        await expectError(client.call('GetAccount', { AccountId: bare.AccountId, IncludeTags: 'yes' }), 'InvalidParameter.IncludeTags', 400);
        // The management account is not a member.
        await expectError(client.call('GetAccount', { AccountId: rd.MasterAccountId }), 'EntityNotExists.Account', 404);
      });

      test('UpdateAccount renames or switches the type, one at a time', async () => {
        const account = await createAccount();
        const other = await createAccount();
        server.clock.passTime(2);
        const renamed = (await client.call('UpdateAccount', { AccountId: account.AccountId, NewDisplayName: 'New Name 1' })).Account;
        assert.deepEqual(Object.keys(renamed).sort(), commonFields);
        assert.equal(renamed.DisplayName, 'New Name 1');
        assert.ok(renamed.ModifyTime > account.ModifyTime);
        assert.equal(renamed.JoinTime, account.JoinTime);
        const again = (await client.call('UpdateAccount', { AccountId: account.AccountId, NewDisplayName: 'New Name 1' })).Account;
        assert.equal(again.ModifyTime, renamed.ModifyTime);

        const dry = await client.call('UpdateAccount', { AccountId: account.AccountId, NewDisplayName: 'Dry Name', DryRun: 'true' });
        assert.deepEqual(Object.keys(dry), ['RequestId']);
        assert.equal((await getAccount(account.AccountId)).DisplayName, 'New Name 1');

        const update = (params: Record<string, string>) => client.call('UpdateAccount', { AccountId: account.AccountId, ...params });
        await expectError(client.call('UpdateAccount', { NewDisplayName: 'x y' }), 'MissingParameter.AccountId', 400);
        await expectError(client.call('UpdateAccount', { AccountId: 'abc', NewDisplayName: 'x y' }), 'InvalidParameter.AccountId', 400);
        await expectError(update({ NewDisplayName: 'a' }), 'InvalidParameter.Account.DisplayName.Length', 400);
        await expectError(update({ NewDisplayName: 'a*b' }), 'InvalidParameter.Account.DisplayName', 400);
        await expectError(update({ NewAccountType: 'Other' }), 'InvalidParameter.NewAccountType', 400);
        await expectError(update({}), 'MissingDisplayNameOrAccountType', 409);
        await expectError(update({ NewDisplayName: 'Both Given', NewAccountType: 'CloudAccount' }), 'MissingDisplayNameOrAccountType', 409);
        await expectError(update({ NewDisplayName: other.DisplayName }), 'InvalidParameter.Account.DisplayName.AlreadyUsed', 409);
        await expectError(
          client.call('UpdateAccount', { AccountId: '1000000000000000', NewDisplayName: 'x y' }),
          'EntityNotExists.Account',
          404,
        );
        await expectError(update({ NewAccountType: 'ResourceAccount' }), 'AccountTypeMismatch', 409);

        const dryPromote = await update({ NewAccountType: 'CloudAccount', DryRun: 'true' });
        assert.deepEqual(Object.keys(dryPromote), ['RequestId']);
        assert.equal((await getAccount(account.AccountId)).Type, 'ResourceAccount');
        const promoted = (await update({ NewAccountType: 'CloudAccount' })).Account;
        assert.equal(promoted.Type, 'CloudAccount');
        assert.equal(promoted.Status, 'PromoteSuccess');
        assert.equal((await getAccount(account.AccountId)).Type, 'CloudAccount');
        await expectError(update({ NewAccountType: 'ResourceAccount' }), 'AccountTypeMismatch', 409);
        await expectError(update({ NewAccountType: 'CloudAccount' }), 'AccountTypeMismatch', 409);
      });

      test('ListAccountsForParent: members directly in the folder (Root by default), wrapped, no path', async () => {
        const folder = await createFolder();
        const sub = await createFolder({ ParentFolderId: folder.FolderId });
        const a = await createAccount({ ParentFolderId: folder.FolderId, DisplayName: 'Parent Alpha', 'Tag.1.Key': 'env', 'Tag.1.Value': 'prod' });
        const b = await createAccount({ ParentFolderId: folder.FolderId, DisplayName: 'Parent Beta' });
        await createAccount({ ParentFolderId: sub.FolderId });

        const list = await client.call('ListAccountsForParent', { ParentFolderId: folder.FolderId });
        assert.deepEqual(Object.keys(list).sort(), ['Accounts', 'PageNumber', 'PageSize', 'RequestId', 'TotalCount']);
        assert.equal(list.TotalCount, 2);
        assert.deepEqual(list.Accounts.Account, [a, b]);
        const tagged = await client.call('ListAccountsForParent', { ParentFolderId: folder.FolderId, IncludeTags: 'true' });
        assert.deepEqual(tagged.Accounts.Account, [
          { ...a, Tags: { Tag: [{ Key: 'env', Value: 'prod' }] } },
          { ...b, Tags: { Tag: [] } },
        ]);
        const ids = (body: Record<string, any>) => body.Accounts.Account.map((x: any) => x.AccountId);
        assert.deepEqual(ids(await client.call('ListAccountsForParent', { ParentFolderId: folder.FolderId, QueryKeyword: 'beta' })), [b.AccountId]);
        assert.deepEqual(ids(await client.call('ListAccountsForParent', { ParentFolderId: folder.FolderId, 'Tag.1.Key': 'env', 'Tag.1.Value': 'prod' })), [a.AccountId]);
        assert.deepEqual(ids(await client.call('ListAccountsForParent', { ParentFolderId: folder.FolderId, PageSize: 1, PageNumber: 2 })), [b.AccountId]);
        const inRoot = await client.call('ListAccountsForParent', { PageSize: 100 });
        assert.ok(inRoot.Accounts.Account.every((x: any) => x.FolderId === rd.RootFolderId));
        assert.deepEqual((await client.call('ListAccountsForParent', { ParentFolderId: sub.FolderId, QueryKeyword: 'nobody' })).Accounts, { Account: [] });

        await expectError(client.call('ListAccountsForParent', { ParentFolderId: 'bad' }), 'InvalidParameter.ParentFolderId', 400);
        await expectError(client.call('ListAccountsForParent', { ParentFolderId: 'fd-0000000000' }), 'EntityNotExists.Folder', 404);
        await expectError(client.call('ListAccountsForParent', { PageSize: 0 }), 'InvalidParameter.PageSize', 400);
      });

      test('MoveAccount changes the folder, the path and ModifyTime; a move to the same folder is a no-op', async () => {
        const from = await createFolder();
        const to = await createFolder({ ParentFolderId: from.FolderId });
        const account = await createAccount({ ParentFolderId: from.FolderId });
        server.clock.passTime(3);
        const body = await client.call('MoveAccount', { AccountId: account.AccountId, DestinationFolderId: to.FolderId });
        assert.deepEqual(Object.keys(body), ['RequestId']);
        const moved = await getAccount(account.AccountId);
        assert.equal(moved.FolderId, to.FolderId);
        assert.ok(moved.ModifyTime > account.ModifyTime);
        assert.equal(moved.ResourceDirectoryPath, `${rd.ResourceDirectoryId}/${rd.RootFolderId}/${from.FolderId}/${to.FolderId}/${account.AccountId}`);
        server.clock.passTime(3);
        await client.call('MoveAccount', { AccountId: account.AccountId, DestinationFolderId: to.FolderId });
        assert.equal((await getAccount(account.AccountId)).ModifyTime, moved.ModifyTime);
        await client.call('MoveAccount', { AccountId: account.AccountId, DestinationFolderId: rd.RootFolderId });
        assert.equal((await getAccount(account.AccountId)).FolderId, rd.RootFolderId);

        await expectError(client.call('MoveAccount', { DestinationFolderId: to.FolderId }), 'MissingParameter.AccountId', 400);
        await expectError(client.call('MoveAccount', { AccountId: 'x', DestinationFolderId: to.FolderId }), 'InvalidParameter.AccountId', 400);
        await expectError(client.call('MoveAccount', { AccountId: account.AccountId }), 'MissingParameter.DestinationFolderId', 400);
        await expectError(client.call('MoveAccount', { AccountId: account.AccountId, DestinationFolderId: 'fd-1' }), 'InvalidParameter.DestinationFolderId', 400);
        await expectError(client.call('MoveAccount', { AccountId: '1000000000000000', DestinationFolderId: to.FolderId }), 'EntityNotExists.Account', 404);
        await expectError(client.call('MoveAccount', { AccountId: account.AccountId, DestinationFolderId: 'fd-0000000000' }), 'EntityNotExists.Folder', 404);
      });

      test('MoveAccount answers 429 while a contact being deleted is bound to the source or destination chain, the directory or the account', async () => {
        const db = server.store.tree.db;
        const top = await createFolder();
        const source = await createFolder({ ParentFolderId: top.FolderId });
        const dest = await createFolder();
        const elsewhere = await createFolder();
        const account = await createAccount({ ParentFolderId: source.FolderId });
        let contacts = 0;
        const deletingContactOn = async (memberId: string, kind: 'directory' | 'folder' | 'account') => {
          const added = await client.call('AddMessageContact', {
            Name: `mover${'abcdefghij'[contacts++]}`,
            EmailAddress: 'ops@example.com',
            Title: 'TechnicalDirector',
            MessageTypes: ['AccountExpenses'],
          });
          const contactId = added.Contact.ContactId as string;
          await bindContact(server.store, contactId, memberId, kind);
          await db.updateTable('contacts').set({ lifecycle: 'Deleting' }).where('id', '=', contactId).execute();
          return contactId;
        };
        const release = (contactId: string) => db.updateTable('contacts').set({ lifecycle: 'Live' }).where('id', '=', contactId).execute();
        const move = () => client.call('MoveAccount', { AccountId: account.AccountId, DestinationFolderId: dest.FolderId });

        // A Deleting contact bound somewhere unrelated does not block.
        const unrelated = await deletingContactOn(elsewhere.FolderId, 'folder');
        for (const [memberId, kind] of [
          [top.FolderId, 'folder'],
          [source.FolderId, 'folder'],
          [dest.FolderId, 'folder'],
          [rd.ResourceDirectoryId, 'directory'],
          [account.AccountId, 'account'],
        ] as const) {
          const contactId = await deletingContactOn(memberId, kind);
          await expectError(move(), 'ConcurrentCallNotSupported', 429);
          assert.equal((await getAccount(account.AccountId)).FolderId, source.FolderId);
          await release(contactId);
        }
        await move();
        assert.equal((await getAccount(account.AccountId)).FolderId, dest.FolderId);
        await release(unrelated);
      });

      test('RemoveCloudAccount: only a CloudAccount; the row stays Removed, invisible, its retained recipients gone', async () => {
        const db = server.store.tree.db;
        const account = await createAccount({ DisplayName: 'Leaving Soon', 'Tag.1.Key': 'k' });
        await expectError(client.call('RemoveCloudAccount', { AccountId: account.AccountId }), 'AccountTypeOrStatusMismatch', 409);
        await client.call('UpdateAccount', { AccountId: account.AccountId, NewAccountType: 'CloudAccount' });
        await db
          .insertInto('retained_recipients')
          .values({
            account_id: account.AccountId,
            contact_id: 'c-0000000000000000',
            message_type: 'AccountExpenses',
            name: 'Kept',
            email: 'kept@example.com',
            phone: null,
            retained_at: new Date().toISOString(),
          })
          .execute();

        const body = await client.call('RemoveCloudAccount', { AccountId: account.AccountId });
        assert.deepEqual(Object.keys(body), ['RequestId']);
        await expectError(client.call('GetAccount', { AccountId: account.AccountId }), 'EntityNotExists.Account', 404);
        const listed = await client.call('ListAccounts', { PageSize: 100 });
        assert.ok(!listed.Accounts.Account.some((x: any) => x.AccountId === account.AccountId));
        const row = await db.selectFrom('members').selectAll().where('id', '=', account.AccountId).executeTakeFirstOrThrow();
        assert.equal(row.status, 'Removed');
        assert.ok(row.removed_at);
        assert.deepEqual(await db.selectFrom('retained_recipients').selectAll().where('account_id', '=', account.AccountId).execute(), []);
        // Its display name is free again; everything else on it answers 404.
        await createAccount({ DisplayName: 'Leaving Soon' });
        await expectError(client.call('RemoveCloudAccount', { AccountId: account.AccountId }), 'EntityNotExists.Account', 404);
        await expectError(client.call('MoveAccount', { AccountId: account.AccountId, DestinationFolderId: rd.RootFolderId }), 'EntityNotExists.Account', 404);
        await expectError(client.call('UpdateAccount', { AccountId: account.AccountId, NewDisplayName: 'Back Again' }), 'EntityNotExists.Account', 404);

        await expectError(client.call('RemoveCloudAccount', {}), 'MissingParameter.AccountId', 400);
        await expectError(client.call('RemoveCloudAccount', { AccountId: '01' }), 'InvalidParameter.AccountId', 400);
        await expectError(client.call('RemoveCloudAccount', { AccountId: '1000000000000000' }), 'EntityNotExists.Account', 404);
      });

      test("tenancy: another tenant's accounts answer EntityNotExists.Account; its folders EntityNotExists.Folder", async () => {
        const other = plain(apiClient(clientName, server.endpoint, await server.newTenant()));
        const theirs = (await other.call('CreateResourceAccount', { DisplayName: 'Their Account', AccountNamePrefix: 'same-prefix' })).Account;
        const theirFolder = (await other.call('CreateFolder', { FolderName: 'theirs' })).Folder;
        // Display names and prefixes are per directory.
        const mine = await createAccount({ DisplayName: 'Their Account', AccountNamePrefix: 'same-prefix' });
        await expectError(client.call('GetAccount', { AccountId: theirs.AccountId }), 'EntityNotExists.Account', 404);
        await expectError(client.call('UpdateAccount', { AccountId: theirs.AccountId, NewDisplayName: 'Mine Now' }), 'EntityNotExists.Account', 404);
        await expectError(client.call('MoveAccount', { AccountId: theirs.AccountId, DestinationFolderId: rd.RootFolderId }), 'EntityNotExists.Account', 404);
        await expectError(client.call('MoveAccount', { AccountId: mine.AccountId, DestinationFolderId: theirFolder.FolderId }), 'EntityNotExists.Folder', 404);
        await expectError(client.call('RemoveCloudAccount', { AccountId: theirs.AccountId }), 'EntityNotExists.Account', 404);
        await expectError(client.call('CreateResourceAccount', { DisplayName: 'Intruder', ParentFolderId: theirFolder.FolderId }), 'EntityNotExists.Folder', 404);
        await expectError(client.call('ListAccountsForParent', { ParentFolderId: theirFolder.FolderId }), 'EntityNotExists.Folder', 404);
        await expectError(
          client.call('CreateResourceAccount', { DisplayName: 'Payer Probe', PayerAccountId: theirs.AccountId }),
          'NotSupport.PayerAccountInAnotherResourceDirectory',
          409,
        );
        const theirList = await other.call('ListAccounts', { PageSize: 100 });
        assert.deepEqual(theirList.Accounts.Account.map((x: any) => x.AccountId), [theirs.AccountId]);
      });
    });
  }

  describe(`directory member quota [${backend.name}]`, () => {
    test('LimitExceeded.Account at maxMembersPerDirectory; a removed account frees its slot', async () => {
      const server = await startServer({ backend, config: { maxMembersPerDirectory: 2 } });
      try {
        const client = apiClient('openapi-v3', server.endpoint, server.credentials);
        const first = (await client.call('CreateResourceAccount', { DisplayName: 'One One' })).Account;
        await client.call('CreateResourceAccount', { DisplayName: 'Two Two' });
        await expectError(client.call('CreateResourceAccount', { DisplayName: 'Three Three' }), 'LimitExceeded.Account', 409);
        await expectError(client.call('CreateResourceAccount', { DisplayName: 'Three Three', DryRun: 'true' }), 'LimitExceeded.Account', 409);
        // Uniqueness is checked before the quota.
        await expectError(client.call('CreateResourceAccount', { DisplayName: 'One One' }), 'InvalidParameter.Account.DisplayName.AlreadyUsed', 409);
        await client.call('UpdateAccount', { AccountId: first.AccountId, NewAccountType: 'CloudAccount' });
        await client.call('RemoveCloudAccount', { AccountId: first.AccountId });
        await client.call('CreateResourceAccount', { DisplayName: 'Three Three' });
        const other = apiClient('openapi-v3', server.endpoint, await server.newTenant());
        await other.call('CreateResourceAccount', { DisplayName: 'Four Four' });
      } finally {
        await server.close();
      }
    });
  });
}

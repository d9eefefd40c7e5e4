/**
 * The directory family's wrapped lists (`{"Folders":{"Folder":[…]}}`, `{"Accounts":{"Account":[…]}}`,
 * item `Tags:{Tag:[…]}`) and GetAccount's bare `Tags` array, read back by all four official clients
 * without loss; ListAccounts paging (page numbers and NextToken keyset); one wrapped list as XML.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { type ApiClient, apiClient, clientNames, failure, plain } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { startServer, type TestServer } from '../support/server.js';
import { send, signRpc } from '../wire/raw-request.js';


for (const backend of backends) {
  describe(`directory list shapes [${backend.name}]`, () => {
    let server: TestServer;
    let clients: ApiClient[];
    let client: ApiClient;
    let rd: Record<string, any>;
    let parent: Record<string, any>;
    let child: Record<string, any>;
    const accounts: Record<string, any>[] = [];

    before(async () => {
      server = await startServer({ backend });
      clients = clientNames.map((name) => plain(apiClient(name, server.endpoint, server.credentials)));
      client = clients[0]!;
      rd = (await client.call('GetResourceDirectory')).ResourceDirectory;
      parent = (await client.call('CreateFolder', { FolderName: 'Parent', 'Tag.1.Key': 'env', 'Tag.1.Value': 'prod', 'Tag.2.Key': 'team', 'Tag.2.Value': 'ops' })).Folder;
      child = (await client.call('CreateFolder', { FolderName: 'Child', ParentFolderId: parent.FolderId })).Folder;
      await client.call('CreateFolder', { FolderName: 'Plain' });
      for (let i = 0; i < 5; i++) {
        const tags: Record<string, string> = i % 2 === 0 ? { 'Tag.1.Key': 'cost', 'Tag.1.Value': `cc-${i}`, 'Tag.2.Key': 'shared', 'Tag.2.Value': 'yes' } : {};
        accounts.push(
          (await client.call('CreateResourceAccount', {
            DisplayName: `Account ${i}`,
            AccountNamePrefix: `acct-${i}`,
            ParentFolderId: i < 3 ? child.FolderId : rd.RootFolderId,
            ...tags,
          })).Account,
        );
      }
    });
    after(() => server.close());

    /** Calls through every client and checks they all read back the same body (RequestId aside). */
    async function sameThroughAll(action: string, params: Record<string, string | number | boolean> = {}) {
      const bodies = [];
      for (const each of clients) {
        const { RequestId, ...body } = await each.call(action, params);
        assert.match(RequestId, /^[0-9A-F-]{36}$/);
        bodies.push(body);
      }
      for (let i = 1; i < bodies.length; i++) assert.deepEqual(bodies[i], bodies[0], `${clients[i]!.name} reads ${action} like ${clients[0]!.name}`);
      return bodies[0]!;
    }

    test('ListFoldersForParent: Folders.Folder[] with Tags.Tag[] per item, through all four clients', async () => {
      const body = await sameThroughAll('ListFoldersForParent', {});
      assert.equal(body.TotalCount, 2);
      assert.deepEqual(body.Folders.Folder, [
        { FolderId: parent.FolderId, FolderName: 'Parent', CreateTime: parent.CreateTime, Tags: { Tag: [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'ops' }] } },
        { FolderId: body.Folders.Folder[1].FolderId, FolderName: 'Plain', CreateTime: body.Folders.Folder[1].CreateTime, Tags: { Tag: [] } },
      ]);
      // One item is still an array, and an empty list is a wrapper around an empty array.
      const one = await sameThroughAll('ListFoldersForParent', { ParentFolderId: parent.FolderId });
      assert.ok(Array.isArray(one.Folders.Folder));
      assert.equal(one.Folders.Folder.length, 1);
      const none = await sameThroughAll('ListFoldersForParent', { ParentFolderId: child.FolderId });
      assert.deepEqual(none.Folders, { Folder: [] });
      assert.equal(none.TotalCount, 0);
    });

    test('ListAncestors: Folders.Folder[] without paging fields, through all four clients', async () => {
      const body = await sameThroughAll('ListAncestors', { ChildId: child.FolderId });
      assert.deepEqual(Object.keys(body), ['Folders']);
      assert.deepEqual(body.Folders.Folder.map((f: any) => [f.FolderId, f.FolderName]), [
        [rd.RootFolderId, 'root'],
        [parent.FolderId, 'Parent'],
      ]);
      assert.deepEqual((await sameThroughAll('ListAncestors', { ChildId: parent.FolderId })).Folders.Folder.length, 1);
    });

    test('ListAccounts: Accounts.Account[] with path and Tags.Tag[] (IncludeTags), through all four clients', async () => {
      const body = await sameThroughAll('ListAccounts', { IncludeTags: true });
      assert.equal(body.TotalCount, 5);
      assert.equal(body.PageNumber, 1);
      assert.equal(body.PageSize, 10);
      assert.equal(body.NextToken, undefined);
      assert.deepEqual(
        body.Accounts.Account,
        accounts.map((account, i) => ({
          ...account,
          ResourceDirectoryPath:
            i < 3
              ? `${rd.ResourceDirectoryId}/${rd.RootFolderId}/${parent.FolderId}/${child.FolderId}/${account.AccountId}`
              : `${rd.ResourceDirectoryId}/${rd.RootFolderId}/${account.AccountId}`,
          Tags: { Tag: i % 2 === 0 ? [{ Key: 'cost', Value: `cc-${i}` }, { Key: 'shared', Value: 'yes' }] : [] },
        })),
      );
      const untagged = await sameThroughAll('ListAccounts', {});
      assert.ok(untagged.Accounts.Account.every((a: any) => !('Tags' in a)));
    });

    test('ListAccountsForParent: Accounts.Account[] without path, through all four clients', async () => {
      const body = await sameThroughAll('ListAccountsForParent', { ParentFolderId: child.FolderId, IncludeTags: true });
      assert.equal(body.TotalCount, 3);
      assert.deepEqual(body.Accounts.Account, [
        { ...accounts[0], Tags: { Tag: [{ Key: 'cost', Value: 'cc-0' }, { Key: 'shared', Value: 'yes' }] } },
        { ...accounts[1], Tags: { Tag: [] } },
        { ...accounts[2], Tags: { Tag: [{ Key: 'cost', Value: 'cc-2' }, { Key: 'shared', Value: 'yes' }] } },
      ]);
    });

    test('GetAccount: Tags is a bare array, through all four clients', async () => {
      const body = await sameThroughAll('GetAccount', { AccountId: accounts[0]!.AccountId, IncludeTags: true });
      assert.deepEqual(body.Account.Tags, [{ Key: 'cost', Value: 'cc-0' }, { Key: 'shared', Value: 'yes' }]);
      assert.equal(body.Account.HasSecureMobilePhone, false);
      const one = await sameThroughAll('GetAccount', { AccountId: accounts[1]!.AccountId, IncludeTags: true });
      assert.deepEqual(one.Account.Tags, []);
    });

    test('ListAccounts filters: keyword on display name, account name or ID (case-insensitive); tags ANDed', async () => {
      const ids = async (params: Record<string, string>) => (await client.call('ListAccounts', params)).Accounts.Account.map((a: any) => a.AccountId);
      assert.deepEqual(await ids({ QueryKeyword: 'account 3' }), [accounts[3]!.AccountId]);
      assert.deepEqual(await ids({ QueryKeyword: 'ACCT-4' }), [accounts[4]!.AccountId]);
      assert.deepEqual(await ids({ QueryKeyword: accounts[2]!.AccountId.slice(3, 12) }), [accounts[2]!.AccountId]);
      assert.deepEqual(await ids({ 'Tag.1.Key': 'shared' }), [0, 2, 4].map((i) => accounts[i]!.AccountId));
      assert.deepEqual(await ids({ 'Tag.1.Key': 'shared', 'Tag.2.Key': 'cost', 'Tag.2.Value': 'cc-2' }), [accounts[2]!.AccountId]);
      assert.deepEqual(await ids({ 'Tag.1.Key': 'shared', 'Tag.1.Value': 'no' }), []);
    });

    test('ListAccounts paging: page numbers; NextToken keyset pages to the end, then no NextToken', async () => {
      const page2 = await client.call('ListAccounts', { PageSize: 2, PageNumber: 2 });
      assert.equal(page2.TotalCount, 5);
      assert.equal(page2.PageNumber, 2);
      assert.equal(page2.PageSize, 2);
      assert.equal(page2.NextToken, undefined);
      assert.deepEqual(page2.Accounts.Account.map((a: any) => a.AccountId), [accounts[2]!.AccountId, accounts[3]!.AccountId]);

      for (const each of clients) {
        const seen: string[] = [];
        let token: string | undefined;
        let calls = 0;
        do {
          const body = await each.call('ListAccounts', { MaxResults: 2, ...(token ? { NextToken: token } : {}) });
          assert.equal(body.TotalCount, 5);
          assert.equal(body.PageSize, 2);
          seen.push(...body.Accounts.Account.map((a: any) => a.AccountId));
          token = body.NextToken;
          assert.ok(++calls <= 3, 'three pages at most');
        } while (token);
        assert.equal(calls, 3, each.name);
        assert.deepEqual(seen, accounts.map((a) => a.AccountId), each.name);
      }

      // Exactly MaxResults left: the last page has no NextToken.
      const firstFive = await client.call('ListAccounts', { MaxResults: 5 });
      assert.equal(firstFive.Accounts.Account.length, 5);
      assert.equal(firstFive.NextToken, undefined);
      // MaxResults wins over PageNumber; a NextToken alone also selects token mode (10 a page).
      const tokenWins = await client.call('ListAccounts', { MaxResults: 4, PageNumber: 2, PageSize: 1 });
      assert.equal(tokenWins.Accounts.Account[0].AccountId, accounts[0]!.AccountId);
      assert.equal(tokenWins.Accounts.Account.length, 4);
      const rest = await client.call('ListAccounts', { NextToken: tokenWins.NextToken });
      assert.deepEqual(rest.Accounts.Account.map((a: any) => a.AccountId), [accounts[4]!.AccountId]);
      assert.equal(rest.PageSize, 10);

      for (const [params, code] of [
        [{ MaxResults: 0 }, 'InvalidParameter.MaxResults'],
        [{ MaxResults: 101 }, 'InvalidParameter.MaxResults'],
        [{ MaxResults: 'ten' }, 'InvalidParameter.MaxResults'],
        [{ NextToken: 'not-a-token' }, 'InvalidParameter.NextToken'],
        [{ NextToken: Buffer.from('["x","y"]').toString('base64url') }, 'InvalidParameter.NextToken'],
        [{ PageSize: 101 }, 'InvalidParameter.PageSize'],
        [{ PageNumber: 0 }, 'InvalidParameter.PageNumber'],
        [{ IncludeTags: 'sometimes' }, 'InvalidParameter.IncludeTags'],
        [{ 'Tag.1.Key': 'aliyun:x' }, 'InvalidParameter.Tag'],
      ] as const) {
        const error = await failure(client.call('ListAccounts', params));
        assert.equal(error.code, code, JSON.stringify(params));
        assert.equal(error.statusCode, 400);
      }
    });

    test('XML: a wrapped list renders as <Folders><Folder>…</Folder></Folders>, item tags as <Tags><Tag>', async () => {
      const response = await send(
        server.endpoint,
        signRpc({ key: server.credentials, format: 'XML', action: 'ListFoldersForParent', params: {} }),
      );
      assert.equal(response.status, 200, response.text);
      assert.equal(response.headers['content-type'], 'text/xml;charset=utf-8');
      assert.ok(response.text.includes('<Folders><Folder><FolderId>'), response.text);
      assert.ok(!response.text.includes('<Item>'), response.text);
      const parsed = new XMLParser({ isArray: (name) => name === 'Folder' || name === 'Tag' }).parse(response.text).ListFoldersForParentResponse;
      assert.equal(parsed.Folders.Folder.length, 2);
      assert.equal(parsed.Folders.Folder[0].FolderId, parent.FolderId);
      assert.deepEqual(parsed.Folders.Folder[0].Tags.Tag, [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'ops' }]);

      const account = await send(
        server.endpoint,
        signRpc({ key: server.credentials, format: 'XML', action: 'GetAccount', params: { AccountId: accounts[0]!.AccountId, IncludeTags: 'true' } }),
      );
      assert.ok(account.text.includes('<Tags><Tag><Key>cost</Key><Value>cc-0</Value></Tag><Tag><Key>shared</Key>'), account.text);
      const empty = await send(
        server.endpoint,
        signRpc({ key: server.credentials, format: 'XML', action: 'ListAncestors', params: { ChildId: rd.RootFolderId } }),
      );
      assert.ok(empty.text.includes('<Folders></Folders>'), empty.text);
    });
  });
}

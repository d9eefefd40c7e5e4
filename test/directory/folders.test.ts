/**
 * The resource directory and its folders through the official clients: GetResourceDirectory,
 * EnableResourceDirectory, CreateFolder, GetFolder, UpdateFolder, DeleteFolder, ListFoldersForParent,
 * ListAncestors — shapes, rules, limits, error codes and tenancy. Runs per backend and per client.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiClient, type ClientName, apiClient, expectError, plain } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { startServer, type TestServer } from '../support/server.js';
import { addMember, bindContact } from '../support/tree-fixtures.js';

const isoMillis = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const folderIdShape = /^fd-[A-Za-z0-9]{10}$/;
const clients: ClientName[] = ['openapi-v3', 'pop-get'];


for (const backend of backends) {
  for (const clientName of clients) {
    describe(`directory folders [${backend.name}, ${clientName}]`, () => {
      let server: TestServer;
      let client: ApiClient;
      let rd: Record<string, any>;
      let names = 0;
      const nextName = () => `folder-${names++}`;

      before(async () => {
        server = await startServer({ backend, config: { maxFoldersPerDirectory: 100 } });
        client = plain(apiClient(clientName, server.endpoint, server.credentials));
        rd = (await client.call('GetResourceDirectory')).ResourceDirectory;
      });
      after(() => server.close());

      const create = async (params: Record<string, string> = {}) =>
        (await client.call('CreateFolder', { FolderName: nextName(), ...params })).Folder as Record<string, any>;

      test('GetResourceDirectory answers the directory of the key, with Root and the management account', async () => {
        const body = await client.call('GetResourceDirectory');
        assert.match(body.RequestId, /^[0-9A-F-]{36}$/);
        assert.equal(body.Code, undefined);
        assert.deepEqual(Object.keys(body.ResourceDirectory).sort(), [
          'ControlPolicyStatus',
          'CreateTime',
          'MasterAccountId',
          'MasterAccountName',
          'MemberAccountDisplayNameSyncStatus',
          'MemberDeletionStatus',
          'ResourceDirectoryId',
          'RootFolderId',
        ]);
        assert.equal(body.ResourceDirectory.ResourceDirectoryId, server.credentials.directoryId);
        assert.equal(body.ResourceDirectory.MasterAccountId, server.credentials.accountId);
        assert.equal(body.ResourceDirectory.MasterAccountName, 'management');
        assert.match(body.ResourceDirectory.RootFolderId, /^r-[A-Za-z0-9]{6}$/);
        assert.match(body.ResourceDirectory.CreateTime, isoMillis);
        assert.equal(body.ResourceDirectory.ControlPolicyStatus, 'Disabled');
      });

      test('EnableResourceDirectory: EnableMode is checked, then the directory always exists (409)', async () => {
        await expectError(client.call('EnableResourceDirectory', {}), 'MissingParameter.EnableMode', 400);
        await expectError(client.call('EnableResourceDirectory', { EnableMode: 'Other' }), 'InvalidParameter.EnableMode', 400);
        await expectError(client.call('EnableResourceDirectory', { EnableMode: 'CurrentAccount' }), 'EntityAlreadyExists.ResourceDirectory', 409);
        await expectError(
          client.call('EnableResourceDirectory', { EnableMode: 'NewManagementAccount', MAName: 'x@rdadmin.aliyunid.com', DryRun: 'true' }),
          'EntityAlreadyExists.ResourceDirectory',
          409,
        );
        await expectError(client.call('EnableResourceDirectory', { EnableMode: 'CurrentAccount', DryRun: 'maybe' }), 'InvalidParameter.DryRun', 400);
      });

      test('CreateFolder under Root (default) answers the four fields; GetFolder adds the path', async () => {
        const folder = await create({ FolderName: 'Applications' });
        assert.deepEqual(Object.keys(folder).sort(), ['CreateTime', 'FolderId', 'FolderName', 'ParentFolderId']);
        assert.match(folder.FolderId, folderIdShape);
        assert.equal(folder.FolderName, 'Applications');
        assert.equal(folder.ParentFolderId, rd.RootFolderId);
        assert.match(folder.CreateTime, isoMillis);

        const got = (await client.call('GetFolder', { FolderId: folder.FolderId })).Folder;
        assert.deepEqual(got, { ...folder, ResourceDirectoryPath: `${rd.ResourceDirectoryId}/${rd.RootFolderId}/${folder.FolderId}` });

        const child = await create({ ParentFolderId: folder.FolderId, FolderName: '应用-1_a.b' });
        assert.equal(child.ParentFolderId, folder.FolderId);
        const gotChild = (await client.call('GetFolder', { FolderId: child.FolderId })).Folder;
        assert.equal(gotChild.ResourceDirectoryPath, `${rd.ResourceDirectoryId}/${rd.RootFolderId}/${folder.FolderId}/${child.FolderId}`);
      });

      test('GetFolder on Root answers Root without ParentFolderId', async () => {
        const root = (await client.call('GetFolder', { FolderId: rd.RootFolderId })).Folder;
        assert.equal(root.FolderId, rd.RootFolderId);
        assert.equal(root.FolderName, 'root');
        assert.equal(root.ParentFolderId, undefined);
        assert.equal(root.ResourceDirectoryPath, `${rd.ResourceDirectoryId}/${rd.RootFolderId}`);
      });

      test('CreateFolder errors: name missing, malformed, too long, taken under the parent; parent malformed or unknown; tags', async () => {
        await expectError(client.call('CreateFolder', {}), 'MissingParameter.Folder.Name', 400);
        await expectError(client.call('CreateFolder', { FolderName: 'bad name' }), 'InvalidParameter.Folder.Name', 400);
        await expectError(client.call('CreateFolder', { FolderName: 'a'.repeat(25) }), 'InvalidParameter.Folder.Name.Length', 400);
        await expectError(client.call('CreateFolder', { FolderName: 'ok', ParentFolderId: 'fd-short' }), 'InvalidParameter.ParentFolderId', 400);
        await expectError(client.call('CreateFolder', { FolderName: 'ok', ParentFolderId: 'fd-0000000000' }), 'EntityNotExists.Folder', 404);
        // Malformed beats length: the name is checked for characters first.
        await expectError(client.call('CreateFolder', { FolderName: '!'.repeat(30) }), 'InvalidParameter.Folder.Name', 400);

        const first = await create({ FolderName: 'Shared' });
        await expectError(client.call('CreateFolder', { FolderName: 'Shared' }), 'InvalidParameter.Folder.Name.AlreadyUsed', 400);
        // Unique under the same parent only, and case-sensitive.
        await create({ FolderName: 'Shared', ParentFolderId: first.FolderId });
        await create({ FolderName: 'shared' });

        for (const tags of [
          { 'Tag.1.Value': 'v' },
          { 'Tag.1.Key': 'aliyun-x', 'Tag.1.Value': 'v' },
          { 'Tag.1.Key': 'acs:x' },
          { 'Tag.1.Key': 'k', 'Tag.1.Value': 'acs:v' },
          { 'Tag.1.Key': 'k', 'Tag.1.Value': 'see https://example.com' },
          { 'Tag.1.Key': 'k'.repeat(129) },
          { 'Tag.1.Key': 'k', 'Tag.2.Key': 'k' },
          Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`Tag.${i + 1}.Key`, `k${i}`])),
        ]) {
          await expectError(client.call('CreateFolder', { FolderName: nextName(), ...tags }), 'InvalidParameter.Tag', 400);
        }
      });

      test('two CreateFolder calls with one name at once: exactly one wins, the other answers AlreadyUsed', async () => {
        const results = await Promise.allSettled([
          client.call('CreateFolder', { FolderName: 'Racing' }),
          client.call('CreateFolder', { FolderName: 'Racing' }),
        ]);
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        assert.equal(rejected.reason.code, 'InvalidParameter.Folder.Name.AlreadyUsed');
      });

      test('folder depth: 5 levels under Root, the 6th answers LimitExceeded.Folder.Depth', async () => {
        let parent = rd.RootFolderId as string;
        for (let level = 1; level <= 5; level++) parent = (await create({ ParentFolderId: parent })).FolderId;
        await expectError(client.call('CreateFolder', { FolderName: 'too-deep', ParentFolderId: parent }), 'LimitExceeded.Folder.Depth', 409);
        const ancestors = (await client.call('ListAncestors', { ChildId: parent })).Folders.Folder;
        assert.equal(ancestors.length, 5);
        assert.equal(ancestors[0].FolderId, rd.RootFolderId);
      });

      test('UpdateFolder renames; same name is a no-op; Root and errors', async () => {
        const folder = await create();
        const sibling = await create();
        const renamed = (await client.call('UpdateFolder', { FolderId: folder.FolderId, NewFolderName: 'Renamed' })).Folder;
        assert.deepEqual(renamed, { ...folder, FolderName: 'Renamed' });
        assert.equal((await client.call('GetFolder', { FolderId: folder.FolderId })).Folder.FolderName, 'Renamed');
        assert.deepEqual((await client.call('UpdateFolder', { FolderId: folder.FolderId, NewFolderName: 'Renamed' })).Folder.FolderName, 'Renamed');

        await expectError(client.call('UpdateFolder', { NewFolderName: 'x' }), 'MissingParameter.FolderId', 400);
        await expectError(client.call('UpdateFolder', { FolderId: 'folder-1', NewFolderName: 'x' }), 'InvalidParameter.FolderId', 400);
        await expectError(client.call('UpdateFolder', { FolderId: rd.RootFolderId, NewFolderName: 'x' }), 'InvalidParameter.FolderId', 400);
        await expectError(client.call('UpdateFolder', { FolderId: folder.FolderId }), 'MissingParameter.Folder.Name', 400);
        await expectError(client.call('UpdateFolder', { FolderId: folder.FolderId, NewFolderName: 'a b' }), 'InvalidParameter.Folder.Name', 400);
        await expectError(client.call('UpdateFolder', { FolderId: folder.FolderId, NewFolderName: 'a'.repeat(25) }), 'InvalidParameter.Folder.Name.Length', 400);
        await expectError(
          client.call('UpdateFolder', { FolderId: folder.FolderId, NewFolderName: sibling.FolderName }),
          'InvalidParameter.Folder.Name.AlreadyUsed',
          400,
        );
        await expectError(client.call('UpdateFolder', { FolderId: 'fd-0000000000', NewFolderName: 'x' }), 'EntityNotExists.Folder', 404);
      });

      test('DeleteFolder: only an empty folder; its tags, ancestry rows and bindings go with it', async () => {
        const parent = await create({ 'Tag.1.Key': 'team', 'Tag.1.Value': 'ops' });
        const child = await create({ ParentFolderId: parent.FolderId });
        await expectError(client.call('DeleteFolder', { FolderId: parent.FolderId }), 'DeleteConflict.Folder.SubFolder', 409);
        const member = await addMember(server.store, rd.ResourceDirectoryId, child.FolderId, `m${names++}x`);
        await expectError(client.call('DeleteFolder', { FolderId: child.FolderId }), 'DeleteConflict.Folder.Account', 409);
        await server.store.tree.db.deleteFrom('members').where('id', '=', member).execute();

        const contact = await client.call('AddMessageContact', {
          Name: `del${clientName.replace(/[^a-z]/g, '')}`,
          EmailAddress: 'ops@example.com',
          Title: 'TechnicalDirector',
          MessageTypes: ['AccountExpenses'],
        });
        await bindContact(server.store, contact.Contact.ContactId, child.FolderId, 'folder');
        await bindContact(server.store, contact.Contact.ContactId, parent.FolderId, 'folder');

        assert.deepEqual(await client.call('DeleteFolder', { FolderId: child.FolderId }).then((b) => Object.keys(b)), ['RequestId']);
        await expectError(client.call('GetFolder', { FolderId: child.FolderId }), 'EntityNotExists.Folder', 404);
        await client.call('DeleteFolder', { FolderId: parent.FolderId });

        const db = server.store.tree.db;
        for (const id of [parent.FolderId, child.FolderId]) {
          assert.deepEqual(await db.selectFrom('folder_ancestors').selectAll().where((eb) => eb.or([eb('folder_id', '=', id), eb('ancestor_id', '=', id)])).execute(), []);
          assert.deepEqual(await db.selectFrom('tags').selectAll().where('resource_id', '=', id).execute(), []);
          assert.deepEqual(await db.selectFrom('contact_bindings').selectAll().where('member_id', '=', id).execute(), []);
        }

        await expectError(client.call('DeleteFolder', {}), 'MissingParameter.FolderId', 400);
        await expectError(client.call('DeleteFolder', { FolderId: 'fd-!' }), 'InvalidParameter.FolderId', 400);
        await expectError(client.call('DeleteFolder', { FolderId: rd.RootFolderId }), 'InvalidParameter.FolderId', 400);
        await expectError(client.call('DeleteFolder', { FolderId: child.FolderId }), 'EntityNotExists.Folder', 404);
      });

      test('ListFoldersForParent: direct children, wrapped, tags always, keyword, tag filters, paging', async () => {
        const parent = await create();
        const a = await create({ ParentFolderId: parent.FolderId, FolderName: 'Alpha-Prod', 'Tag.1.Key': 'env', 'Tag.1.Value': 'prod', 'Tag.3.Key': 'team', 'Tag.3.Value': 'ops' });
        const b = await create({ ParentFolderId: parent.FolderId, FolderName: 'beta-dev', 'Tag.1.Key': 'env', 'Tag.1.Value': 'dev' });
        const c = await create({ ParentFolderId: parent.FolderId, FolderName: 'gamma' });
        await create({ ParentFolderId: a.FolderId, FolderName: 'grandchild' });

        const list = await client.call('ListFoldersForParent', { ParentFolderId: parent.FolderId });
        assert.equal(list.TotalCount, 3);
        assert.equal(list.PageNumber, 1);
        assert.equal(list.PageSize, 10);
        assert.deepEqual(list.Folders.Folder, [
          { FolderId: a.FolderId, FolderName: 'Alpha-Prod', CreateTime: a.CreateTime, Tags: { Tag: [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'ops' }] } },
          { FolderId: b.FolderId, FolderName: 'beta-dev', CreateTime: b.CreateTime, Tags: { Tag: [{ Key: 'env', Value: 'dev' }] } },
          { FolderId: c.FolderId, FolderName: 'gamma', CreateTime: c.CreateTime, Tags: { Tag: [] } },
        ]);

        const ids = (body: Record<string, any>) => body.Folders.Folder.map((f: any) => f.FolderId);
        assert.deepEqual(ids(await client.call('ListFoldersForParent', { ParentFolderId: parent.FolderId, QueryKeyword: 'PROD' })), [a.FolderId]);
        assert.deepEqual(ids(await client.call('ListFoldersForParent', { ParentFolderId: parent.FolderId, QueryKeyword: '%' })), []);
        assert.deepEqual(ids(await client.call('ListFoldersForParent', { ParentFolderId: parent.FolderId, 'Tag.1.Key': 'env' })), [a.FolderId, b.FolderId]);
        assert.deepEqual(
          ids(await client.call('ListFoldersForParent', { ParentFolderId: parent.FolderId, 'Tag.1.Key': 'env', 'Tag.1.Value': 'dev' })),
          [b.FolderId],
        );
        assert.deepEqual(
          ids(await client.call('ListFoldersForParent', { ParentFolderId: parent.FolderId, 'Tag.1.Key': 'env', 'Tag.2.Key': 'team', 'Tag.2.Value': 'ops' })),
          [a.FolderId],
        );
        const page2 = await client.call('ListFoldersForParent', { ParentFolderId: parent.FolderId, PageSize: 2, PageNumber: 2 });
        assert.equal(page2.TotalCount, 3);
        assert.deepEqual(ids(page2), [c.FolderId]);
        const beyond = await client.call('ListFoldersForParent', { ParentFolderId: parent.FolderId, PageSize: 2, PageNumber: 5 });
        assert.deepEqual(beyond.Folders, { Folder: [] });

        const fromRoot = await client.call('ListFoldersForParent', { PageSize: 100 });
        assert.ok(ids(fromRoot).includes(parent.FolderId));
        assert.ok(!ids(fromRoot).includes(a.FolderId));

        await expectError(client.call('ListFoldersForParent', { ParentFolderId: 'x' }), 'InvalidParameter.ParentFolderId', 400);
        await expectError(client.call('ListFoldersForParent', { ParentFolderId: 'fd-0000000000' }), 'EntityNotExists.Folder', 404);
        await expectError(client.call('ListFoldersForParent', { PageSize: 101 }), 'InvalidParameter.PageSize', 400);
        await expectError(client.call('ListFoldersForParent', { PageNumber: 0 }), 'InvalidParameter.PageNumber', 400);
        await expectError(client.call('ListFoldersForParent', { 'Tag.1.Value': 'v' }), 'InvalidParameter.Tag', 400);
      });

      test('ListAncestors: top-down from Root, child excluded, no paging; Root has none', async () => {
        const one = await create();
        const two = await create({ ParentFolderId: one.FolderId });
        const three = await create({ ParentFolderId: two.FolderId });
        const body = await client.call('ListAncestors', { ChildId: three.FolderId });
        assert.deepEqual(Object.keys(body).sort(), ['Folders', 'RequestId']);
        const root = (await client.call('GetFolder', { FolderId: rd.RootFolderId })).Folder;
        assert.deepEqual(body.Folders.Folder, [
          { FolderId: rd.RootFolderId, FolderName: 'root', CreateTime: root.CreateTime },
          { FolderId: one.FolderId, FolderName: one.FolderName, CreateTime: one.CreateTime },
          { FolderId: two.FolderId, FolderName: two.FolderName, CreateTime: two.CreateTime },
        ]);
        assert.deepEqual((await client.call('ListAncestors', { ChildId: rd.RootFolderId })).Folders, { Folder: [] });
        await expectError(client.call('ListAncestors', {}), 'MissingParameter.ChildId', 400);
        await expectError(client.call('ListAncestors', { ChildId: '123' }), 'InvalidParameter.ChildId', 400);
        await expectError(client.call('ListAncestors', { ChildId: 'fd-0000000000' }), 'EntityNotExists.Folder', 404);
      });

      test("tenancy: another tenant's folders answer EntityNotExists.Folder everywhere", async () => {
        const other = plain(apiClient(clientName, server.endpoint, await server.newTenant()));
        const otherRd = (await other.call('GetResourceDirectory')).ResourceDirectory;
        assert.notEqual(otherRd.ResourceDirectoryId, rd.ResourceDirectoryId);
        const theirs = (await other.call('CreateFolder', { FolderName: 'theirs' })).Folder;
        const mine = await create({ FolderName: 'theirs' }); // names are per directory
        await expectError(client.call('GetFolder', { FolderId: theirs.FolderId }), 'EntityNotExists.Folder', 404);
        await expectError(client.call('GetFolder', { FolderId: otherRd.RootFolderId }), 'EntityNotExists.Folder', 404);
        await expectError(client.call('UpdateFolder', { FolderId: theirs.FolderId, NewFolderName: 'x' }), 'EntityNotExists.Folder', 404);
        await expectError(client.call('DeleteFolder', { FolderId: theirs.FolderId }), 'EntityNotExists.Folder', 404);
        await expectError(client.call('CreateFolder', { FolderName: 'x', ParentFolderId: theirs.FolderId }), 'EntityNotExists.Folder', 404);
        await expectError(client.call('ListFoldersForParent', { ParentFolderId: theirs.FolderId }), 'EntityNotExists.Folder', 404);
        await expectError(client.call('ListAncestors', { ChildId: theirs.FolderId }), 'EntityNotExists.Folder', 404);
        assert.equal((await other.call('GetFolder', { FolderId: theirs.FolderId })).Folder.FolderName, 'theirs');
        assert.ok(!(await other.call('ListFoldersForParent', { PageSize: 100 })).Folders.Folder.some((f: any) => f.FolderId === mine.FolderId));
      });
    });
  }

  describe(`directory folder quota [${backend.name}]`, () => {
    test('QuotaExceeded.Folder.Count once the directory holds maxFoldersPerDirectory folders (Root not counted)', async () => {
      const server = await startServer({ backend, config: { maxFoldersPerDirectory: 3 } });
      try {
        const client = apiClient('openapi-v3', server.endpoint, server.credentials);
        const first = (await client.call('CreateFolder', { FolderName: 'one' })).Folder;
        await client.call('CreateFolder', { FolderName: 'two', ParentFolderId: first.FolderId });
        await client.call('CreateFolder', { FolderName: 'three' });
        await expectError(client.call('CreateFolder', { FolderName: 'four' }), 'QuotaExceeded.Folder.Count', 409);
        // The name check comes before the quota.
        await expectError(client.call('CreateFolder', { FolderName: 'one' }), 'InvalidParameter.Folder.Name.AlreadyUsed', 400);
        // Deleting a folder frees its slot.
        const three = (await client.call('ListFoldersForParent', { QueryKeyword: 'three' })).Folders.Folder[0];
        await client.call('DeleteFolder', { FolderId: three.FolderId });
        await client.call('CreateFolder', { FolderName: 'four' });
        // Another tenant has its own quota.
        const other = apiClient('openapi-v3', server.endpoint, await server.newTenant());
        await other.call('CreateFolder', { FolderName: 'four' });
      } finally {
        await server.close();
      }
    });
  });
}

/**
 * The audit trail names who made each change: the principal (`root` or `user/<UserName>`), the
 * AccessKey, the action, the resource and the changed fields — for contacts, the directory and RAM
 * alike, each in the transaction of its change, and never a secret or a password.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRamServices, type RamServices } from '../../src/domain/identities/services.js';
import type { Tenant } from '../../src/domain/tenant.js';
import { apiClient, plain } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { startServer, type TestServer } from '../support/server.js';

for (const backend of backends) {
  describe(`the audit trail names the principal [${backend.name}]`, () => {
    let server: TestServer;
    let ram: RamServices;
    let tenant: Tenant;

    before(async () => {
      server = await startServer({ backend });
      const { accountId, directoryId } = server.credentials;
      tenant = { accountId, directoryId, actor: 'cli' };
      ram = createRamServices(server.store, server.clock.now, { passwordHashing: { logN: 4, r: 8, p: 1 } });
    });
    after(() => server.close());

    const events = async () => server.store.audit.list({ directoryId: server.credentials.directoryId, limit: 1000 });

    test('changes through the API by root and by a RAM user, and RAM changes, each name who, what and which', async () => {
      const rootClient = plain(apiClient('openapi-v3', server.endpoint, server.credentials));
      const contactId = (await rootClient.call('AddMessageContact', { Name: 'audited', EmailAddress: 'audited@example.com', Title: 'CEO', MessageTypes: ['FaultMessage'] }))
        .Contact.ContactId as string;
      const folderId = (await rootClient.call('CreateFolder', { FolderName: 'audited-folder' })).Folder.FolderId as string;

      await ram.users.create(tenant, { userName: 'auditor' });
      const key = await ram.accessKeys.create(tenant, { userName: 'auditor' });
      await ram.attachments.attachPolicyToUser(tenant, { policyType: 'System', policyName: 'AliyunResourceDirectoryFullAccess', userName: 'auditor' });
      await ram.loginProfiles.create(tenant, { userName: 'auditor', password: 'Sup3r-secret-pw' });
      const userClient = plain(apiClient('pop-post', server.endpoint, { accessKeyId: key.accessKeyId, accessKeySecret: key.accessKeySecret }));
      await userClient.call('UpdateMessageContact', { ContactId: contactId, Title: 'FinanceDirector' });
      await userClient.call('UpdateFolder', { FolderId: folderId, NewFolderName: 'renamed-folder' });

      // The service's own events at its first start (its account and key) are not these.
      const trail = (await events()).filter((row) => row.actor !== 'rdcontacts');
      const find = (action: string) => {
        const event = trail.find((row) => row.action === action);
        assert.ok(event, `an event for ${action}`);
        return event;
      };
      const added = find('AddMessageContact');
      assert.equal(added.principal, 'root');
      assert.equal(added.actor, server.credentials.accessKeyId);
      assert.equal(added.resource, `messagecontact/${contactId}`);
      assert.match(added.request_id ?? '', /^[0-9A-F-]{36}$/);
      assert.equal(find('CreateFolder').resource, `folder/${folderId}`);
      assert.equal(find('CreateFolder').principal, 'root');

      const updated = find('UpdateMessageContact');
      assert.equal(updated.principal, 'user/auditor');
      assert.equal(updated.actor, key.accessKeyId);
      assert.deepEqual(JSON.parse(updated.changes), { Title: 'FinanceDirector' });
      const renamed = find('UpdateFolder');
      assert.equal(renamed.principal, 'user/auditor');
      assert.equal(renamed.resource, `folder/${folderId}`);
      assert.deepEqual(JSON.parse(renamed.changes), { FolderName: 'renamed-folder' });

      // RAM changes made outside a signed request (here through the domain, as the CLI does) act as root.
      assert.equal(find('CreateUser').resource, 'user/auditor');
      assert.equal(find('CreateUser').principal, 'root');
      assert.equal(find('CreateAccessKey').resource, `accesskey/${key.accessKeyId}`);
      assert.equal(find('AttachPolicyToUser').resource, 'user/auditor');
      assert.equal(find('CreateLoginProfile').resource, 'user/auditor');

      const everything = JSON.stringify(trail);
      assert.equal(everything.includes(key.accessKeySecret), false, 'no AccessKey secret');
      assert.equal(everything.includes(server.credentials.accessKeySecret), false, 'no root secret');
      assert.equal(everything.includes('Sup3r-secret-pw'), false, 'no password');
      assert.equal(/scrypt|\$s\d/.test(everything), false, 'no password hash');
    });

    test('a denied call changes nothing and writes one failed event', async () => {
      await ram.users.create(tenant, { userName: 'nobody' });
      const key = await ram.accessKeys.create(tenant, { userName: 'nobody' });
      const before = (await events()).length;
      const client = apiClient('openapi-v2', server.endpoint, { accessKeyId: key.accessKeyId, accessKeySecret: key.accessKeySecret });
      await assert.rejects(client.call('CreateFolder', { FolderName: 'denied' }), { code: 'NoPermission' });
      const added = (await events()).slice(before);
      assert.equal(added.length, 1);
      assert.equal(added[0]!.action, 'CreateFolder');
      assert.equal(added[0]!.error_code, 'NoPermission');
      assert.equal(added[0]!.principal, 'user/nobody');
      assert.deepEqual(JSON.parse(added[0]!.changes), {});
      assert.equal(added[0]!.resource, null);
    });
  });
}

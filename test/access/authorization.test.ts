/**
 * Every action is authorized by RAM before it runs: a root AccessKey may do everything; a RAM
 * user's key only what the policies attached to the user and to its groups allow (explicit Deny
 * over Allow, implicit deny by default). A refused call answers 403 NoPermission with the
 * AccessDeniedDetail each official client reads back, changes nothing, and tells the caller nothing
 * about whether what it named exists. A change to a policy, an attachment or a membership is in
 * force on the next call.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRamServices, type RamServices } from '../../src/domain/identities/services.js';
import type { Tenant } from '../../src/domain/tenant.js';
import { type ApiClient, apiClient, type CallFailure, clientNames, failure, type KeyPair, plain, versions, withSdk2 } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { startServer, type TestServer } from '../support/server.js';
import { XMLParser } from 'fast-xml-parser';
import { send, signRpc } from '../wire/raw-request.js';

const policy = (...statements: object[]): string => JSON.stringify({ Version: '1', Statement: statements });

/** What a client read out of a denial: openapi-client copies it to the error; pop-core keeps the body. */
function deniedDetail(error: CallFailure): Record<string, unknown> | undefined {
  return (error.accessDeniedDetail ?? error.data?.AccessDeniedDetail) as Record<string, unknown> | undefined;
}

for (const backend of backends) {
  describe(`authorization of every action [${backend.name}]`, () => {
    let server: TestServer;
    let ram: RamServices;
    let tenant: Tenant;
    let root: (name?: (typeof clientNames)[number]) => ApiClient;
    let contactA: string;
    let contactB: string;
    let users = 0;

    /** A new RAM user with one AccessKey, and the policies (documents or system names) attached to it. */
    async function ramUser(...attached: string[]): Promise<{ userName: string; userId: string; key: KeyPair }> {
      const userName = `user-${++users}`;
      const user = await ram.users.create(tenant, { userName });
      const key = await ram.accessKeys.create(tenant, { userName });
      for (const [index, document] of attached.entries()) {
        if (document.startsWith('{')) {
          const policyName = `${userName}-policy-${index}`;
          await ram.policies.create(tenant, { policyName, policyDocument: document });
          await ram.attachments.attachPolicyToUser(tenant, { policyType: 'Custom', policyName, userName });
        } else {
          await ram.attachments.attachPolicyToUser(tenant, { policyType: 'System', policyName: document, userName });
        }
      }
      return { userName, userId: user.userId, key: { accessKeyId: key.accessKeyId, accessKeySecret: key.accessKeySecret } };
    }

    async function denied(promise: Promise<unknown>): Promise<CallFailure> {
      const error = await failure(promise);
      assert.equal(error.code, 'NoPermission', error.message);
      assert.equal(error.statusCode, 403);
      return error;
    }

    const contactArn = (id: string) => `acs:resourcemanager:*:${server.credentials.accountId}:messagecontact/${id}`;

    before(async () => {
      server = await startServer({ backend });
      const { accountId, directoryId } = server.credentials;
      tenant = { accountId, directoryId, actor: 'test' };
      ram = createRamServices(server.store, server.clock.now, { passwordHashing: { logN: 4, r: 8, p: 1 } });
      root = (name = 'openapi-v3') => plain(apiClient(name, server.endpoint, server.credentials));
      const add = async (name: string) =>
        (await root().call('AddMessageContact', { Name: name, EmailAddress: `${name}@example.com`, Title: 'CEO', MessageTypes: ['FaultMessage'] }))
          .Contact.ContactId as string;
      contactA = await add('alpha');
      contactB = await add('bravo');
    });
    after(() => server.close());

    test('with no policy a RAM user may do nothing: 403 NoPermission, read back by every client', async () => {
      const { key, userId } = await ramUser();
      for (const name of withSdk2) {
        const client = apiClient(name, server.endpoint, key);
        const error = await denied(client.call('GetMessageContact', { ContactId: contactA }));
        assert.equal(
          error.message.includes(`You are not authorized to do this action. Resource: ${contactArn(contactA)} Action: resourcemanager:GetMessageContact`),
          true,
          `${name}: ${error.message}`,
        );
        const detail = deniedDetail(error);
        assert.ok(detail, `${name} reads AccessDeniedDetail`);
        assert.deepEqual(
          { ...detail, EncodedDiagnosticMessage: typeof detail.EncodedDiagnosticMessage },
          {
            PolicyType: 'AccountLevelIdentityBasedPolicy',
            AuthPrincipalOwnerId: server.credentials.accountId,
            EncodedDiagnosticMessage: 'string',
            AuthPrincipalType: 'SubUser',
            AuthPrincipalDisplayName: userId,
            NoPermissionType: 'ImplicitDeny',
            AuthAction: 'resourcemanager:GetMessageContact',
          },
          name,
        );
        assert.match(String(detail.EncodedDiagnosticMessage), /^[A-Za-z0-9+/]+=*$/);
      }
    });

    test('the root key is never evaluated, whatever policies exist', async () => {
      const body = await root('pop-get').call('GetMessageContact', { ContactId: contactA });
      assert.equal(body.Contact.Name, 'alpha');
    });

    test('AliyunResourceDirectoryReadOnlyAccess: every Get and List, nothing that changes', async () => {
      const { key } = await ramUser('AliyunResourceDirectoryReadOnlyAccess');
      for (const name of clientNames) {
        const client = plain(apiClient(name, server.endpoint, key));
        assert.equal((await client.call('GetMessageContact', { ContactId: contactA })).Contact.Name, 'alpha');
        assert.ok(Array.isArray((await client.call('ListMessageContacts')).Contacts));
        assert.ok((await client.call('GetResourceDirectory')).ResourceDirectory);
        assert.ok(await client.call('GetMessageContactCoverage'));
        const error = await denied(client.call('UpdateMessageContact', { ContactId: contactA, Title: 'FinanceDirector' }));
        assert.equal(deniedDetail(error)?.NoPermissionType, 'ImplicitDeny');
        await denied(client.call('AddMessageContact', { Name: 'x', EmailAddress: 'x@example.com', Title: 'CEO', MessageTypes: ['FaultMessage'] }));
        await denied(client.call('CreateFolder', { FolderName: 'nope' }));
      }
      assert.equal((await root().call('GetMessageContact', { ContactId: contactA })).Contact.Title, 'CEO');
    });

    test('a policy naming one contact by ARN: that one may change, no other; existence never leaks', async () => {
      const { key } = await ramUser(
        'AliyunResourceDirectoryReadOnlyAccess',
        policy({ Effect: 'Allow', Action: 'resourcemanager:UpdateMessageContact', Resource: contactArn(contactA) }),
      );
      const client = plain(apiClient('openapi-v2', server.endpoint, key));
      await client.call('UpdateMessageContact', { ContactId: contactA, Title: 'FinanceDirector' });
      assert.equal((await root().call('GetMessageContact', { ContactId: contactA })).Contact.Title, 'FinanceDirector');
      await denied(client.call('UpdateMessageContact', { ContactId: contactB, Title: 'FinanceDirector' }));
      // A contact that does not exist, and a malformed ID, answer just like an existing one.
      const missing = await denied(client.call('UpdateMessageContact', { ContactId: 'c-doesnotexist00000', Title: 'FinanceDirector' }));
      assert.match(missing.message, /messagecontact\/c-doesnotexist00000 Action: resourcemanager:UpdateMessageContact/);
      await denied(client.call('UpdateMessageContact', { ContactId: 'not a contact', Title: '' }));
      await denied(client.call('UpdateMessageContact', { Title: 'FinanceDirector' }));
      assert.equal((await root().call('GetMessageContact', { ContactId: contactB })).Contact.Title, 'CEO');
    });

    test('a Deny beside AdministratorAccess protects one contact from everyone but root', async () => {
      const { key } = await ramUser(
        'AdministratorAccess',
        policy({ Effect: 'Deny', Action: ['resourcemanager:Update*', 'resourcemanager:Delete*'], Resource: contactArn(contactB) }),
      );
      const client = plain(apiClient('pop-post', server.endpoint, key));
      await client.call('UpdateMessageContact', { ContactId: contactA, Title: 'TechnicalDirector' });
      const error = await denied(client.call('UpdateMessageContact', { ContactId: contactB, Title: 'TechnicalDirector' }));
      assert.equal(deniedDetail(error)?.NoPermissionType, 'ExplicitDeny');
      await denied(client.call('DeleteMessageContact', { ContactId: contactB }));
      assert.equal((await client.call('GetMessageContact', { ContactId: contactB })).Contact.Title, 'CEO');
      await root().call('UpdateMessageContact', { ContactId: contactB, Title: 'TechnicalDirector' });
      assert.equal((await client.call('GetMessageContact', { ContactId: contactB })).Contact.Title, 'TechnicalDirector');
      await root().call('UpdateMessageContact', { ContactId: contactB, Title: 'CEO' });
    });

    test('policies of the groups a user is in apply, and stop applying on the next call once it leaves', async () => {
      const { key, userName } = await ramUser();
      const groupName = `readers-${backend.name}`;
      await ram.groups.create(tenant, { groupName });
      await ram.attachments.attachPolicyToGroup(tenant, { policyType: 'System', policyName: 'AliyunResourceDirectoryReadOnlyAccess', groupName });
      const client = plain(apiClient('openapi-v3', server.endpoint, key));
      await denied(client.call('ListMessageContacts'));
      await ram.memberships.addUserToGroup(tenant, { groupName, userName });
      assert.ok(Array.isArray((await client.call('ListMessageContacts')).Contacts));
      await ram.memberships.removeUserFromGroup(tenant, { groupName, userName });
      await denied(client.call('ListMessageContacts'));
    });

    test('a new default version, a detach, a disabled key: each in force on the very next call', async () => {
      const readOnly = policy({ Effect: 'Allow', Action: 'resourcemanager:List*', Resource: '*' });
      const { key, userName } = await ramUser(readOnly);
      const policyName = `${userName}-policy-0`;
      const client = plain(apiClient('openapi-v3', server.endpoint, key));
      await client.call('ListMessageContacts');
      await denied(client.call('GetMessageContact', { ContactId: contactA }));
      await ram.policyVersions.create(tenant, { policyName, policyDocument: policy({ Effect: 'Allow', Action: 'resourcemanager:*', Resource: '*' }), setAsDefault: true });
      await client.call('GetMessageContact', { ContactId: contactA });
      await ram.attachments.detachPolicyFromUser(tenant, { policyType: 'Custom', policyName, userName });
      await denied(client.call('ListMessageContacts'));
      await ram.accessKeys.update(tenant, { userName, userAccessKeyId: key.accessKeyId, status: 'Inactive' });
      const inactive = await failure(client.call('ListMessageContacts'));
      assert.equal(inactive.code, 'InvalidAccessKeyId.Inactive');
    });

    test('conditions: acs:SourceIp and acs:SecureTransport are read from the connection', async () => {
      const fromHere = await ramUser(policy({ Effect: 'Allow', Action: 'resourcemanager:Get*', Resource: '*', Condition: { IpAddress: { 'acs:SourceIp': '127.0.0.1/32' } } }));
      const fromElsewhere = await ramUser(policy({ Effect: 'Allow', Action: 'resourcemanager:Get*', Resource: '*', Condition: { IpAddress: { 'acs:SourceIp': '10.0.0.0/8' } } }));
      const overTls = await ramUser(policy({ Effect: 'Allow', Action: 'resourcemanager:Get*', Resource: '*', Condition: { Bool: { 'acs:SecureTransport': 'true' } } }));
      await plain(apiClient('pop-get', server.endpoint, fromHere.key)).call('GetMessageContact', { ContactId: contactA });
      // The client's own SourceIp and SecureTransport parameters are assertions, never evidence.
      await denied(apiClient('pop-get', server.endpoint, fromElsewhere.key).call('GetMessageContact', { ContactId: contactA, SourceIp: '10.1.2.3' }));
      await denied(apiClient('pop-get', server.endpoint, overTls.key).call('GetMessageContact', { ContactId: contactA, SecureTransport: 'true' }));
    });

    test('a denied call changes nothing, and uses its nonce like any other', async () => {
      const { key } = await ramUser();
      const client = apiClient('openapi-v3', server.endpoint, key);
      await denied(client.call('DeleteMessageContact', { ContactId: contactA }));
      await denied(client.call('AddMessageContact', { Name: 'sneaky', EmailAddress: 'sneaky@example.com', Title: 'CEO', MessageTypes: ['FaultMessage'] }));
      const names = ((await root().call('ListMessageContacts')).Contacts as { Name: string }[]).map((c) => c.Name).sort();
      assert.deepEqual(names, ['alpha', 'bravo']);
    });

    test('routing errors come before authorization and carry no AccessDeniedDetail; GetCallerIdentity needs no policy', async () => {
      const { key, userName, userId } = await ramUser();
      const unknownVersion = await failure(apiClient('openapi-v3', server.endpoint, key, '2019-01-01').call('GetMessageContact', { ContactId: contactA }));
      assert.equal(unknownVersion.code, 'NoSuchVersion');
      assert.equal(deniedDetail(unknownVersion), undefined);
      const unknownAction = await failure(apiClient('openapi-v3', server.endpoint, key).call('NoSuchThing'));
      assert.equal(unknownAction.code, 'InvalidApi.NotFound');
      assert.equal(deniedDetail(unknownAction), undefined);
      for (const name of withSdk2) {
        const identity = await plain(apiClient(name, server.endpoint, key, versions.sts)).call('GetCallerIdentity');
        assert.deepEqual(
          { ...identity, RequestId: undefined },
          {
            RequestId: undefined,
            AccountId: server.credentials.accountId,
            UserId: userId,
            PrincipalId: userId,
            IdentityType: 'RAMUser',
            Arn: `acs:ram::${server.credentials.accountId}:user/${userName}`,
          },
        );
      }
    });

    test('folders and accounts are authorized by their ResourceDirectoryPath: a policy can scope a subtree', async () => {
      const folder = (await root().call('CreateFolder', { FolderName: `team-${backend.name}` })).Folder.FolderId as string;
      const other = (await root().call('CreateFolder', { FolderName: `other-${backend.name}` })).Folder.FolderId as string;
      const path = (await root().call('GetFolder', { FolderId: folder })).Folder.ResourceDirectoryPath as string;
      const { accountId } = server.credentials;
      const { key } = await ramUser(
        policy({ Effect: 'Allow', Action: 'resourcemanager:*', Resource: [`acs:resourcemanager::${accountId}:folder/${path}`, `acs:resourcemanager::${accountId}:folder/${path}/*`, `acs:resourcemanager::${accountId}:account/${path}/*`] }),
      );
      const client = plain(apiClient('openapi-v3', server.endpoint, key));
      assert.equal((await client.call('GetFolder', { FolderId: folder })).Folder.FolderId, folder);
      const created = await client.call('CreateFolder', { FolderName: 'inside', ParentFolderId: folder });
      assert.ok(created.Folder.FolderId);
      await denied(client.call('GetFolder', { FolderId: other }));
      await denied(client.call('CreateFolder', { FolderName: 'outside', ParentFolderId: other }));
      // A folder that does not exist is refused exactly like one outside the subtree.
      const missing = await denied(client.call('GetFolder', { FolderId: 'fd-doesnotexist' }));
      assert.match(missing.message, new RegExp(`folder/fd-doesnotexist Action: resourcemanager:GetFolder`));
    });

    test('a denial in XML carries the same AccessDeniedDetail', async () => {
      const { key, userId } = await ramUser();
      const answer = await send(server.endpoint, signRpc({ key, action: 'GetMessageContact', format: 'XML', params: { ContactId: contactA } }));
      assert.equal(answer.status, 403);
      const error = new XMLParser().parse(answer.text).Error;
      assert.equal(error.Code, 'NoPermission');
      assert.equal(error.AccessDeniedDetail.NoPermissionType, 'ImplicitDeny');
      assert.equal(error.AccessDeniedDetail.AuthAction, 'resourcemanager:GetMessageContact');
      assert.equal(String(error.AccessDeniedDetail.AuthPrincipalDisplayName), userId);
    });
  });
}

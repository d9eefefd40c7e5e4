/**
 * The Ram product on the shared endpoint (spec ram.md §1): XML answers when Format=XML, what is
 * not served (roles, MFA devices, SAML, security preferences, DecodeDiagnosticMessage) answering
 * InvalidApi.NotFound, a RAM user's key needing a policy to call Ram at all, and two management
 * accounts never seeing, finding or changing each other's RAM entities.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { clientNames, expectError, versions } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { startServer, type TestServer } from '../support/server.js';
import { send, signRpc } from '../wire/raw-request.js';
import { adminUser, allowEverything, assertAnswer, ramClient, unique } from './support.js';

const xml = new XMLParser({ parseTagValue: false, isArray: (name) => ['User', 'AccessKey', 'Policy', 'Group'].includes(name) });

for (const backend of backends) {
  describe(`the Ram product on the endpoint [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend });
    });
    after(() => server.close());

    const xmlCall = async (action: string, params: Record<string, string> = {}, key = server.credentials) => {
      const response = await send(server.endpoint, signRpc({ key, action, version: versions.ram, format: 'XML', params }));
      assert.equal(response.status, 200, response.text);
      assert.equal(response.headers['content-type'], 'text/xml;charset=utf-8');
      return xml.parse(response.text);
    };

    test('Format=XML: ListUsers and ListAccessKeys answer their wrapped lists as repeated elements', async () => {
      const tenant = await server.newTenant();
      const ram = ramClient(server, 'openapi-v3', tenant);
      const names = [unique('xml-a'), unique('xml-b')];
      for (const userName of names) await ram.call('CreateUser', { UserName: userName, DisplayName: 'X & <Y>' });
      const users = (await xmlCall('ListUsers', { MaxItems: '1' }, tenant)).ListUsersResponse;
      assert.equal(users.IsTruncated, 'true');
      assert.equal(typeof users.Marker, 'string');
      assert.deepEqual(Object.keys(users.Users), ['User']);
      assert.equal(users.Users.User.length, 1);
      assert.equal(users.Users.User[0].UserName, names[0]);
      assert.equal(users.Users.User[0].DisplayName, 'X & <Y>');
      const rest = (await xmlCall('ListUsers', { Marker: users.Marker }, tenant)).ListUsersResponse;
      assert.equal(rest.IsTruncated, 'false');
      assert.deepEqual(rest.Users.User.map((user: { UserName: string }) => user.UserName), [names[1]]);

      await ram.call('CreateAccessKey', { UserName: names[0]! });
      const keys = (await xmlCall('ListAccessKeys', { UserName: names[0]! }, tenant)).ListAccessKeysResponse;
      assert.equal(keys.AccessKeys.AccessKey.length, 1);
      assert.match(keys.AccessKeys.AccessKey[0].AccessKeyId, /^LTAI/);
      assert.equal(keys.AccessKeys.AccessKey[0].Status, 'Active');
    });

    test('Format=XML: an error is an <Error> envelope', async () => {
      const response = await send(server.endpoint, signRpc({ key: server.credentials, action: 'GetUser', version: versions.ram, format: 'XML', params: { UserName: unique('nobody') } }));
      assert.equal(response.status, 404);
      const body = xml.parse(response.text);
      assert.equal(body.Error.Code, 'EntityNotExist.User');
    });

    test('Format=XML: ListPolicies answers <Policies><Policy>…</Policy></Policies>', async () => {
      const policies = (await xmlCall('ListPolicies', { PolicyType: 'System', MaxItems: '2' })).ListPoliciesResponse;
      assert.equal(policies.Policies.Policy.length, 2);
      assert.equal(policies.Policies.Policy[0].PolicyName, 'AdministratorAccess');
    });

    test('roles, MFA devices, SAML, security preferences and DecodeDiagnosticMessage are not served', async () => {
      for (const name of clientNames) {
        const ram = ramClient(server, name);
        for (const action of [
          'CreateRole',
          'ListRoles',
          'AttachPolicyToRole',
          'CreateVirtualMFADevice',
          'ListVirtualMFADevices',
          'BindMFADevice',
          'CreateSAMLProvider',
          'GetSecurityPreference',
          'SetSecurityPreference',
          'DecodeDiagnosticMessage',
          'GetAccountAlias',
          'GetMessageContact',
        ]) {
          await expectError(ram.call(action), 'InvalidApi.NotFound', 404);
        }
      }
    });

    test('a RAM user without a policy may call no Ram action; with AdministratorAccess every one', async () => {
      const root = ramClient(server, 'openapi-v3');
      const userName = unique('powerless');
      await root.call('CreateUser', { UserName: userName });
      const key = (await root.call('CreateAccessKey', { UserName: userName })).AccessKey;
      const admin = await adminUser(root);
      for (const name of clientNames) {
        const powerless = ramClient(server, name, { accessKeyId: key.AccessKeyId, accessKeySecret: key.AccessKeySecret });
        await expectError(powerless.call('GetUser', { UserName: userName }), 'NoPermission', 403);
        await expectError(powerless.call('ListAccessKeys'), 'NoPermission', 403);
        await expectError(powerless.call('CreateUser', { UserName: unique('never') }), 'NoPermission', 403);
        const powerful = ramClient(server, name, admin.key);
        const made = unique('by-admin');
        assertAnswer(await powerful.call('CreateUser', { UserName: made }), { User: { UserId: 'userId', UserName: 'string', CreateDate: 'date' } });
        await powerful.call('AttachPolicyToUser', { UserName: made, PolicyType: 'System', PolicyName: 'AliyunRAMReadOnlyAccess' });
        await powerful.call('DetachPolicyFromUser', { UserName: made, PolicyType: 'System', PolicyName: 'AliyunRAMReadOnlyAccess' });
        await powerful.call('DeleteUser', { UserName: made });
        assert.equal((await powerful.call('GetPasswordPolicy')).PasswordPolicy.MinimumPasswordLength, 8);
      }
    });

    test('two accounts never see, find or change each other’s users, groups, keys and policies', async () => {
      const a = await server.newTenant();
      const b = await server.newTenant();
      for (const name of clientNames) {
        const ramA = ramClient(server, name, a);
        const ramB = ramClient(server, name, b);
        const userName = unique('shared-name');
        const groupName = unique('shared-group');
        const policyName = unique('shared-policy');
        const userA = await ramA.call('CreateUser', { UserName: userName });
        await ramA.call('CreateGroup', { GroupName: groupName });
        await ramA.call('CreatePolicy', { PolicyName: policyName, PolicyDocument: allowEverything, Tag: JSON.stringify([{ Key: 'k', Value: 'a' }]) });
        const keyA = (await ramA.call('CreateAccessKey', { UserName: userName })).AccessKey.AccessKeyId as string;

        await expectError(ramB.call('GetUser', { UserName: userName }), 'EntityNotExist.User', 404);
        await expectError(ramB.call('GetGroup', { GroupName: groupName }), 'EntityNotExist.Group', 404);
        await expectError(ramB.call('GetPolicy', { PolicyName: policyName, PolicyType: 'Custom' }), 'EntityNotExist.Policy', 404);
        await expectError(ramB.call('UpdateAccessKey', { UserAccessKeyId: keyA, Status: 'Inactive' }), 'EntityNotExist.User.AccessKey', 404);
        await expectError(ramB.call('DeleteAccessKey', { UserAccessKeyId: keyA }), 'EntityNotExist.User.AccessKey', 404);
        await expectError(ramB.call('TagResources', { ResourceType: 'policy', ResourceNames: JSON.stringify([policyName]), Tag: '[{"Key":"k","Value":"b"}]' }), 'EntityNotExist.Policy', 404);
        const listedB = (await ramB.call('ListUsers', { MaxItems: 1000 })).Users.User as { UserName: string }[];
        assert.equal(listedB.some((user) => user.UserName === userName), false);
        assert.equal((await ramB.call('ListPolicies', { PolicyType: 'Custom', MaxItems: 1000 })).Policies.Policy.some((item: { PolicyName: string }) => item.PolicyName === policyName), false);
        assert.equal((await ramB.call('ListTagResources', { ResourceType: 'policy' })).TagResources.some((item: { ResourceName: string }) => item.ResourceName === policyName), false);

        // The same names are free in the other account, and make other entities.
        const userB = await ramB.call('CreateUser', { UserName: userName });
        assert.notEqual(userB.User.UserId, userA.User.UserId);
        await ramB.call('CreateGroup', { GroupName: groupName });
        await ramB.call('CreatePolicy', { PolicyName: policyName, PolicyDocument: allowEverything });
        await ramB.call('AttachPolicyToUser', { UserName: userName, PolicyType: 'Custom', PolicyName: policyName });
        assert.equal((await ramA.call('GetPolicy', { PolicyName: policyName, PolicyType: 'Custom' })).Policy.AttachmentCount, 0);
        assert.deepEqual((await ramA.call('ListPoliciesForUser', { UserName: userName })).Policies.Policy, []);
        assert.equal((await ramA.call('ListAccessKeys', { UserName: userName })).AccessKeys.AccessKey.length, 1);
        assert.deepEqual((await ramB.call('ListAccessKeys', { UserName: userName })).AccessKeys.AccessKey, []);
      }
    });
  });
}

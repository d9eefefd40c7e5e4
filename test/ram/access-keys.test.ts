/**
 * AccessKeys through the Ram API (spec ram.md §3.4, §9), every official client, both stores: the
 * secret only in CreateAccessKey's answer; a key made for a RAM user or for the account itself
 * signs the very next request (Sts GetCallerIdentity says whose it is); a disabled key is refused
 * with InvalidAccessKeyId.Inactive and a deleted one with InvalidAccessKeyId.NotFound; two keys per
 * user; the account's last active root key can be neither disabled nor deleted; an empty UserName
 * means the caller's own keys; every error with its status.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ClientName, type KeyPair, clientNames, expectError } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { startServer, type TestServer } from '../support/server.js';
import { adminUser, assertAnswer, assertShape, policyDocument, ramClient, stsClient, unique } from './support.js';

const newKeyShape = { AccessKeyId: 'string', AccessKeySecret: 'string', Status: 'string', CreateDate: 'date' } as const;
const listedKeyShape = { AccessKeyId: 'string', Status: 'string', CreateDate: 'date' } as const;

const keyPair = (accessKey: { AccessKeyId: string; AccessKeySecret: string }): KeyPair => ({
  accessKeyId: accessKey.AccessKeyId,
  accessKeySecret: accessKey.AccessKeySecret,
});

for (const backend of backends) {
  describe(`Ram AccessKeys on the wire [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend });
    });
    after(() => server.close());

    /** GetCallerIdentity signed with `key`, through client `name`. */
    const whoAmI = (name: ClientName, key: KeyPair) => stsClient(server, name, key).call('GetCallerIdentity');

    for (const name of clientNames) {
      test(`${name}: a key made for a RAM user answers its secret once and signs the next request as that user`, async () => {
        const ram = ramClient(server, name);
        const userName = unique('keyed');
        const userId = (await ram.call('CreateUser', { UserName: userName })).User.UserId as string;
        const created = await ram.call('CreateAccessKey', { UserName: userName });
        assertAnswer(created, { AccessKey: newKeyShape });
        assert.match(created.AccessKey.AccessKeyId, /^LTAI[A-Za-z0-9]{20}$/);
        assert.match(created.AccessKey.AccessKeySecret, /^[A-Za-z0-9]{30}$/);
        assert.equal(created.AccessKey.Status, 'Active');

        const { accountId } = server.credentials;
        for (const signer of clientNames) {
          const identity = await whoAmI(signer, keyPair(created.AccessKey));
          assertAnswer(identity, { AccountId: 'string', UserId: 'string', PrincipalId: 'string', IdentityType: 'string', Arn: 'string' });
          assert.deepEqual(
            { ...identity, RequestId: undefined },
            { RequestId: undefined, AccountId: accountId, UserId: userId, PrincipalId: userId, IdentityType: 'RAMUser', Arn: `acs:ram::${accountId}:user/${userName}` },
          );
        }

        const listed = await ram.call('ListAccessKeys', { UserName: userName });
        assertAnswer(listed, { AccessKeys: { AccessKey: [listedKeyShape] } });
        assert.deepEqual(listed.AccessKeys.AccessKey, [
          { AccessKeyId: created.AccessKey.AccessKeyId, Status: 'Active', CreateDate: created.AccessKey.CreateDate },
        ]);
        assert.equal(JSON.stringify(listed).includes(created.AccessKey.AccessKeySecret), false, 'never listed');
        const fresh = await ram.call('CreateUser', { UserName: unique('keyless') });
        assertAnswer(await ram.call('ListAccessKeys', { UserName: fresh.User.UserName }), { AccessKeys: { AccessKey: [] } });
      });

      test(`${name}: a key the root makes without UserName (or with it empty) is a root key of the account`, async () => {
        const tenant = await server.newTenant();
        const ram = ramClient(server, name, tenant);
        const made = await ram.call('CreateAccessKey');
        assertAnswer(made, { AccessKey: newKeyShape });
        const madeEmpty = await ram.call('CreateAccessKey', { UserName: '' });
        for (const key of [made, madeEmpty]) {
          const identity = await whoAmI(name, keyPair(key.AccessKey));
          assert.equal(identity.IdentityType, 'Account');
          assert.equal(identity.AccountId, tenant.accountId);
          assert.equal(identity.Arn, `acs:ram::${tenant.accountId}:root`);
          assert.equal('UserId' in identity, false);
        }
        // Root keys are not limited to two; they list as the caller's own keys.
        await ram.call('CreateAccessKey');
        const own = await ram.call('ListAccessKeys');
        assertAnswer(own, { AccessKeys: { AccessKey: [listedKeyShape] } });
        const ids = own.AccessKeys.AccessKey.map((key: { AccessKeyId: string }) => key.AccessKeyId);
        assert.equal(ids.length, 4);
        assert.equal(ids[0], tenant.accessKeyId, 'oldest first');
        assert.ok(ids.includes(made.AccessKey.AccessKeyId) && ids.includes(madeEmpty.AccessKey.AccessKeyId));
        assert.deepEqual((await ram.call('ListAccessKeys', { UserName: '' })).AccessKeys, own.AccessKeys);
      });

      test(`${name}: Inactive is refused from the next request on, Active restores it, a deleted key is unknown`, async () => {
        const ram = ramClient(server, name);
        const userName = unique('toggled');
        await ram.call('CreateUser', { UserName: userName });
        const key = (await ram.call('CreateAccessKey', { UserName: userName })).AccessKey;
        assertAnswer(await ram.call('UpdateAccessKey', { UserName: userName, UserAccessKeyId: key.AccessKeyId, Status: 'Inactive' }), {});
        assert.equal((await ram.call('ListAccessKeys', { UserName: userName })).AccessKeys.AccessKey[0].Status, 'Inactive');
        for (const signer of clientNames) await expectError(whoAmI(signer, keyPair(key)), 'InvalidAccessKeyId.Inactive', 400);
        await ram.call('UpdateAccessKey', { UserName: userName, UserAccessKeyId: key.AccessKeyId, Status: 'Active' });
        assert.equal((await whoAmI(name, keyPair(key))).IdentityType, 'RAMUser');
        // Setting the status it has changes nothing and is no error.
        await ram.call('UpdateAccessKey', { UserName: userName, UserAccessKeyId: key.AccessKeyId, Status: 'Active' });
        assertAnswer(await ram.call('DeleteAccessKey', { UserName: userName, UserAccessKeyId: key.AccessKeyId }), {});
        for (const signer of clientNames) await expectError(whoAmI(signer, keyPair(key)), 'InvalidAccessKeyId.NotFound', 404);
        assertAnswer(await ram.call('ListAccessKeys', { UserName: userName }), { AccessKeys: { AccessKey: [] } });
      });

      test(`${name}: a RAM user has at most two keys; without UserName it manages its own`, async () => {
        const root = ramClient(server, name);
        const admin = await adminUser(root);
        const self = ramClient(server, name, admin.key);
        const second = await self.call('CreateAccessKey');
        assertAnswer(second, { AccessKey: newKeyShape });
        assert.equal((await whoAmI(name, keyPair(second.AccessKey))).UserId, admin.userId, 'made for the caller itself');
        await expectError(self.call('CreateAccessKey'), 'LimitExceeded.User.AccessKey', 409);
        await expectError(root.call('CreateAccessKey', { UserName: admin.userName }), 'LimitExceeded.User.AccessKey', 409);
        const own = await self.call('ListAccessKeys', { UserName: '' });
        assert.deepEqual(
          own.AccessKeys.AccessKey.map((key: { AccessKeyId: string }) => key.AccessKeyId),
          [admin.key.accessKeyId, second.AccessKey.AccessKeyId],
        );
        // The root's keys are not the user's: its own listing never shows them.
        assert.equal(own.AccessKeys.AccessKey.some((key: { AccessKeyId: string }) => key.AccessKeyId === server.credentials.accessKeyId), false);
        await self.call('UpdateAccessKey', { UserAccessKeyId: second.AccessKey.AccessKeyId, Status: 'Inactive' });
        await self.call('DeleteAccessKey', { UserAccessKeyId: second.AccessKey.AccessKeyId });
        await expectError(
          self.call('DeleteAccessKey', { UserAccessKeyId: server.credentials.accessKeyId }),
          'EntityNotExist.User.AccessKey',
          404,
        );
        // Only the first key was left, and deleting a RAM user's last key has no guard.
        assert.equal((await root.call('ListAccessKeys', { UserName: admin.userName })).AccessKeys.AccessKey.length, 1);
      });

      test(`${name}: without UserName the resource evaluated is the caller's own user`, async () => {
        const root = ramClient(server, name);
        const userName = unique('selfish');
        await root.call('CreateUser', { UserName: userName });
        const policyName = unique('own-keys');
        const { accountId } = server.credentials;
        await root.call('CreatePolicy', { PolicyName: policyName, PolicyDocument: policyDocument('ram:*AccessKey*', `acs:ram:*:${accountId}:user/${userName}`) });
        await root.call('AttachPolicyToUser', { PolicyType: 'Custom', PolicyName: policyName, UserName: userName });
        const key = (await root.call('CreateAccessKey', { UserName: userName })).AccessKey;
        const self = ramClient(server, name, keyPair(key));
        assert.equal((await self.call('ListAccessKeys')).AccessKeys.AccessKey.length, 1);
        assert.equal((await self.call('ListAccessKeys', { UserName: userName })).AccessKeys.AccessKey.length, 1);
        await expectError(self.call('ListAccessKeys', { UserName: 'someone-else' }), 'NoPermission', 403);
        await expectError(self.call('ListUsers'), 'NoPermission', 403);
      });

      test(`${name}: GetAccessKeyLastUsed answers no LastUsedDate before any use, and the time of the last one after`, async () => {
        const ram = ramClient(server, name);
        const userName = unique('used');
        await ram.call('CreateUser', { UserName: userName });
        const key = (await ram.call('CreateAccessKey', { UserName: userName })).AccessKey;
        const never = await ram.call('GetAccessKeyLastUsed', { UserName: userName, UserAccessKeyId: key.AccessKeyId });
        assertAnswer(never, { AccessKeyLastUsed: {} });
        await expectError(ramClient(server, name, keyPair(key)).call('ListUsers'), 'NoPermission', 403);
        const used = await ram.call('GetAccessKeyLastUsed', { UserName: userName, UserAccessKeyId: key.AccessKeyId });
        assertAnswer(used, { AccessKeyLastUsed: { LastUsedDate: 'date' } });
        const lastUsed = Date.parse(used.AccessKeyLastUsed.LastUsedDate);
        assert.ok(Math.abs(lastUsed - server.clock.now().getTime()) < 60_000);
        // The root's own key was just used too.
        const own = await ram.call('GetAccessKeyLastUsed', { UserAccessKeyId: server.credentials.accessKeyId });
        assertShape(own.AccessKeyLastUsed, { LastUsedDate: 'date' });
      });
    }

    test('the last active root key can be neither disabled nor deleted (409 DeleteConflict.AccessKey.LastActiveRootKey)', async () => {
      for (const name of clientNames) {
        const tenant = await server.newTenant();
        const ram = ramClient(server, name, tenant);
        await expectError(ram.call('UpdateAccessKey', { UserAccessKeyId: tenant.accessKeyId, Status: 'Inactive' }), 'DeleteConflict.AccessKey.LastActiveRootKey', 409);
        await expectError(ram.call('DeleteAccessKey', { UserAccessKeyId: tenant.accessKeyId }), 'DeleteConflict.AccessKey.LastActiveRootKey', 409);
        const spare = (await ram.call('CreateAccessKey')).AccessKey;
        const viaSpare = ramClient(server, name, keyPair(spare));
        await viaSpare.call('UpdateAccessKey', { UserAccessKeyId: tenant.accessKeyId, Status: 'Inactive' });
        await expectError(ram.call('ListUsers'), 'InvalidAccessKeyId.Inactive', 400);
        // The spare is now the last active one; the inactive key may go.
        await expectError(viaSpare.call('DeleteAccessKey', { UserAccessKeyId: spare.AccessKeyId }), 'DeleteConflict.AccessKey.LastActiveRootKey', 409);
        await expectError(viaSpare.call('UpdateAccessKey', { UserAccessKeyId: spare.AccessKeyId, Status: 'Inactive' }), 'DeleteConflict.AccessKey.LastActiveRootKey', 409);
        await viaSpare.call('DeleteAccessKey', { UserAccessKeyId: tenant.accessKeyId, UserName: '' });
        await expectError(ram.call('ListUsers'), 'InvalidAccessKeyId.NotFound', 404);
        assert.deepEqual(
          (await viaSpare.call('ListAccessKeys')).AccessKeys.AccessKey.map((key: { AccessKeyId: string }) => key.AccessKeyId),
          [spare.AccessKeyId],
        );
      }
    });

    test('every AccessKey action: its errors with their status, in the order of the checks', async () => {
      for (const name of clientNames) {
        const ram = ramClient(server, name);
        const userName = unique('owner');
        const otherName = unique('other-owner');
        await ram.call('CreateUser', { UserName: userName });
        await ram.call('CreateUser', { UserName: otherName });
        const key = (await ram.call('CreateAccessKey', { UserName: userName })).AccessKey.AccessKeyId as string;
        const othersKey = (await ram.call('CreateAccessKey', { UserName: otherName })).AccessKey.AccessKeyId as string;
        const nobody = unique('nobody');

        await expectError(ram.call('CreateAccessKey', { UserName: 'bad name' }), 'InvalidParameter.UserName.InvalidChars', 400);
        await expectError(ram.call('CreateAccessKey', { UserName: 'n'.repeat(65) }), 'InvalidParameter.UserName.Length', 400);
        await expectError(ram.call('CreateAccessKey', { UserName: nobody }), 'EntityNotExist.User', 404);
        await ram.call('CreateAccessKey', { UserName: userName });
        await expectError(ram.call('CreateAccessKey', { UserName: userName }), 'LimitExceeded.User.AccessKey', 409);

        await expectError(ram.call('UpdateAccessKey', { Status: 'Inactive', UserName: userName }), 'MissingUserAccessKeyId', 400);
        await expectError(ram.call('UpdateAccessKey', { UserAccessKeyId: key, UserName: userName }), 'MissingStatus', 400);
        await expectError(ram.call('UpdateAccessKey', { UserAccessKeyId: key, Status: 'Disabled', UserName: userName }), 'InvalidParameter.Status', 400);
        await expectError(ram.call('UpdateAccessKey', { UserAccessKeyId: key, Status: 'active', UserName: userName }), 'InvalidParameter.Status', 400);
        await expectError(ram.call('UpdateAccessKey', { UserAccessKeyId: key, Status: 'Inactive', UserName: 'bad name' }), 'InvalidParameter.UserName.InvalidChars', 400);
        await expectError(ram.call('UpdateAccessKey', { UserAccessKeyId: key, Status: 'Inactive', UserName: nobody }), 'EntityNotExist.User', 404);
        await expectError(ram.call('UpdateAccessKey', { UserAccessKeyId: othersKey, Status: 'Inactive', UserName: userName }), 'EntityNotExist.User.AccessKey', 404);
        await expectError(ram.call('UpdateAccessKey', { UserAccessKeyId: 'LTAInoSuchKeyAtAll00000', Status: 'Inactive', UserName: userName }), 'EntityNotExist.User.AccessKey', 404);
        // A user's key named without its UserName is not the root's.
        await expectError(ram.call('UpdateAccessKey', { UserAccessKeyId: key, Status: 'Inactive' }), 'EntityNotExist.User.AccessKey', 404);
        await expectError(ram.call('UpdateAccessKey', { UserAccessKeyId: 'k'.repeat(65), Status: 'Inactive' }), 'InvalidParameter.UserAccessKeyId', 400);

        await expectError(ram.call('DeleteAccessKey', { UserName: userName }), 'MissingUserAccessKeyId', 400);
        await expectError(ram.call('DeleteAccessKey', { UserAccessKeyId: key, UserName: 'bad name' }), 'InvalidParameter.UserName.InvalidChars', 400);
        await expectError(ram.call('DeleteAccessKey', { UserAccessKeyId: key, UserName: nobody }), 'EntityNotExist.User', 404);
        await expectError(ram.call('DeleteAccessKey', { UserAccessKeyId: othersKey, UserName: userName }), 'EntityNotExist.User.AccessKey', 404);

        await expectError(ram.call('ListAccessKeys', { UserName: 'bad name' }), 'InvalidParameter.UserName.InvalidChars', 400);
        await expectError(ram.call('ListAccessKeys', { UserName: nobody }), 'EntityNotExist.User', 404);

        await expectError(ram.call('GetAccessKeyLastUsed', { UserName: userName }), 'MissingUserAccessKeyId', 400);
        await expectError(ram.call('GetAccessKeyLastUsed', { UserAccessKeyId: key, UserName: nobody }), 'EntityNotExist.User', 404);
        await expectError(ram.call('GetAccessKeyLastUsed', { UserAccessKeyId: othersKey, UserName: userName }), 'EntityNotExist.User.AccessKey', 404);
        await expectError(ram.call('GetAccessKeyLastUsed', { UserAccessKeyId: key }), 'EntityNotExist.User.AccessKey', 404);
      }
    });
  });
}

/**
 * One endpoint, several products: a request is routed by its (Version, Action) pair. Every official
 * client reaches ResourceDirectoryMaster 2022-04-19, Ram 2015-05-01 and Sts 2015-04-01 on the same
 * host; an unknown version answers NoSuchVersion, an action its product does not serve
 * InvalidApi.NotFound, decided before anything else about the caller.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiClient, expectError, failure, plain, versions, withSdk2 } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { startServer, type TestServer } from '../support/server.js';

for (const backend of backends) {
  describe(`products on one endpoint [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend });
    });
    after(() => server.close());

    test('an error names the product the request named in its troubleshooting link', async () => {
      const ramError = await failure(apiClient('openapi-v3', server.endpoint, server.credentials, versions.ram).call('GetUser', { UserName: 'nobody' }));
      assert.equal(ramError.code, 'EntityNotExist.User');
      assert.match(String(ramError.data?.Recommend), /[?&]product=Ram&/);
      const rdError = await failure(apiClient('openapi-v3', server.endpoint, server.credentials).call('GetMessageContact', { ContactId: 'c-0000000000000000' }));
      assert.match(String(rdError.data?.Recommend), /[?&]product=ResourceDirectoryMaster&/);
    });

    test('the generated SDK 2.x runtime (@alicloud/openapi-core) reads Ram answers and errors', async () => {
      const ram = plain(apiClient('openapi-core', server.endpoint, server.credentials, versions.ram));
      await ram.call('CreateUser', { UserName: 'sdk2-user', DisplayName: 'SDK 2' });
      const listed = await ram.call('ListUsers', { MaxItems: 10 });
      assert.equal(listed.IsTruncated, false);
      assert.ok((listed.Users.User as { UserName: string }[]).some((user) => user.UserName === 'sdk2-user'));
      await expectError(ram.call('GetUser', { UserName: 'nobody' }), 'EntityNotExist.User', 404);
      await expectError(ram.call('CreateUser', { UserName: 'sdk2-user' }), 'EntityAlreadyExists.User', 409);
      await ram.call('DeleteUser', { UserName: 'sdk2-user' });
    });

    for (const name of withSdk2) {
      test(`${name}: Sts GetCallerIdentity names the account for a root key`, async () => {
        const sts = plain(apiClient(name, server.endpoint, server.credentials, versions.sts));
        const body = await sts.call('GetCallerIdentity');
        const { accountId } = server.credentials;
        assert.deepEqual(
          { ...body, RequestId: undefined },
          { RequestId: undefined, AccountId: accountId, PrincipalId: accountId, IdentityType: 'Account', Arn: `acs:ram::${accountId}:root` },
        );
        assert.match(String(body.RequestId), /^[0-9A-F-]{36}$/);
      });

      test(`${name}: an action is looked up in the product its version names`, async () => {
        const { endpoint, credentials } = server;
        // A directory action under Sts' version, and STS actions that need roles.
        await expectError(apiClient(name, endpoint, credentials, versions.sts).call('GetMessageContact', { ContactId: 'c-x' }), 'InvalidApi.NotFound', 404);
        await expectError(apiClient(name, endpoint, credentials, versions.sts).call('AssumeRole', { RoleArn: 'acs:ram::1:role/x' }), 'InvalidApi.NotFound', 404);
        // An STS action under the directory's version.
        await expectError(apiClient(name, endpoint, credentials).call('GetCallerIdentity'), 'InvalidApi.NotFound', 404);
        await expectError(apiClient(name, endpoint, credentials, '2019-01-01').call('GetCallerIdentity'), 'NoSuchVersion', 400);
      });

      test(`${name}: routing errors come before the caller is authenticated`, async () => {
        const stranger = { accessKeyId: 'LTAIunknownunknownunkn', accessKeySecret: 'nope' };
        await expectError(apiClient(name, server.endpoint, stranger, '2019-01-01').call('GetCallerIdentity'), 'NoSuchVersion', 400);
        await expectError(apiClient(name, server.endpoint, stranger, versions.sts).call('AssumeRole'), 'InvalidApi.NotFound', 404);
        await expectError(apiClient(name, server.endpoint, stranger, versions.sts).call('GetCallerIdentity'), 'InvalidAccessKeyId.NotFound', 404);
      });
    }
  });
}

/**
 * The Terraform provider's RAM call sequences (spec ram.md §10), replayed exactly as it sends them,
 * on both stores:
 *  - "RpcPost" (tea-rpc `DoRequest`): POST /, the common parameters in the query (`Format=json`,
 *    HMAC-SHA1), the business parameters in a form body, the signature over both;
 *  - "legacy" (alibaba-cloud-sdk-go request objects): RPC HMAC-SHA1 with `RegionId`, here a GET;
 * asserting what Terraform reads (the JSON paths §10 names, with their JSON types) and that every
 * error it meets on the way is one it tolerates (its code, or any 404 as "not found").
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { rpcSignature } from '../../src/wire/rpc-signature.js';
import { createRamServices } from '../../src/domain/identities/services.js';
import { type Body, type KeyPair, CallFailure, apiClient, plain, versions } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { startServer, type TestServer } from '../support/server.js';
import { encodeParams, send, timestamp } from '../wire/raw-request.js';
import { ramDatePattern, unique } from './support.js';

/** What a failed call tells Terraform: its code, its HTTP status, its body. */
class TerraformError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${status} ${code}`);
  }
}

/** Terraform's `NotFoundError`: any 404. */
const notFound = (error: TerraformError): boolean => error.status === 404;

/** Terraform's `IsExpectedErrors`: `code == X || X startsWith code || body contains X`. */
const expected = (error: TerraformError, codes: readonly string[]): boolean =>
  codes.some((code) => error.code === code || code.startsWith(error.code) || error.body.includes(code));

/** Runs a call Terraform makes while tolerating `codes` (and, when `anyNotFound`, every 404). */
async function tolerating<T>(call: Promise<T>, codes: readonly string[], anyNotFound = false): Promise<T | TerraformError> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof TerraformError && (expected(error, codes) || (anyNotFound && notFound(error)))) return error;
    throw error;
  }
}

/** The provider's two ways of calling Ram (and legacy STS), with one AccessKey. */
class Provider {
  constructor(
    private readonly server: TestServer,
    private readonly key: KeyPair,
  ) {}

  /** tea-rpc DoRequest: common parameters in the query, business ones in a form body. */
  async rpcPost(action: string, business: Record<string, string | boolean | number> = {}): Promise<Body> {
    const query: Record<string, string> = {
      Action: action,
      Format: 'json',
      Version: versions.ram,
      Timestamp: timestamp(),
      SignatureNonce: randomUUID(),
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      AccessKeyId: this.key.accessKeyId,
    };
    const body = Object.fromEntries(Object.entries(business).map(([name, value]) => [name, String(value)]));
    query.Signature = rpcSignature('POST', { ...query, ...body }, this.key.accessKeySecret);
    const response = await send(this.server.endpoint, {
      method: 'POST',
      path: `/?${encodeParams(query)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: encodeParams(body),
    });
    const parsed = JSON.parse(response.text) as Body;
    if (response.status >= 400) throw new TerraformError(String(parsed.Code), response.status, response.text);
    assert.equal(response.status, 200);
    return parsed;
  }

  /** alibaba-cloud-sdk-go request objects: RPC HMAC-SHA1 with RegionId. */
  async legacy(action: string, params: Record<string, string | number> = {}, version: string = versions.ram): Promise<Body> {
    const client = plain(apiClient('pop-get', this.server.endpoint, this.key, version));
    try {
      return await client.call(action, { RegionId: 'cn-hangzhou', ...params });
    } catch (error) {
      if (error instanceof CallFailure) throw new TerraformError(error.code, error.statusCode ?? 0, JSON.stringify(error.data ?? {}));
      throw error;
    }
  }
}

/** `$.A.B[*]` as Terraform's jsonpath reads it: a missing key fails ("unknown key"), not an empty list. */
function path(body: Body, ...keys: string[]): unknown {
  let value: unknown = body;
  for (const key of keys) {
    assert.ok(value !== null && typeof value === 'object' && key in (value as object), `unknown key ${key} in ${JSON.stringify(body)}`);
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const list = (body: Body, ...keys: string[]): Body[] => {
  const value = path(body, ...keys);
  assert.ok(Array.isArray(value), `${keys.join('.')} is an array`);
  return value as Body[];
};

const document = (action: string): string => JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: [action], Resource: ['*'] }] });

for (const backend of backends) {
  describe(`Terraform's RAM call sequences [${backend.name}]`, () => {
    let server: TestServer;
    let tf: Provider;
    before(async () => {
      server = await startServer({ backend });
      tf = new Provider(server, server.credentials);
    });
    after(() => server.close());

    /** `DescribeRamUser`: ListUsers MaxItems=100 page by page, matching UserId or UserName; then GetUser. */
    async function describeRamUser(provider: Provider, id: string): Promise<Body | undefined> {
      let marker: string | undefined;
      let found: Body | undefined;
      for (;;) {
        const page = await provider.legacy('ListUsers', { MaxItems: 100, ...(marker ? { Marker: marker } : {}) });
        found ??= list(page, 'Users', 'User').find((user) => user.UserId === id || user.UserName === id);
        const truncated = path(page, 'IsTruncated');
        assert.equal(typeof truncated, 'boolean');
        if (!truncated || found) break;
        assert.notEqual(page.Marker, marker, 'Terraform stops when the marker repeats');
        marker = page.Marker as string;
      }
      if (!found) return undefined;
      const got = await tolerating(provider.legacy('GetUser', { UserName: found.UserName as string }), ['EntityNotExist.User']);
      return got instanceof TerraformError ? undefined : (path(got, 'User') as Body);
    }

    test('provider: legacy Sts GetCallerIdentity answers the AccountId', async () => {
      const identity = await tf.legacy('GetCallerIdentity', {}, versions.sts);
      assert.equal(identity.AccountId, server.credentials.accountId);
    });

    test('alicloud_ram_user: create, wait, read, update (equal NewUserName, "" clears), forced delete', async () => {
      // An account with more than one page of users, so that DescribeRamUser pages with Marker.
      const tenant = await server.newTenant();
      const domain = createRamServices(server.store, server.clock.now);
      const acting = { accountId: tenant.accountId, directoryId: tenant.directoryId, actor: 'test' };
      for (let index = 0; index < 100; index += 1) await domain.users.create(acting, { userName: `earlier-${index}` });
      const provider = new Provider(server, tenant);

      const userName = unique('tf-user');
      const created = await provider.legacy('CreateUser', {
        UserName: userName,
        DisplayName: 'Terraform User',
        MobilePhone: '86-18600000000',
        Email: 'tf@example.com',
        Comments: 'managed by terraform',
      });
      const id = path(created, 'User', 'UserId') as string;
      assert.match(id, /^\d{16}$/);

      // WaitForRamUser(Normal): listed at once (a not-found here fails the apply).
      const described = await describeRamUser(provider, id);
      assert.ok(described, 'the new user is listed immediately, on the second page');
      for (const field of ['UserId', 'UserName', 'DisplayName', 'MobilePhone', 'Email', 'Comments']) assert.equal(typeof described[field], 'string', field);
      assert.deepEqual(
        [described.UserId, described.UserName, described.DisplayName, described.MobilePhone, described.Email, described.Comments],
        [id, userName, 'Terraform User', '86-18600000000', 'tf@example.com', 'managed by terraform'],
      );
      // IDs were names before v1.44.0: a state holding the name is found too.
      assert.equal((await describeRamUser(provider, userName))?.UserId, id);

      // Update: NewUserName always sent (equal when unchanged); "" clears.
      await provider.rpcPost('UpdateUser', {
        UserName: userName,
        NewUserName: userName,
        NewDisplayName: '',
        NewMobilePhone: '',
        NewEmail: 'changed@example.com',
        NewComments: 'still managed',
      });
      let read = await describeRamUser(provider, id);
      assert.equal(read?.DisplayName, undefined);
      assert.equal(read?.MobilePhone, undefined);
      assert.equal(read?.Email, 'changed@example.com');
      const renamed = unique('tf-renamed');
      await provider.rpcPost('UpdateUser', { UserName: userName, NewUserName: renamed, NewDisplayName: '', NewMobilePhone: '', NewEmail: '', NewComments: '' });
      read = await describeRamUser(provider, id);
      assert.equal(read?.UserName, renamed);
      assert.deepEqual(Object.keys(read ?? {}).sort(), ['CreateDate', 'UpdateDate', 'UserId', 'UserName']);

      // Give it everything a forced delete must take away.
      const groupName = unique('tf-user-group');
      await provider.legacy('CreateGroup', { GroupName: groupName });
      await provider.legacy('AddUserToGroup', { GroupName: groupName, UserName: renamed });
      await provider.legacy('AttachPolicyToUser', { PolicyType: 'System', PolicyName: 'AliyunRAMReadOnlyAccess', UserName: renamed });
      await provider.legacy('CreateAccessKey', { UserName: renamed });
      await provider.legacy('CreateAccessKey', { UserName: renamed });
      await provider.legacy('CreateLoginProfile', { UserName: renamed, Password: 'Terraform-Passw0rd' });

      // Delete with force=false: the conflict is an error that tells the user to set force.
      const refused = await tolerating(provider.legacy('DeleteUser', { UserName: renamed }), ['DeleteConflict.User.AccessKey', 'DeleteConflict.User.Group', 'DeleteConflict.User.Policy', 'DeleteConflict.User.LoginProfile', 'DeleteConflict.User.MFADevice']);
      assert.ok(refused instanceof TerraformError && refused.code.startsWith('DeleteConflict.User.'), 'a DeleteConflict.User.* answer');
      assert.equal(refused.status, 409);

      // Delete with force=true.
      await forcedUserDelete(provider, renamed);
      assert.equal(await describeRamUser(provider, id), undefined, 'WaitForRamUser(Deleted): not found');

      // A user with nothing attached: every step of the forced delete finds nothing, all tolerated.
      const bare = unique('tf-bare');
      await provider.legacy('CreateUser', { UserName: bare });
      await forcedUserDelete(provider, bare);
      // Describing a user that is gone: not found, so a delete is done.
      assert.equal(await describeRamUser(provider, bare), undefined);
    });

    /** `resourceAlicloudRamUserDelete` with force = true. */
    async function forcedUserDelete(provider: Provider, userName: string): Promise<void> {
      const keys = await provider.legacy('ListAccessKeys', { UserName: userName });
      for (const key of list(keys, 'AccessKeys', 'AccessKey')) {
        await tolerating(provider.legacy('DeleteAccessKey', { UserName: userName, UserAccessKeyId: key.AccessKeyId as string }), ['EntityNotExist']);
      }
      const policies = await provider.legacy('ListPoliciesForUser', { UserName: userName });
      for (const policy of list(policies, 'Policies', 'Policy')) {
        await tolerating(
          provider.legacy('DetachPolicyFromUser', { UserName: userName, PolicyName: policy.PolicyName as string, PolicyType: policy.PolicyType as string }),
          ['EntityNotExist'],
        );
      }
      const groups = await provider.legacy('ListGroupsForUser', { UserName: userName });
      for (const group of list(groups, 'Groups', 'Group')) {
        await tolerating(provider.legacy('RemoveUserFromGroup', { UserName: userName, GroupName: group.GroupName as string }), ['EntityNotExist']);
      }
      await tolerating(provider.legacy('DeleteLoginProfile', { UserName: userName }), ['EntityNotExist.User.LoginProfile']);
      const unbound = await tolerating(provider.legacy('UnbindMFADevice', { UserName: userName }), ['EntityNotExist', 'EntityNotExist.User.MFADevice']);
      assert.ok(unbound instanceof TerraformError, 'MFA devices do not exist: always a tolerated 404');
      assert.equal(unbound.code, 'EntityNotExist.User.MFADevice');
      await provider.legacy('DeleteUser', { UserName: userName });
    }

    test('alicloud_ram_access_key: for a user and for the account; create, status, read with UserName "", delete', async () => {
      const userName = unique('tf-keyed');
      await tf.legacy('CreateUser', { UserName: userName });
      for (const owner of [userName, undefined]) {
        const created = await tf.rpcPost('CreateAccessKey', owner ? { UserName: owner } : {});
        const accessKey = path(created, 'AccessKey') as Body;
        const id = accessKey.AccessKeyId as string;
        assert.equal(typeof accessKey.AccessKeySecret, 'string');
        // The key works at once (the provider may use it for its next configuration).
        const signer = new Provider(server, { accessKeyId: id, accessKeySecret: accessKey.AccessKeySecret as string });
        assert.equal((await signer.legacy('GetCallerIdentity', {}, versions.sts)).AccountId, server.credentials.accountId);

        // `status` configured on create: UpdateAccessKey right after.
        await tf.rpcPost('UpdateAccessKey', { UserAccessKeyId: id, Status: 'Inactive', UserName: owner ?? '' });
        const readKey = async (): Promise<Body | undefined> => {
          const keys = await tolerating(tf.rpcPost('ListAccessKeys', { UserName: owner ?? '' }), ['EntityNotExist.User']);
          if (keys instanceof TerraformError) return undefined;
          return list(keys, 'AccessKeys', 'AccessKey').find((key) => key.AccessKeyId === id);
        };
        let state = await readKey();
        assert.ok(state);
        assert.match(String(state.CreateDate), ramDatePattern);
        assert.equal(state.Status, 'Inactive');
        assert.equal('AccessKeySecret' in state, false);
        await tf.rpcPost('UpdateAccessKey', { UserAccessKeyId: id, Status: 'Active', UserName: owner ?? '' });
        state = await readKey();
        assert.equal(state?.Status, 'Active');

        await tf.rpcPost('DeleteAccessKey', { UserAccessKeyId: id, UserName: owner ?? '' });
        assert.equal(await readKey(), undefined, 'no match: gone');
        const again = await tolerating(tf.rpcPost('DeleteAccessKey', { UserAccessKeyId: id, UserName: owner ?? '' }), ['EntityNotExist.User.AccessKey', 'EntityNotExist.User'], true);
        assert.ok(again instanceof TerraformError && again.code === 'EntityNotExist.User.AccessKey');
      }
      // The user gone: its keys' read is "not found", and so is their delete.
      await tf.legacy('DeleteUser', { UserName: userName });
      const gone = await tolerating(tf.rpcPost('ListAccessKeys', { UserName: userName }), ['EntityNotExist.User']);
      assert.ok(gone instanceof TerraformError && notFound(gone));
      const deleted = await tolerating(tf.rpcPost('DeleteAccessKey', { UserAccessKeyId: 'LTAIxxxxxxxxxxxxxxxxxxxx', UserName: userName }), ['EntityNotExist.User.AccessKey', 'EntityNotExist.User'], true);
      assert.ok(deleted instanceof TerraformError && deleted.code === 'EntityNotExist.User');
    });

    test('alicloud_ram_login_profile: create, read (JSON booleans), update flags, delete', async () => {
      const userName = unique('tf-console');
      await tf.legacy('CreateUser', { UserName: userName });
      const created = await tf.rpcPost('CreateLoginProfile', { UserName: userName, Password: 'Terraform-Passw0rd', PasswordResetRequired: false, MFABindRequired: true });
      const id = path(created, 'LoginProfile', 'UserName');
      assert.equal(id, userName);
      const read = async (): Promise<Body | undefined> => {
        const got = await tolerating(tf.rpcPost('GetLoginProfile', { UserName: userName }), ['EntityNotExist.User.LoginProfile', 'EntityNotExist.User']);
        return got instanceof TerraformError ? undefined : (path(got, 'LoginProfile') as Body);
      };
      let state = await read();
      assert.ok(state);
      assert.match(String(state.CreateDate), ramDatePattern);
      assert.equal(state.UserName, userName);
      assert.strictEqual(state.PasswordResetRequired, false);
      assert.strictEqual(state.MFABindRequired, true);

      // Only when a flag changed; the password is always sent.
      await tf.rpcPost('UpdateLoginProfile', { UserName: userName, Password: 'Terraform-Passw0rd2', PasswordResetRequired: true });
      state = await read();
      assert.strictEqual(state?.PasswordResetRequired, true);
      assert.strictEqual(state?.MFABindRequired, true);

      await tf.rpcPost('DeleteLoginProfile', { UserName: userName });
      assert.equal(await read(), undefined);
      const again = await tolerating(tf.rpcPost('DeleteLoginProfile', { UserName: userName }), [], true);
      assert.ok(again instanceof TerraformError && again.code === 'EntityNotExist.User.LoginProfile');
    });

    test('alicloud_ram_policy: create with tags, read, new default version, description, retag, forced delete', async () => {
      const policyName = unique('tf-policy');
      const created = await tf.rpcPost('CreatePolicy', {
        PolicyName: policyName,
        Description: 'made by terraform',
        PolicyDocument: document('ram:Get*'),
        Tag: JSON.stringify([{ Key: 'owner', Value: 'alice' }, { Key: 'env', Value: 'prod' }]),
      });
      const id = (path(created, 'Policy') as Body).PolicyName as string;
      assert.equal(id, policyName);

      const read = async (): Promise<{ policy: Body; version: Body; tags: Record<string, string> } | undefined> => {
        const got = await tolerating(tf.rpcPost('GetPolicy', { PolicyName: id, PolicyType: 'Custom' }), ['EntityNotExist.Policy']);
        if (got instanceof TerraformError) return undefined;
        const version = path(got, 'DefaultPolicyVersion') as Body;
        assert.equal(typeof version.PolicyDocument, 'string', 'parsed unconditionally');
        assert.equal(typeof version.VersionId, 'string');
        const policy = path(got, 'Policy') as Body;
        assert.match(String(policy.CreateDate), ramDatePattern);
        assert.equal(typeof policy.AttachmentCount, 'number');
        assert.equal(policy.PolicyType, 'Custom');
        const tagged = await tf.rpcPost('ListTagResources', { ResourceType: 'policy', ResourceNames: JSON.stringify([id]) });
        const tags = Object.fromEntries(list(tagged, 'TagResources').map((tag) => [tag.TagKey as string, tag.TagValue as string]));
        return { policy, version, tags };
      };
      let state = await read();
      assert.ok(state);
      assert.deepEqual([state.policy.PolicyName, state.policy.Description, state.policy.DefaultVersion, state.policy.AttachmentCount], [policyName, 'made by terraform', 'v1', 0]);
      assert.deepEqual([state.version.VersionId, state.version.PolicyDocument], ['v1', document('ram:Get*')]);
      assert.deepEqual(state.tags, { env: 'prod', owner: 'alice' });

      // Update: document, description, tags.
      await tf.rpcPost('CreatePolicyVersion', { PolicyName: id, PolicyDocument: document('ram:List*'), SetAsDefault: true });
      await tf.rpcPost('UpdatePolicyDescription', { PolicyName: id, NewDescription: 'changed by terraform' });
      await tf.rpcPost('UntagResources', { ResourceType: 'policy', ResourceNames: JSON.stringify([id]), TagKeys: JSON.stringify(['env']), 'TagKey.1': 'env' });
      await tf.rpcPost('TagResources', { ResourceType: 'policy', ResourceNames: JSON.stringify([id]), Tag: JSON.stringify([{ Key: 'team', Value: 'core' }]) });
      state = await read();
      assert.deepEqual([state?.policy.DefaultVersion, state?.policy.Description, state?.version.VersionId, state?.version.PolicyDocument], ['v2', 'changed by terraform', 'v2', document('ram:List*')]);
      assert.deepEqual(state?.tags, { owner: 'alice', team: 'core' });
      // With a RotateStrategy set, each later change rotates the oldest non-default version out.
      for (const action of ['ram:A*', 'ram:B*', 'ram:C*', 'ram:D*', 'ram:E*']) {
        await tf.rpcPost('CreatePolicyVersion', { PolicyName: id, PolicyDocument: document(action), SetAsDefault: true, RotateStrategy: 'DeleteOldestNonDefaultVersionWhenLimitExceeded' });
      }
      state = await read();
      assert.equal(state?.version.VersionId, 'v7');

      // Attached to a user and a group: a plain delete is retried on its conflicts.
      const userName = unique('tf-policy-user');
      const groupName = unique('tf-policy-group');
      await tf.legacy('CreateUser', { UserName: userName });
      await tf.rpcPost('CreateGroup', { GroupName: groupName });
      await tf.rpcPost('AttachPolicyToUser', { PolicyName: id, UserName: userName, PolicyType: 'Custom' });
      await tf.rpcPost('AttachPolicyToGroup', { PolicyName: id, GroupName: groupName, PolicyType: 'Custom' });
      const retryCodes = ['DeleteConflict.Policy.Group', 'DeleteConflict.Policy.User', 'DeleteConflict.Policy.Version', 'DeleteConflict.Role.Policy'];
      const conflict = await tolerating(tf.rpcPost('DeletePolicy', { PolicyName: id, CascadingDelete: true }), retryCodes);
      assert.ok(conflict instanceof TerraformError && conflict.code === 'DeleteConflict.Policy.User');

      // Forced delete: every entity detached, every non-default version deleted, then DeletePolicy.
      await forcedPolicyDelete(id);
      assert.equal(await read(), undefined);
      // Deleting what is already gone is done at the first step.
      await forcedPolicyDelete(id);
    });

    /** `resourceAliCloudRamPolicyDelete` with force = true. */
    async function forcedPolicyDelete(id: string): Promise<void> {
      const entities = await tolerating(tf.rpcPost('ListEntitiesForPolicy', { PolicyName: id, PolicyType: 'Custom' }), ['EntityNotExist.Policy'], true);
      if (entities instanceof TerraformError) return;
      for (const user of list(entities, 'Users', 'User')) {
        await tolerating(tf.rpcPost('DetachPolicyFromUser', { PolicyName: id, PolicyType: 'Custom', UserName: user.UserName as string }), ['EntityNotExist']);
      }
      for (const group of list(entities, 'Groups', 'Group')) {
        await tolerating(tf.rpcPost('DetachPolicyFromGroup', { PolicyName: id, PolicyType: 'Custom', GroupName: group.GroupName as string }), ['EntityNotExist']);
      }
      assert.deepEqual(list(entities, 'Roles', 'Role'), []);
      const versions = list(await tf.rpcPost('ListPolicyVersions', { PolicyName: id, PolicyType: 'Custom' }), 'PolicyVersions', 'PolicyVersion');
      if (versions.length > 1) {
        for (const version of versions) {
          assert.equal(typeof version.IsDefaultVersion, 'boolean');
          if (version.IsDefaultVersion === false) {
            await tolerating(tf.rpcPost('DeletePolicyVersion', { PolicyName: id, VersionId: version.VersionId as string }), ['EntityNotExist.Policy', 'EntityNotExist.Policy.Version']);
          }
        }
      }
      const deleted = await tolerating(tf.rpcPost('DeletePolicy', { PolicyName: id, CascadingDelete: true }), ['EntityNotExist'], true);
      assert.equal(deleted instanceof TerraformError, false, 'deleted at the first attempt');
    }

    test('alicloud_ram_user_policy_attachment and alicloud_ram_group_policy_attachment: create, read, delete', async () => {
      const userName = unique('tf-attached');
      const groupName = unique('tf-attached-group');
      const policyName = unique('tf-attachable');
      await tf.legacy('CreateUser', { UserName: userName });
      await tf.rpcPost('CreateGroup', { GroupName: groupName });
      await tf.rpcPost('CreatePolicy', { PolicyName: policyName, PolicyDocument: document('ram:Get*') });

      for (const [kind, principal, nameParam, listAction, attachAction, detachAction, tolerated] of [
        ['user', userName, 'UserName', 'ListPoliciesForUser', 'AttachPolicyToUser', 'DetachPolicyFromUser', ['EntityNotExist.User', 'EntityNotExist.User.Policy']],
        ['group', groupName, 'GroupName', 'ListPoliciesForGroup', 'AttachPolicyToGroup', 'DetachPolicyFromGroup', ['EntityNotExist.Group', 'EntityNotExist.Group.Policy']],
      ] as const) {
        for (const [type, name] of [['Custom', policyName], ['System', 'AliyunRAMReadOnlyAccess']] as const) {
          await tf.rpcPost(attachAction, { PolicyType: type, PolicyName: name, [nameParam]: principal });
          const id = `${kind}:${name}:${type}:${principal}`;
          const [, idPolicy, idType, idPrincipal] = id.split(':');
          const read = async (): Promise<Body | undefined> => {
            const listed = await tolerating(tf.rpcPost(listAction, { [nameParam]: idPrincipal! }), [tolerated[0]]);
            if (listed instanceof TerraformError) return undefined;
            return list(listed, 'Policies', 'Policy').find(
              (policy) => String(policy.PolicyName).toLowerCase() === idPolicy!.toLowerCase() && policy.PolicyType === idType,
            );
          };
          const state = await read();
          assert.deepEqual([state?.PolicyName, state?.PolicyType], [name, type]);
          await tf.rpcPost(detachAction, { PolicyType: type, PolicyName: name, [nameParam]: principal });
          assert.equal(await read(), undefined);
          const again = await tolerating(tf.rpcPost(detachAction, { PolicyType: type, PolicyName: name, [nameParam]: principal }), tolerated, true);
          assert.ok(again instanceof TerraformError && again.code === tolerated[1]);
        }
      }
    });

    test('alicloud_ram_group: create, read, update comments, forced delete over paged members', async () => {
      const groupName = unique('tf-group');
      const created = await tf.rpcPost('CreateGroup', { GroupName: groupName, Comments: 'made by terraform' });
      const id = path(created, 'Group', 'GroupName') as string;
      const read = async (): Promise<Body | undefined> => {
        const got = await tolerating(tf.rpcPost('GetGroup', { GroupName: id }), ['EntityNotExist.Group']);
        return got instanceof TerraformError ? undefined : (path(got, 'Group') as Body);
      };
      let state = await read();
      assert.deepEqual([state?.GroupName, state?.Comments], [groupName, 'made by terraform']);
      assert.match(String(state?.CreateDate), ramDatePattern);
      await tf.rpcPost('UpdateGroup', { GroupName: id, NewComments: 'changed by terraform' });
      state = await read();
      assert.equal(state?.Comments, 'changed by terraform');

      // More members than one page, and policies.
      const domain = createRamServices(server.store, server.clock.now);
      const acting = { accountId: server.credentials.accountId, directoryId: server.credentials.directoryId, actor: 'test' };
      for (let index = 0; index < 103; index += 1) {
        const member = unique('tf-member');
        await domain.users.create(acting, { userName: member });
        await domain.memberships.addUserToGroup(acting, { groupName: id, userName: member });
      }
      await tf.rpcPost('AttachPolicyToGroup', { PolicyType: 'System', PolicyName: 'AliyunRAMReadOnlyAccess', GroupName: id });
      const conflict = await tolerating(tf.rpcPost('DeleteGroup', { GroupName: id }), ['DeleteConflict.Group.User', 'DeleteConflict.Group.Policy']);
      assert.ok(conflict instanceof TerraformError && conflict.code === 'DeleteConflict.Group.User');

      // Forced delete: members page by page (IsTruncated a JSON boolean), then policies.
      let marker: string | undefined;
      let removed = 0;
      for (;;) {
        const page = await tf.rpcPost('ListUsersForGroup', { GroupName: id, ...(marker ? { Marker: marker } : {}) });
        for (const user of list(page, 'Users', 'User')) {
          await tolerating(tf.rpcPost('RemoveUserFromGroup', { GroupName: id, UserName: user.UserName as string }), ['EntityNotExist']);
          removed += 1;
        }
        const truncated = path(page, 'IsTruncated');
        assert.equal(typeof truncated, 'boolean');
        if (truncated !== true) break;
        assert.notEqual(page.Marker, marker);
        marker = page.Marker as string;
      }
      assert.equal(removed, 103, 'every member, once');
      for (const policy of list(await tf.rpcPost('ListPoliciesForGroup', { GroupName: id }), 'Policies', 'Policy')) {
        await tolerating(tf.rpcPost('DetachPolicyFromGroup', { GroupName: id, PolicyName: policy.PolicyName as string, PolicyType: policy.PolicyType as string }), ['EntityNotExist']);
      }
      await tf.rpcPost('DeleteGroup', { GroupName: id });
      assert.equal(await read(), undefined);
      const again = await tolerating(tf.rpcPost('DeleteGroup', { GroupName: id }), ['EntityNotExist.Group'], true);
      assert.ok(again instanceof TerraformError && again.code === 'EntityNotExist.Group');
    });

    test('alicloud_ram_group_membership (legacy) and alicloud_ram_user_group_attachment: add, read by pages, update, remove', async () => {
      const groupName = unique('tf-members');
      await tf.rpcPost('CreateGroup', { GroupName: groupName });
      const users = [unique('tf-m'), unique('tf-m'), unique('tf-m')];
      for (const userName of users) await tf.legacy('CreateUser', { UserName: userName });

      /** `DescribeRamGroupMembership`: every page; an empty list is "not found". */
      const readMembers = async (): Promise<string[] | undefined> => {
        const names: string[] = [];
        let marker: string | undefined;
        for (;;) {
          const page = await tolerating(tf.legacy('ListUsersForGroup', { GroupName: groupName, ...(marker ? { Marker: marker } : {}) }), ['EntityNotExist']);
          if (page instanceof TerraformError) return undefined;
          names.push(...list(page, 'Users', 'User').map((user) => user.UserName as string));
          if (!page.IsTruncated) break;
          marker = page.Marker as string;
        }
        return names.length === 0 ? undefined : names;
      };
      assert.equal(await readMembers(), undefined);
      for (const userName of users.slice(0, 2)) await tf.legacy('AddUserToGroup', { UserName: userName, GroupName: groupName });
      assert.deepEqual(await readMembers(), users.slice(0, 2));
      // Update: remove the dropped ones (tolerating EntityNotExist), then add the new ones.
      await tolerating(tf.legacy('RemoveUserFromGroup', { UserName: users[0]!, GroupName: groupName }), ['EntityNotExist']);
      await tf.legacy('AddUserToGroup', { UserName: users[2]!, GroupName: groupName });
      assert.deepEqual(await readMembers(), users.slice(1));
      // Delete: remove each, then wait until the read is "not found".
      for (const userName of users.slice(1)) await tolerating(tf.legacy('RemoveUserFromGroup', { UserName: userName, GroupName: groupName }), ['EntityNotExist']);
      assert.equal(await readMembers(), undefined);
      const stale = await tolerating(tf.legacy('RemoveUserFromGroup', { UserName: users[1]!, GroupName: groupName }), ['EntityNotExist']);
      assert.ok(stale instanceof TerraformError && stale.code === 'EntityNotExist.User.Group');

      // The replacement resource, over RpcPost: a second add is done already, a second remove is gone already.
      const attachmentId = `${groupName}:${users[0]}`;
      const [idGroup, idUser] = attachmentId.split(':') as [string, string];
      await tolerating(tf.rpcPost('AddUserToGroup', { GroupName: idGroup, UserName: idUser }), ['EntityAlreadyExists.User.Group']);
      const twice = await tolerating(tf.rpcPost('AddUserToGroup', { GroupName: idGroup, UserName: idUser }), ['EntityAlreadyExists.User.Group']);
      assert.ok(twice instanceof TerraformError && twice.status === 409);
      const page = await tf.rpcPost('ListUsersForGroup', { GroupName: idGroup });
      assert.ok(list(page, 'Users', 'User').some((user) => user.UserName === idUser));
      const removeTolerated = ['EntityNotExist.Group', 'EntityNotExist.User', 'EntityNotExist.User.Group'];
      await tolerating(tf.rpcPost('RemoveUserFromGroup', { GroupName: idGroup, UserName: idUser }), removeTolerated, true);
      const removedTwice = await tolerating(tf.rpcPost('RemoveUserFromGroup', { GroupName: idGroup, UserName: idUser }), removeTolerated, true);
      assert.ok(removedTwice instanceof TerraformError && notFound(removedTwice));
    });
  });
}

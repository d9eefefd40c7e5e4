/**
 * The Ram product's declarations, read directly: it serves exactly the actions of spec ram.md §3,
 * every Get/List action (and only those) is read-only, and each action names the resources of the
 * authorization table (§7.3) built from the parameters as sent, before anything is checked.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Services } from '../../src/products/define.js';
import { products } from '../../src/products/index.js';
import type { Tenant } from '../../src/domain/tenant.js';

const ram = products.get('2015-05-01')!;
const account = '1234567890123456';
const asUser: Tenant = { accountId: account, directoryId: 'rd-x', actor: 'LTAIx', principal: { kind: 'user', userId: '2000000000000001', userName: 'me' } };

const served = [
  'CreateUser', 'GetUser', 'UpdateUser', 'DeleteUser', 'ListUsers', 'UnbindMFADevice',
  'CreateAccessKey', 'UpdateAccessKey', 'DeleteAccessKey', 'ListAccessKeys', 'GetAccessKeyLastUsed',
  'CreateLoginProfile', 'GetLoginProfile', 'UpdateLoginProfile', 'DeleteLoginProfile',
  'GetPasswordPolicy', 'SetPasswordPolicy',
  'CreateGroup', 'GetGroup', 'UpdateGroup', 'DeleteGroup', 'ListGroups', 'AddUserToGroup', 'RemoveUserFromGroup', 'ListGroupsForUser', 'ListUsersForGroup',
  'CreatePolicy', 'GetPolicy', 'DeletePolicy', 'ListPolicies', 'UpdatePolicyDescription',
  'CreatePolicyVersion', 'GetPolicyVersion', 'ListPolicyVersions', 'DeletePolicyVersion', 'SetDefaultPolicyVersion',
  'AttachPolicyToUser', 'DetachPolicyFromUser', 'AttachPolicyToGroup', 'DetachPolicyFromGroup', 'ListPoliciesForUser', 'ListPoliciesForGroup', 'ListEntitiesForPolicy',
  'TagResources', 'UntagResources', 'ListTagResources',
];

const user = (name: string) => `acs:ram:*:${account}:user/${name}`;
const group = (name: string) => `acs:ram:*:${account}:group/${name}`;
const policy = (name: string) => `acs:ram:*:${account}:policy/${name}`;
const systemPolicy = (name: string) => `acs:ram:*:system:policy/${name}`;

/** [action, parameters as sent, the resources in order]. */
const table: [string, Record<string, string>, string[]][] = [
  ['CreateUser', { UserName: 'alice' }, [user('*')]],
  ['ListUsers', {}, [user('*')]],
  ['GetUser', { UserName: 'alice' }, [user('alice')]],
  ['UpdateUser', { UserName: 'alice', NewUserName: 'bob' }, [user('alice')]],
  ['DeleteUser', { UserName: 'Bad Name!' }, [user('Bad Name!')]],
  ['DeleteUser', {}, [user('')]],
  ['UnbindMFADevice', { UserName: 'alice' }, [user('alice')]],
  ['CreateLoginProfile', { UserName: 'alice' }, [user('alice')]],
  ['GetLoginProfile', { UserName: 'alice' }, [user('alice')]],
  ['UpdateLoginProfile', { UserName: 'alice' }, [user('alice')]],
  ['DeleteLoginProfile', { UserName: 'alice' }, [user('alice')]],
  ['CreateAccessKey', { UserName: 'alice' }, [user('alice')]],
  ['CreateAccessKey', {}, [user('me')]],
  ['ListAccessKeys', { UserName: '' }, [user('me')]],
  ['UpdateAccessKey', { UserAccessKeyId: 'LTAI1', Status: 'Inactive' }, [user('me')]],
  ['DeleteAccessKey', { UserAccessKeyId: 'LTAI1', UserName: 'alice' }, [user('alice')]],
  ['GetAccessKeyLastUsed', { UserAccessKeyId: 'LTAI1' }, [user('me')]],
  ['CreateGroup', { GroupName: 'dev' }, [group('*')]],
  ['ListGroups', {}, [group('*')]],
  ['GetGroup', { GroupName: 'dev' }, [group('dev')]],
  ['UpdateGroup', { GroupName: 'dev' }, [group('dev')]],
  ['DeleteGroup', { GroupName: 'dev' }, [group('dev')]],
  ['AddUserToGroup', { UserName: 'alice', GroupName: 'dev' }, [user('alice'), group('dev')]],
  ['RemoveUserFromGroup', { UserName: 'alice', GroupName: 'dev' }, [user('alice'), group('dev')]],
  ['ListGroupsForUser', { UserName: 'alice' }, [user('alice')]],
  ['ListUsersForGroup', { GroupName: 'dev' }, [group('dev')]],
  ['CreatePolicy', { PolicyName: 'p' }, [policy('*')]],
  ['ListPolicies', { PolicyType: 'System' }, [policy('*')]],
  ['GetPolicy', { PolicyName: 'p', PolicyType: 'Custom' }, [policy('p')]],
  ['GetPolicy', { PolicyName: 'AdministratorAccess', PolicyType: 'System' }, [systemPolicy('AdministratorAccess')]],
  ['GetPolicy', { PolicyName: 'p' }, [policy('p')]],
  ['GetPolicyVersion', { PolicyName: 'S', PolicyType: 'System', VersionId: 'v1' }, [systemPolicy('S')]],
  ['ListPolicyVersions', { PolicyName: 'p', PolicyType: 'Custom' }, [policy('p')]],
  ['ListEntitiesForPolicy', { PolicyName: 'S', PolicyType: 'System' }, [systemPolicy('S')]],
  ['DeletePolicy', { PolicyName: 'p' }, [policy('p')]],
  ['CreatePolicyVersion', { PolicyName: 'p' }, [policy('p')]],
  ['DeletePolicyVersion', { PolicyName: 'p', VersionId: 'v2' }, [policy('p')]],
  ['SetDefaultPolicyVersion', { PolicyName: 'p', VersionId: 'v2' }, [policy('p')]],
  ['UpdatePolicyDescription', { PolicyName: 'p' }, [policy('p')]],
  ['AttachPolicyToUser', { UserName: 'alice', PolicyName: 'S', PolicyType: 'System' }, [user('alice'), systemPolicy('S')]],
  ['DetachPolicyFromUser', { UserName: 'alice', PolicyName: 'p', PolicyType: 'Custom' }, [user('alice'), policy('p')]],
  ['AttachPolicyToGroup', { GroupName: 'dev', PolicyName: 'p', PolicyType: 'Custom' }, [group('dev'), policy('p')]],
  ['DetachPolicyFromGroup', { GroupName: 'dev', PolicyName: 'S', PolicyType: 'System' }, [group('dev'), systemPolicy('S')]],
  ['ListPoliciesForUser', { UserName: 'alice' }, [user('alice')]],
  ['ListPoliciesForGroup', { GroupName: 'dev' }, [group('dev')]],
  ['GetPasswordPolicy', {}, [`acs:ram:*:${account}:*`]],
  ['SetPasswordPolicy', {}, [`acs:ram:*:${account}:*`]],
  ['TagResources', { ResourceNames: '["a","b"]' }, [policy('a'), policy('b')]],
  ['UntagResources', { ResourceNames: '["a"]' }, [policy('a')]],
  ['TagResources', { ResourceNames: 'not json' }, [policy('not json')]],
  ['UntagResources', {}, [policy('')]],
  ['ListTagResources', { ResourceType: 'policy', ResourceNames: '["a"]' }, ['*']],
];

describe('the Ram 2015-05-01 declarations', () => {
  test('the product is Ram 2015-05-01 with RAM code ram, serving exactly the actions of spec §3', () => {
    assert.deepEqual([ram.name, ram.version, ram.ramCode], ['Ram', '2015-05-01', 'ram']);
    assert.deepEqual([...ram.actions.keys()].sort(), [...served].sort());
  });

  test('every Get and List action is read-only, and no other', () => {
    for (const [name, action] of ram.actions) assert.equal(action.readOnly === true, /^(Get|List)/.test(name), name);
  });

  test('every action declares the resources of the authorization table, from the parameters as sent', async () => {
    const covered = new Set<string>();
    for (const [name, params, expected] of table) {
      const resources = ram.actions.get(name)!.resources;
      assert.equal(typeof resources, 'function', `${name} declares its resources`);
      if (typeof resources !== 'function') continue;
      assert.deepEqual(await resources({ tenant: asUser, services: {} as Services, params }), expected, `${name} ${JSON.stringify(params)}`);
      covered.add(name);
    }
    assert.deepEqual([...covered].sort(), [...served].sort(), 'the table covers every action');
  });
});

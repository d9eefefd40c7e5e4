/**
 * Policy attachments in the domain (spec ram.md §3.7) on every storage backend: attach and detach
 * system and custom policies to users and groups, their check order and per-type quotas, the
 * listings both ways, and the policies in force for a user (directly and through its groups), which
 * move with every change and the account's RAM revision.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemPolicy } from '../../src/domain/access/system-policies.js';
import { backends } from '../support/backends.js';
import { type RamWorld, auditOf, failingAtAudit, ramWorld, rejectsWith, revisionOf } from './support.js';

const allow = (action: string) => JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
const systemDocument = (name: string) => systemPolicy(name)!.policyDocument;

for (const backend of backends) {
  describe(`RAM policy attachments [${backend.name}]`, () => {
    let world: RamWorld;
    before(async () => {
      world = await ramWorld(backend);
    });
    after(() => world.close());

    test('AttachPolicyToUser: check order from parameters to existence, conflicts and limits', async () => {
      const ram = world.withOptions({ quotas: { systemPoliciesPerUser: 2, customPoliciesPerUser: 1 } });
      const account = await world.newAccount();
      await ram.users.create(account.root, { userName: 'att' });
      await ram.policies.create(account.root, { policyName: 'custom-a', policyDocument: allow('a:a') });
      await ram.policies.create(account.root, { policyName: 'custom-b', policyDocument: allow('a:b') });
      const base = { policyType: 'System', policyName: 'AdministratorAccess', userName: 'att' };
      const cases: [Record<string, string | undefined>, string][] = [
        [{ ...base, policyType: undefined }, 'MissingPolicyType'],
        [{ ...base, policyName: '' }, 'MissingPolicyName'],
        [{ ...base, userName: undefined }, 'MissingUserName'],
        [{ ...base, policyType: 'system', userName: 'bad name' }, 'InvalidParameter.PolicyType'],
        [{ ...base, userName: 'bad name', policyName: 'bad_name' }, 'InvalidParameter.UserName.InvalidChars'],
        [{ ...base, policyName: 'bad_name' }, 'InvalidParameter.PolicyName.InvalidChars'],
        [{ ...base, userName: 'nobody', resourceGroupId: 'rg-123' }, 'InvalidParameter.ResourceGroupId'],
        [{ ...base, userName: 'nobody', policyName: 'NoSuchPolicy' }, 'EntityNotExist.User'],
        [{ ...base, policyName: 'NoSuchPolicy' }, 'EntityNotExist.Policy'],
        [{ ...base, policyType: 'Custom' }, 'EntityNotExist.Policy'],
        [{ ...base, policyType: 'System', policyName: 'custom-a' }, 'EntityNotExist.Policy'],
      ];
      for (const [input, code] of cases) await rejectsWith(ram.attachments.attachPolicyToUser(account.root, input), code, JSON.stringify(input));

      await ram.attachments.attachPolicyToUser(account.root, { ...base, resourceGroupId: '' });
      await rejectsWith(ram.attachments.attachPolicyToUser(account.root, { ...base, policyName: 'administratoraccess', userName: 'ATT' }), 'EntityAlreadyExists.User.Policy');
      await ram.attachments.attachPolicyToUser(account.root, { ...base, policyName: 'AliyunRAMReadOnlyAccess' });
      await rejectsWith(ram.attachments.attachPolicyToUser(account.root, { ...base, policyName: 'AliyunRAMFullAccess' }), 'LimitExceeded.User.Policy');
      // Each type has its own quota.
      await ram.attachments.attachPolicyToUser(account.root, { policyType: 'Custom', policyName: 'CUSTOM-A', userName: 'att' });
      await rejectsWith(ram.attachments.attachPolicyToUser(account.root, { policyType: 'Custom', policyName: 'custom-b', userName: 'att' }), 'LimitExceeded.User.Policy');
      // A conflict is reported before the limit.
      await rejectsWith(ram.attachments.attachPolicyToUser(account.root, { policyType: 'Custom', policyName: 'custom-a', userName: 'att' }), 'EntityAlreadyExists.User.Policy');
    });

    test('DetachPolicyFromUser: the user, the policy, then the attachment', async () => {
      const account = await world.newAccount();
      const { ram } = world;
      await ram.users.create(account.root, { userName: 'det' });
      await ram.attachments.attachPolicyToUser(account.root, { policyType: 'System', policyName: 'AliyunRAMFullAccess', userName: 'det' });
      await rejectsWith(ram.attachments.detachPolicyFromUser(account.root, { policyType: 'System', policyName: 'AliyunRAMFullAccess', userName: 'nobody' }), 'EntityNotExist.User');
      await rejectsWith(ram.attachments.detachPolicyFromUser(account.root, { policyType: 'Custom', policyName: 'AliyunRAMFullAccess', userName: 'det' }), 'EntityNotExist.Policy');
      await rejectsWith(ram.attachments.detachPolicyFromUser(account.root, { policyType: 'System', policyName: 'AdministratorAccess', userName: 'det' }), 'EntityNotExist.User.Policy');
      await rejectsWith(ram.attachments.detachPolicyFromUser(account.root, { policyType: 'System', policyName: 'AliyunRAMFullAccess', userName: 'det', resourceGroupId: 'rg-1' }), 'InvalidParameter.ResourceGroupId');
      const revision = await revisionOf(world, account.accountId);
      await ram.attachments.detachPolicyFromUser(account.root, { policyType: 'System', policyName: 'aliyunramfullaccess', userName: 'DET' });
      assert.ok((await revisionOf(world, account.accountId)) > revision);
      assert.deepEqual(await ram.attachments.policiesForUser(account.root, 'det'), []);
      await rejectsWith(ram.attachments.detachPolicyFromUser(account.root, { policyType: 'System', policyName: 'AliyunRAMFullAccess', userName: 'det' }), 'EntityNotExist.User.Policy');
    });

    test('group attachments: their own codes and quotas', async () => {
      const ram = world.withOptions({ quotas: { customPoliciesPerGroup: 1, systemPoliciesPerGroup: 1 } });
      const account = await world.newAccount();
      await ram.groups.create(account.root, { groupName: 'grp' });
      await ram.policies.create(account.root, { policyName: 'g-one', policyDocument: allow('a:a') });
      await ram.policies.create(account.root, { policyName: 'g-two', policyDocument: allow('a:b') });
      await rejectsWith(ram.attachments.attachPolicyToGroup(account.root, { policyType: 'Custom', policyName: 'g-one' }), 'MissingGroupName');
      await rejectsWith(ram.attachments.attachPolicyToGroup(account.root, { policyType: 'Custom', policyName: 'g-one', groupName: 'g r p' }), 'InvalidParameter.GroupName.InvalidChars');
      await rejectsWith(ram.attachments.attachPolicyToGroup(account.root, { policyType: 'Custom', policyName: 'g-one', groupName: 'none' }), 'EntityNotExist.Group');
      await ram.attachments.attachPolicyToGroup(account.root, { policyType: 'Custom', policyName: 'g-one', groupName: 'GRP' });
      await rejectsWith(ram.attachments.attachPolicyToGroup(account.root, { policyType: 'Custom', policyName: 'G-ONE', groupName: 'grp' }), 'EntityAlreadyExists.Group.Policy');
      await rejectsWith(ram.attachments.attachPolicyToGroup(account.root, { policyType: 'Custom', policyName: 'g-two', groupName: 'grp' }), 'LimitExceeded.Group.Policy');
      await ram.attachments.attachPolicyToGroup(account.root, { policyType: 'System', policyName: 'AdministratorAccess', groupName: 'grp' });
      await rejectsWith(ram.attachments.attachPolicyToGroup(account.root, { policyType: 'System', policyName: 'AliyunRAMFullAccess', groupName: 'grp' }), 'LimitExceeded.Group.Policy');
      await rejectsWith(ram.attachments.detachPolicyFromGroup(account.root, { policyType: 'Custom', policyName: 'g-two', groupName: 'grp' }), 'EntityNotExist.Group.Policy');
      await rejectsWith(ram.attachments.detachPolicyFromGroup(account.root, { policyType: 'Custom', policyName: 'g-one', groupName: 'none' }), 'EntityNotExist.Group');
      await ram.attachments.detachPolicyFromGroup(account.root, { policyType: 'Custom', policyName: 'g-one', groupName: 'grp' });
      assert.deepEqual((await ram.attachments.policiesForGroup(account.root, 'grp')).map((p) => p.policyName), ['AdministratorAccess']);
      await rejectsWith(ram.attachments.policiesForGroup(account.root, 'none'), 'EntityNotExist.Group');
    });

    test('ListPoliciesForUser lists direct attachments only; ListEntitiesForPolicy lists users and groups', async () => {
      const account = await world.newAccount();
      const { ram } = world;
      const user = await ram.users.create(account.root, { userName: 'lister', displayName: 'Lister' });
      const group = await ram.groups.create(account.root, { groupName: 'listers', comments: 'all of them' });
      await ram.memberships.addUserToGroup(account.root, { groupName: 'listers', userName: 'lister' });
      await ram.policies.create(account.root, { policyName: 'shared', policyDocument: allow('a:shared'), description: 'both' });
      await ram.policyVersions.create(account.root, { policyName: 'shared', policyDocument: allow('a:v2'), setAsDefault: true });
      await ram.attachments.attachPolicyToUser(account.root, { policyType: 'Custom', policyName: 'shared', userName: 'lister' });
      await ram.attachments.attachPolicyToUser(account.root, { policyType: 'System', policyName: 'AliyunRAMReadOnlyAccess', userName: 'lister' });
      await ram.attachments.attachPolicyToGroup(account.root, { policyType: 'Custom', policyName: 'shared', groupName: 'listers' });
      await ram.attachments.attachPolicyToGroup(account.root, { policyType: 'System', policyName: 'AdministratorAccess', groupName: 'listers' });

      const direct = await ram.attachments.policiesForUser(account.root, 'LISTER');
      assert.deepEqual(
        direct.map((p) => [p.policyName, p.policyType, p.description, p.defaultVersion]),
        [
          ['shared', 'Custom', 'both', 'v2'],
          ['AliyunRAMReadOnlyAccess', 'System', systemPolicy('AliyunRAMReadOnlyAccess')!.description, 'v3'],
        ],
      );
      assert.ok(direct.every((p) => typeof p.attachedAt === 'string'));
      assert.deepEqual((await ram.attachments.policiesForGroup(account.root, 'listers')).map((p) => p.policyName), ['shared', 'AdministratorAccess']);
      await rejectsWith(ram.attachments.policiesForUser(account.root, 'nobody'), 'EntityNotExist.User');

      const entities = await ram.attachments.entitiesForPolicy(account.root, { policyName: 'SHARED', policyType: 'Custom' });
      assert.deepEqual(entities.users.map((u) => [u.userId, u.userName, u.displayName]), [[user.userId, 'lister', 'Lister']]);
      assert.deepEqual(entities.groups.map((g) => [g.groupId, g.groupName, g.comments]), [[group.groupId, 'listers', 'all of them']]);
      const none = await ram.attachments.entitiesForPolicy(account.root, { policyName: 'AliyunRAMFullAccess', policyType: 'System' });
      assert.deepEqual(none, { users: [], groups: [] });
      await rejectsWith(ram.attachments.entitiesForPolicy(account.root, { policyName: 'shared', policyType: 'System' }), 'EntityNotExist.Policy');
      await rejectsWith(ram.attachments.entitiesForPolicy(account.root, { policyName: 'shared', policyType: 'Any' }), 'InvalidParameter.PolicyType');
      assert.equal((await ram.policies.get(account.root, { policyName: 'shared', policyType: 'Custom' })).policy.attachmentCount, 2);
      assert.equal((await ram.policies.get(account.root, { policyName: 'AdministratorAccess', policyType: 'System' })).policy.attachmentCount, 1);
    });

    test('policiesInForce: the default documents of the user’s and its groups’ policies, each once, following every change', async () => {
      const account = await world.newAccount();
      const { ram } = world;
      const user = await ram.users.create(account.root, { userName: 'subject' });
      const bystander = await ram.users.create(account.root, { userName: 'bystander' });
      const inForce = async () => [...(await ram.policiesInForce(account.accountId, user.userId))].sort();
      assert.deepEqual(await inForce(), []);

      await ram.policies.create(account.root, { policyName: 'mine', policyDocument: allow('a:mine-v1') });
      await ram.attachments.attachPolicyToUser(account.root, { policyType: 'Custom', policyName: 'mine', userName: 'subject' });
      await ram.groups.create(account.root, { groupName: 'crew' });
      await ram.memberships.addUserToGroup(account.root, { groupName: 'crew', userName: 'subject' });
      await ram.attachments.attachPolicyToGroup(account.root, { policyType: 'Custom', policyName: 'mine', groupName: 'crew' });
      await ram.attachments.attachPolicyToGroup(account.root, { policyType: 'System', policyName: 'AliyunRAMReadOnlyAccess', groupName: 'crew' });
      assert.deepEqual(await inForce(), [allow('a:mine-v1'), systemDocument('AliyunRAMReadOnlyAccess')].sort());
      assert.deepEqual(await ram.policiesInForce(account.accountId, bystander.userId), []);

      const revision = await revisionOf(world, account.accountId);
      await ram.policyVersions.create(account.root, { policyName: 'mine', policyDocument: allow('a:mine-v2') });
      assert.deepEqual(await inForce(), [allow('a:mine-v1'), systemDocument('AliyunRAMReadOnlyAccess')].sort(), 'a non-default version is not in force');
      await ram.policyVersions.setDefault(account.root, { policyName: 'mine', versionId: 'v2' });
      assert.deepEqual(await inForce(), [allow('a:mine-v2'), systemDocument('AliyunRAMReadOnlyAccess')].sort());
      await ram.memberships.removeUserFromGroup(account.root, { groupName: 'crew', userName: 'subject' });
      assert.deepEqual(await inForce(), [allow('a:mine-v2')]);
      await ram.attachments.detachPolicyFromUser(account.root, { policyType: 'Custom', policyName: 'mine', userName: 'subject' });
      assert.deepEqual(await inForce(), []);
      assert.ok((await revisionOf(world, account.accountId)) >= revision + 4, 'every one of those changes moved the revision');
      // Another account's ID finds nothing of this one.
      const other = await world.newAccount();
      assert.deepEqual(await ram.policiesInForce(other.accountId, user.userId), []);
    });

    test('each account attaches only its own custom policies', async () => {
      const a = await world.newAccount();
      const b = await world.newAccount();
      const { ram } = world;
      await ram.policies.create(a.root, { policyName: 'private', policyDocument: allow('a:b') });
      await ram.users.create(b.root, { userName: 'intruder' });
      await rejectsWith(ram.attachments.attachPolicyToUser(b.root, { policyType: 'Custom', policyName: 'private', userName: 'intruder' }), 'EntityNotExist.Policy');
      await rejectsWith(ram.attachments.entitiesForPolicy(b.root, { policyName: 'private', policyType: 'Custom' }), 'EntityNotExist.Policy');
      await ram.users.create(a.root, { userName: 'insider' });
      await ram.attachments.attachPolicyToUser(a.root, { policyType: 'System', policyName: 'AdministratorAccess', userName: 'insider' });
      assert.equal((await ram.policies.get(b.root, { policyName: 'AdministratorAccess', policyType: 'System' })).policy.attachmentCount, 0);
    });

    test('attachments are audited; a failing one attaches nothing and moves no revision', async () => {
      const account = await world.newAccount();
      const { ram } = world;
      const user = await ram.users.create(account.root, { userName: 'audit-me' });
      await ram.attachments.attachPolicyToUser(account.root, { policyType: 'System', policyName: 'administratoraccess', userName: 'audit-me' });
      const events = (await auditOf(world, account.directoryId)).filter((e) => e.action === 'AttachPolicyToUser');
      assert.deepEqual(events.map((e) => e.changes), [{ PolicyType: 'System', PolicyName: 'AdministratorAccess', UserId: user.userId, UserName: 'audit-me' }]);
      const revision = await revisionOf(world, account.accountId);
      const broken = world.withOptions({}, failingAtAudit(world.store));
      await assert.rejects(broken.attachments.attachPolicyToUser(account.root, { policyType: 'System', policyName: 'AliyunRAMFullAccess', userName: 'audit-me' }), /audit write failed/);
      await assert.rejects(broken.attachments.detachPolicyFromUser(account.root, { policyType: 'System', policyName: 'AdministratorAccess', userName: 'audit-me' }), /audit write failed/);
      assert.deepEqual((await ram.attachments.policiesForUser(account.root, 'audit-me')).map((p) => p.policyName), ['AdministratorAccess']);
      assert.equal(await revisionOf(world, account.accountId), revision);
    });
  });
}

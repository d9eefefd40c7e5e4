/**
 * Policy attachments on the wire (spec ram.md §3.7), every official client, both stores: attach
 * and detach to users and groups, ListPoliciesForUser/ForGroup (direct attachments only), the
 * AttachmentCount GetPolicy and ListPolicies show, ListEntitiesForPolicy always with Users, Groups
 * and an empty Roles, the per-user and per-group quotas, and every error with its status.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { clientNames, expectError } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { startServer, type TestServer } from '../support/server.js';
import { assertAnswer, assertShape, allowEverything, ramClient, unique } from './support.js';

const attached = { PolicyName: 'string', PolicyType: 'string', Description: 'string', DefaultVersion: 'string', AttachDate: 'date' } as const;

for (const backend of backends) {
  describe(`Ram policy attachments on the wire [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend });
    });
    after(() => server.close());

    for (const name of clientNames) {
      test(`${name}: attach and detach to users and groups; the listings both ways`, async () => {
        const ram = ramClient(server, name);
        const userName = unique('attached');
        const groupName = unique('attached-group');
        const policyName = unique('attachable');
        await ram.call('CreateUser', { UserName: userName, DisplayName: 'Attached' });
        await ram.call('CreateGroup', { GroupName: groupName, Comments: 'a group' });
        await ram.call('CreatePolicy', { PolicyName: policyName, PolicyDocument: allowEverything, Description: 'everything' });
        const lonely = unique('lonely');
        await ram.call('CreateUser', { UserName: lonely });
        assertAnswer(await ram.call('ListPoliciesForUser', { UserName: lonely }), { Policies: { Policy: [] } });
        assertAnswer(await ram.call('ListPoliciesForGroup', { GroupName: groupName }), { Policies: { Policy: [] } });
        assertAnswer(await ram.call('ListEntitiesForPolicy', { PolicyName: policyName, PolicyType: 'Custom' }), {
          Users: { User: [] },
          Groups: { Group: [] },
          Roles: { Role: [] },
        });

        assertAnswer(await ram.call('AttachPolicyToUser', { PolicyType: 'Custom', PolicyName: policyName, UserName: userName }), {});
        assertAnswer(await ram.call('AttachPolicyToUser', { PolicyType: 'System', PolicyName: 'AliyunRAMReadOnlyAccess', UserName: userName }), {});
        assertAnswer(await ram.call('AttachPolicyToGroup', { PolicyType: 'Custom', PolicyName: policyName.toUpperCase(), GroupName: groupName }), {});
        await ram.call('AddUserToGroup', { UserName: userName, GroupName: groupName });

        const forUser = await ram.call('ListPoliciesForUser', { UserName: userName });
        assertAnswer(forUser, { Policies: { Policy: [attached] } });
        assert.deepEqual(
          forUser.Policies.Policy.map((item: { PolicyName: string; PolicyType: string; DefaultVersion: string }) => [item.PolicyName, item.PolicyType, item.DefaultVersion]),
          [[policyName, 'Custom', 'v1'], ['AliyunRAMReadOnlyAccess', 'System', 'v3']],
        );
        const forGroup = await ram.call('ListPoliciesForGroup', { GroupName: groupName });
        assertAnswer(forGroup, { Policies: { Policy: [attached] } });
        assert.deepEqual(forGroup.Policies.Policy.map((item: { PolicyName: string }) => item.PolicyName), [policyName]);

        const entities = await ram.call('ListEntitiesForPolicy', { PolicyName: policyName, PolicyType: 'Custom' });
        assertAnswer(entities, {
          Users: { User: [{ UserName: 'string', UserId: 'userId', DisplayName: 'string', AttachDate: 'date' }] },
          Groups: { Group: [{ GroupName: 'string', Comments: 'string', AttachDate: 'date' }] },
          Roles: { Role: [] },
        });
        assert.equal(entities.Users.User[0].UserName, userName);
        assert.equal(entities.Groups.Group[0].GroupName, groupName);
        const systemEntities = await ram.call('ListEntitiesForPolicy', { PolicyName: 'AliyunRAMReadOnlyAccess', PolicyType: 'System' });
        assert.ok(systemEntities.Users.User.some((item: { UserName: string }) => item.UserName === userName));
        assert.deepEqual(systemEntities.Roles, { Role: [] });

        assert.equal((await ram.call('GetPolicy', { PolicyName: policyName, PolicyType: 'Custom' })).Policy.AttachmentCount, 2);
        const listed = await ram.call('ListPolicies', { PolicyType: 'Custom', MaxItems: 1000 });
        assert.equal(listed.Policies.Policy.find((item: { PolicyName: string }) => item.PolicyName === policyName).AttachmentCount, 2);

        assertAnswer(await ram.call('DetachPolicyFromUser', { PolicyType: 'Custom', PolicyName: policyName, UserName: userName }), {});
        assertAnswer(await ram.call('DetachPolicyFromGroup', { PolicyType: 'Custom', PolicyName: policyName, GroupName: groupName }), {});
        // The system attachment stays; the group's policies were never the user's own.
        assert.deepEqual(
          (await ram.call('ListPoliciesForUser', { UserName: userName })).Policies.Policy.map((item: { PolicyName: string }) => item.PolicyName),
          ['AliyunRAMReadOnlyAccess'],
        );
        assert.equal((await ram.call('GetPolicy', { PolicyName: policyName, PolicyType: 'Custom' })).Policy.AttachmentCount, 0);
        // An attached policy without a description leaves Description out.
        const plain = unique('plain');
        await ram.call('CreatePolicy', { PolicyName: plain, PolicyDocument: allowEverything });
        await ram.call('AttachPolicyToGroup', { PolicyType: 'Custom', PolicyName: plain, GroupName: groupName });
        const groupEntities = await ram.call('ListEntitiesForPolicy', { PolicyName: plain, PolicyType: 'Custom' });
        assertShape(groupEntities.Groups.Group[0], { GroupName: 'string', Comments: 'string', AttachDate: 'date' });
        assertShape((await ram.call('ListPoliciesForGroup', { GroupName: groupName })).Policies.Policy[0], {
          PolicyName: 'string',
          PolicyType: 'string',
          DefaultVersion: 'string',
          AttachDate: 'date',
        });
      });
    }

    test('user attachments: every error with its status, in the order of the checks; ten custom policies per user', async () => {
      for (const name of clientNames) {
        const ram = ramClient(server, name);
        const userName = unique('limited');
        const policyName = unique('limits');
        await ram.call('CreateUser', { UserName: userName });
        await ram.call('CreatePolicy', { PolicyName: policyName, PolicyDocument: allowEverything });
        const nobody = unique('nobody');
        const nothing = unique('nothing');
        const base = { PolicyType: 'Custom', PolicyName: policyName, UserName: userName };

        for (const action of ['AttachPolicyToUser', 'DetachPolicyFromUser']) {
          await expectError(ram.call(action, { ...base, PolicyType: undefined }), 'MissingPolicyType', 400);
          await expectError(ram.call(action, { ...base, PolicyName: undefined }), 'MissingPolicyName', 400);
          await expectError(ram.call(action, { ...base, UserName: undefined }), 'MissingUserName', 400);
          await expectError(ram.call(action, { ...base, PolicyType: 'custom' }), 'InvalidParameter.PolicyType', 400);
          await expectError(ram.call(action, { ...base, UserName: 'bad name' }), 'InvalidParameter.UserName.InvalidChars', 400);
          await expectError(ram.call(action, { ...base, PolicyName: 'bad_name' }), 'InvalidParameter.PolicyName.InvalidChars', 400);
          await expectError(ram.call(action, { ...base, ResourceGroupId: 'rg-acfm' }), 'InvalidParameter.ResourceGroupId', 400);
          await expectError(ram.call(action, { ...base, UserName: nobody }), 'EntityNotExist.User', 404);
          await expectError(ram.call(action, { ...base, PolicyName: nothing }), 'EntityNotExist.Policy', 404);
          await expectError(ram.call(action, { ...base, PolicyType: 'System' }), 'EntityNotExist.Policy', 404);
          await expectError(ram.call(action, { ...base, UserName: nobody, PolicyName: nothing }), 'EntityNotExist.User', 404);
        }
        await expectError(ram.call('DetachPolicyFromUser', base), 'EntityNotExist.User.Policy', 404);
        await ram.call('AttachPolicyToUser', { ...base, ResourceGroupId: '' });
        await expectError(ram.call('AttachPolicyToUser', base), 'EntityAlreadyExists.User.Policy', 409);
        for (let index = 0; index < 9; index += 1) {
          const more = unique('more');
          await ram.call('CreatePolicy', { PolicyName: more, PolicyDocument: allowEverything });
          await ram.call('AttachPolicyToUser', { ...base, PolicyName: more });
        }
        const eleventh = unique('eleventh');
        await ram.call('CreatePolicy', { PolicyName: eleventh, PolicyDocument: allowEverything });
        await expectError(ram.call('AttachPolicyToUser', { ...base, PolicyName: eleventh }), 'LimitExceeded.User.Policy', 409);
        await expectError(ram.call('AttachPolicyToUser', base), 'EntityAlreadyExists.User.Policy', 409);
        // System policies count apart (20 of them, of which five exist).
        await ram.call('AttachPolicyToUser', { ...base, PolicyType: 'System', PolicyName: 'AdministratorAccess' });

        await expectError(ram.call('ListPoliciesForUser'), 'MissingUserName', 400);
        await expectError(ram.call('ListPoliciesForUser', { UserName: 'bad name' }), 'InvalidParameter.UserName.InvalidChars', 400);
        await expectError(ram.call('ListPoliciesForUser', { UserName: nobody }), 'EntityNotExist.User', 404);
        assert.equal((await ram.call('ListPoliciesForUser', { UserName: userName })).Policies.Policy.length, 11);
      }
    });

    test('group attachments and ListEntitiesForPolicy: every error with its status; five custom policies per group', async () => {
      for (const name of clientNames) {
        const ram = ramClient(server, name);
        const groupName = unique('limited-group');
        const policyName = unique('group-limits');
        await ram.call('CreateGroup', { GroupName: groupName });
        await ram.call('CreatePolicy', { PolicyName: policyName, PolicyDocument: allowEverything });
        const nothingGroup = unique('nothing-group');
        const nothing = unique('nothing');
        const base = { PolicyType: 'Custom', PolicyName: policyName, GroupName: groupName };

        for (const action of ['AttachPolicyToGroup', 'DetachPolicyFromGroup']) {
          await expectError(ram.call(action, { ...base, PolicyType: undefined }), 'MissingPolicyType', 400);
          await expectError(ram.call(action, { ...base, PolicyName: undefined }), 'MissingPolicyName', 400);
          await expectError(ram.call(action, { ...base, GroupName: undefined }), 'MissingGroupName', 400);
          await expectError(ram.call(action, { ...base, PolicyType: 'system' }), 'InvalidParameter.PolicyType', 400);
          await expectError(ram.call(action, { ...base, GroupName: 'bad name' }), 'InvalidParameter.GroupName.InvalidChars', 400);
          await expectError(ram.call(action, { ...base, PolicyName: 'p'.repeat(129) }), 'InvalidParameter.PolicyName.Length', 400);
          await expectError(ram.call(action, { ...base, ResourceGroupId: 'rg-1' }), 'InvalidParameter.ResourceGroupId', 400);
          await expectError(ram.call(action, { ...base, GroupName: nothingGroup }), 'EntityNotExist.Group', 404);
          await expectError(ram.call(action, { ...base, PolicyName: nothing }), 'EntityNotExist.Policy', 404);
        }
        await expectError(ram.call('DetachPolicyFromGroup', base), 'EntityNotExist.Group.Policy', 404);
        await ram.call('AttachPolicyToGroup', base);
        await expectError(ram.call('AttachPolicyToGroup', base), 'EntityAlreadyExists.Group.Policy', 409);
        for (let index = 0; index < 4; index += 1) {
          const more = unique('more');
          await ram.call('CreatePolicy', { PolicyName: more, PolicyDocument: allowEverything });
          await ram.call('AttachPolicyToGroup', { ...base, PolicyName: more });
        }
        const sixth = unique('sixth');
        await ram.call('CreatePolicy', { PolicyName: sixth, PolicyDocument: allowEverything });
        await expectError(ram.call('AttachPolicyToGroup', { ...base, PolicyName: sixth }), 'LimitExceeded.Group.Policy', 409);

        await expectError(ram.call('ListPoliciesForGroup'), 'MissingGroupName', 400);
        await expectError(ram.call('ListPoliciesForGroup', { GroupName: 'bad name' }), 'InvalidParameter.GroupName.InvalidChars', 400);
        await expectError(ram.call('ListPoliciesForGroup', { GroupName: nothingGroup }), 'EntityNotExist.Group', 404);

        await expectError(ram.call('ListEntitiesForPolicy', { PolicyType: 'Custom' }), 'MissingPolicyName', 400);
        await expectError(ram.call('ListEntitiesForPolicy', { PolicyName: policyName }), 'MissingPolicyType', 400);
        await expectError(ram.call('ListEntitiesForPolicy', { PolicyName: policyName, PolicyType: 'Any' }), 'InvalidParameter.PolicyType', 400);
        await expectError(ram.call('ListEntitiesForPolicy', { PolicyName: nothing, PolicyType: 'Custom' }), 'EntityNotExist.Policy', 404);
        await expectError(ram.call('ListEntitiesForPolicy', { PolicyName: policyName, PolicyType: 'System' }), 'EntityNotExist.Policy', 404);
      }
    });
  });
}

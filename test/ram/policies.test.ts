/**
 * Ram policies and policy versions on the wire (spec ram.md §3.7), every official client, both
 * stores: the Policy and PolicyVersion objects of each action (GetPolicy always with
 * DefaultPolicyVersion.PolicyDocument, documents answered verbatim), ListPolicies with system
 * policies first, its tags, its filters and its paging across system and custom policies, versions
 * and their rotation, and every error with its status in the order of the checks.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRamServices } from '../../src/domain/identities/services.js';
import { clientNames, expectError } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { startServer, type TestServer } from '../support/server.js';
import { allPages, assertAnswer, assertShape, policyDocument, ramClient, unique } from './support.js';

/** Spaced and ordered unusually on purpose: it must come back exactly as sent. */
const verbatim = '{ "Statement": [ { "Action": ["ram:Get*"],  "Effect": "Allow", "Resource": ["*"] } ], "Version": "1" }';
const createdPolicy = { PolicyName: 'string', PolicyType: 'string', DefaultVersion: 'string', CreateDate: 'date' } as const;
const policy = { ...createdPolicy, AttachmentCount: 'number', UpdateDate: 'date' } as const;
const version = { VersionId: 'string', IsDefaultVersion: 'boolean', PolicyDocument: 'string', CreateDate: 'date' } as const;
const systemNames = ['AdministratorAccess', 'AliyunResourceDirectoryFullAccess', 'AliyunResourceDirectoryReadOnlyAccess', 'AliyunRAMFullAccess', 'AliyunRAMReadOnlyAccess'];

for (const backend of backends) {
  describe(`Ram policies on the wire [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend });
    });
    after(() => server.close());

    for (const name of clientNames) {
      test(`${name}: CreatePolicy answers v1 as default; GetPolicy the policy and its default version, verbatim`, async () => {
        const ram = ramClient(server, name);
        const policyName = unique('View-Things');
        const created = await ram.call('CreatePolicy', { PolicyName: policyName, PolicyDocument: verbatim, Description: 'read things' });
        assertAnswer(created, { Policy: { ...createdPolicy, Description: 'string' } });
        assert.deepEqual(
          { ...created.Policy, CreateDate: undefined },
          { PolicyName: policyName, PolicyType: 'Custom', Description: 'read things', DefaultVersion: 'v1', CreateDate: undefined },
        );
        const bare = await ram.call('CreatePolicy', { PolicyName: unique('bare'), PolicyDocument: verbatim });
        assertAnswer(bare, { Policy: createdPolicy });

        const got = await ram.call('GetPolicy', { PolicyName: policyName.toLowerCase(), PolicyType: 'Custom' });
        assertAnswer(got, { Policy: { ...policy, Description: 'string' }, DefaultPolicyVersion: version });
        assert.equal(got.Policy.PolicyName, policyName);
        assert.equal(got.Policy.AttachmentCount, 0);
        assert.deepEqual(
          { ...got.DefaultPolicyVersion, CreateDate: undefined },
          { VersionId: 'v1', IsDefaultVersion: true, PolicyDocument: verbatim, CreateDate: undefined },
        );

        const system = await ram.call('GetPolicy', { PolicyName: 'AdministratorAccess', PolicyType: 'System' });
        assertAnswer(system, { Policy: { ...policy, Description: 'string' }, DefaultPolicyVersion: version });
        assert.equal(system.Policy.PolicyType, 'System');
        assert.equal(system.DefaultPolicyVersion.IsDefaultVersion, true);
        assert.deepEqual(JSON.parse(system.DefaultPolicyVersion.PolicyDocument).Statement[0].Action, '*');
      });

      test(`${name}: UpdatePolicyDescription answers the policy without AttachmentCount; "" clears the description`, async () => {
        const ram = ramClient(server, name);
        const policyName = unique('described');
        await ram.call('CreatePolicy', { PolicyName: policyName, PolicyDocument: verbatim, Description: 'old' });
        const updated = await ram.call('UpdatePolicyDescription', { PolicyName: policyName, NewDescription: 'new' });
        assertAnswer(updated, { Policy: { ...createdPolicy, Description: 'string', UpdateDate: 'date' } });
        assert.equal(updated.Policy.Description, 'new');
        assert.equal((await ram.call('GetPolicy', { PolicyName: policyName, PolicyType: 'Custom' })).Policy.Description, 'new');
        const cleared = await ram.call('UpdatePolicyDescription', { PolicyName: policyName, NewDescription: '' });
        assertAnswer(cleared, { Policy: { ...createdPolicy, UpdateDate: 'date' } });
      });

      test(`${name}: versions: Create (SetAsDefault, RotateStrategy), Get, List oldest first, SetDefault, Delete`, async () => {
        const ram = ramClient(server, name);
        const policyName = unique('versioned');
        await ram.call('CreatePolicy', { PolicyName: policyName, PolicyDocument: verbatim });
        const second = await ram.call('CreatePolicyVersion', { PolicyName: policyName, PolicyDocument: policyDocument('ram:List*') });
        assertAnswer(second, { PolicyVersion: version });
        assert.deepEqual([second.PolicyVersion.VersionId, second.PolicyVersion.IsDefaultVersion], ['v2', false]);
        const third = await ram.call('CreatePolicyVersion', { PolicyName: policyName, PolicyDocument: policyDocument('ram:Get*'), SetAsDefault: true });
        assert.deepEqual([third.PolicyVersion.VersionId, third.PolicyVersion.IsDefaultVersion], ['v3', true]);
        const got = await ram.call('GetPolicy', { PolicyName: policyName, PolicyType: 'Custom' });
        assert.equal(got.Policy.DefaultVersion, 'v3');
        assert.equal(got.DefaultPolicyVersion.VersionId, 'v3');
        assert.equal(got.DefaultPolicyVersion.PolicyDocument, policyDocument('ram:Get*'));

        const v1 = await ram.call('GetPolicyVersion', { PolicyName: policyName, PolicyType: 'Custom', VersionId: 'v1' });
        assertAnswer(v1, { PolicyVersion: version });
        assert.deepEqual([v1.PolicyVersion.IsDefaultVersion, v1.PolicyVersion.PolicyDocument], [false, verbatim]);
        const listed = await ram.call('ListPolicyVersions', { PolicyName: policyName, PolicyType: 'Custom' });
        assertAnswer(listed, { PolicyVersions: { PolicyVersion: [version] } });
        assert.deepEqual(
          listed.PolicyVersions.PolicyVersion.map((item: { VersionId: string; IsDefaultVersion: boolean }) => [item.VersionId, item.IsDefaultVersion]),
          [['v1', false], ['v2', false], ['v3', true]],
        );

        assertAnswer(await ram.call('SetDefaultPolicyVersion', { PolicyName: policyName, VersionId: 'v1' }), {});
        assert.equal((await ram.call('GetPolicy', { PolicyName: policyName, PolicyType: 'Custom' })).Policy.DefaultVersion, 'v1');
        assertAnswer(await ram.call('DeletePolicyVersion', { PolicyName: policyName, VersionId: 'v2' }), {});
        await ram.call('CreatePolicyVersion', { PolicyName: policyName, PolicyDocument: verbatim });
        await ram.call('CreatePolicyVersion', { PolicyName: policyName, PolicyDocument: verbatim });
        await ram.call('CreatePolicyVersion', { PolicyName: policyName, PolicyDocument: verbatim });
        // v1 (default), v3, v4, v5, v6: full. None refuses; rotation drops the oldest non-default (v3).
        await expectError(ram.call('CreatePolicyVersion', { PolicyName: policyName, PolicyDocument: verbatim, RotateStrategy: 'None' }), 'LimitExceeded.Policy.Version', 409);
        const rotated = await ram.call('CreatePolicyVersion', {
          PolicyName: policyName,
          PolicyDocument: verbatim,
          RotateStrategy: 'DeleteOldestNonDefaultVersionWhenLimitExceeded',
        });
        assert.equal(rotated.PolicyVersion.VersionId, 'v7', 'numbers are never reused');
        const after = await ram.call('ListPolicyVersions', { PolicyName: policyName, PolicyType: 'Custom' });
        assert.deepEqual(after.PolicyVersions.PolicyVersion.map((item: { VersionId: string }) => item.VersionId), ['v1', 'v4', 'v5', 'v6', 'v7']);

        const systemVersions = await ram.call('ListPolicyVersions', { PolicyName: 'AliyunRAMReadOnlyAccess', PolicyType: 'System' });
        assertAnswer(systemVersions, { PolicyVersions: { PolicyVersion: [version] } });
        assert.equal(systemVersions.PolicyVersions.PolicyVersion.length, 1);
        const systemVersion = systemVersions.PolicyVersions.PolicyVersion[0].VersionId as string;
        assertAnswer(await ram.call('GetPolicyVersion', { PolicyName: 'AliyunRAMReadOnlyAccess', PolicyType: 'System', VersionId: systemVersion }), {
          PolicyVersion: version,
        });
      });

      test(`${name}: DeletePolicy: one version goes; more need CascadingDelete`, async () => {
        const ram = ramClient(server, name);
        const single = unique('single');
        await ram.call('CreatePolicy', { PolicyName: single, PolicyDocument: verbatim });
        assertAnswer(await ram.call('DeletePolicy', { PolicyName: single }), {});
        await expectError(ram.call('GetPolicy', { PolicyName: single, PolicyType: 'Custom' }), 'EntityNotExist.Policy', 404);
        const several = unique('several');
        await ram.call('CreatePolicy', { PolicyName: several, PolicyDocument: verbatim });
        await ram.call('CreatePolicyVersion', { PolicyName: several, PolicyDocument: verbatim });
        await expectError(ram.call('DeletePolicy', { PolicyName: several }), 'DeleteConflict.Policy.Version', 409);
        await expectError(ram.call('DeletePolicy', { PolicyName: several, CascadingDelete: false }), 'DeleteConflict.Policy.Version', 409);
        assertAnswer(await ram.call('DeletePolicy', { PolicyName: several, CascadingDelete: true }), {});
        // The name is free again, and a new policy starts at v1.
        const again = await ram.call('CreatePolicy', { PolicyName: several, PolicyDocument: verbatim });
        assert.equal(again.Policy.DefaultVersion, 'v1');
      });

      test(`${name}: ListPolicies: system policies first, then custom by creation, with tags; filters; paging across both`, async () => {
        const tenant = await server.newTenant();
        const ram = ramClient(server, name, tenant);
        const customs = [unique('first'), unique('second'), unique('third')];
        await ram.call('CreatePolicy', { PolicyName: customs[0]!, PolicyDocument: verbatim, Description: 'one', Tag: JSON.stringify([{ Key: 'team', Value: 'a' }]) });
        await ram.call('CreatePolicy', { PolicyName: customs[1]!, PolicyDocument: verbatim, 'Tag.1.Key': 'team', 'Tag.1.Value': 'b', 'Tag.2.Key': 'env' });
        await ram.call('CreatePolicy', { PolicyName: customs[2]!, PolicyDocument: verbatim });

        const all = await ram.call('ListPolicies');
        assert.equal(all.IsTruncated, false);
        assert.equal('Marker' in all, false);
        assert.deepEqual(all.Policies.Policy.map((item: { PolicyName: string }) => item.PolicyName), [...systemNames, ...customs]);
        for (const item of all.Policies.Policy.slice(0, 5)) {
          assertShape(item, { ...policy, Description: 'string', Tags: { Tag: [] } });
          assert.equal(item.PolicyType, 'System');
        }
        assertShape(all.Policies.Policy[5], { ...policy, Description: 'string', Tags: { Tag: [{ TagKey: 'string', TagValue: 'string' }] } });
        assert.deepEqual(all.Policies.Policy[5].Tags.Tag, [{ TagKey: 'team', TagValue: 'a' }]);
        assert.deepEqual(all.Policies.Policy[6].Tags.Tag, [{ TagKey: 'env', TagValue: '' }, { TagKey: 'team', TagValue: 'b' }]);
        assertShape(all.Policies.Policy[7], { ...policy, Tags: { Tag: [] } });

        const custom = await ram.call('ListPolicies', { PolicyType: 'Custom' });
        assert.deepEqual(custom.Policies.Policy.map((item: { PolicyName: string }) => item.PolicyName), customs);
        const system = await ram.call('ListPolicies', { PolicyType: 'System' });
        assert.deepEqual(system.Policies.Policy.map((item: { PolicyName: string }) => item.PolicyName), systemNames);
        const team = await ram.call('ListPolicies', { Tag: JSON.stringify([{ Key: 'team' }]) });
        assert.deepEqual(team.Policies.Policy.map((item: { PolicyName: string }) => item.PolicyName), customs.slice(0, 2));
        const teamB = await ram.call('ListPolicies', { 'Tag.1.Key': 'team', 'Tag.1.Value': 'b' });
        assert.deepEqual(teamB.Policies.Policy.map((item: { PolicyName: string }) => item.PolicyName), [customs[1]]);
        assertAnswer(await ram.call('ListPolicies', { Tag: JSON.stringify([{ Key: 'nobody', Value: 'x' }]) }), { IsTruncated: 'boolean', Policies: { Policy: [] } });

        const { pages, items } = await allPages(ram, 'ListPolicies', { MaxItems: 3 }, (body) => body.Policies.Policy);
        assert.deepEqual(pages.map((page) => page.length), [3, 3, 2]);
        assert.deepEqual(items.map((item) => item.PolicyName), [...systemNames, ...customs]);
        const { pages: customPages } = await allPages(ram, 'ListPolicies', { MaxItems: 2, PolicyType: 'Custom' }, (body) => body.Policies.Policy);
        assert.deepEqual(customPages.map((page) => page.length), [2, 1]);
      });
    }

    test('CreatePolicy: every error with its status, in the order of the checks', async () => {
      for (const name of clientNames) {
        const ram = ramClient(server, name);
        const taken = unique('Taken-Policy');
        await ram.call('CreatePolicy', { PolicyName: taken, PolicyDocument: verbatim });
        await expectError(ram.call('CreatePolicy', { PolicyDocument: verbatim }), 'MissingPolicyName', 400);
        await expectError(ram.call('CreatePolicy', { PolicyName: unique('p') }), 'MissingPolicyDocument', 400);
        await expectError(ram.call('CreatePolicy', { PolicyName: 'under_score', PolicyDocument: verbatim }), 'InvalidParameter.PolicyName.InvalidChars', 400);
        await expectError(ram.call('CreatePolicy', { PolicyName: 'p'.repeat(129), PolicyDocument: verbatim }), 'InvalidParameter.PolicyName.Length', 400);
        const long = JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'ram:Get*', Resource: `acs:ram:*:*:user/${'x'.repeat(6200)}` }] });
        await expectError(ram.call('CreatePolicy', { PolicyName: unique('p'), PolicyDocument: long }), 'InvalidParameter.PolicyDocument.Length', 400);
        await expectError(ram.call('CreatePolicy', { PolicyName: unique('p'), PolicyDocument: 'not json' }), 'MalformedPolicyDocument', 400);
        await expectError(ram.call('CreatePolicy', { PolicyName: unique('p'), PolicyDocument: '{"Version":"1","Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}' }), 'MalformedPolicyDocument', 400);
        await expectError(ram.call('CreatePolicy', { PolicyName: unique('p'), PolicyDocument: verbatim, Description: 'd'.repeat(1025) }), 'InvalidParameter.Description.Length', 400);
        await expectError(ram.call('CreatePolicy', { PolicyName: unique('p'), PolicyDocument: verbatim, Tag: '{"Key":"k"}' }), 'InvalidParameter.Tag', 400);
        await expectError(ram.call('CreatePolicy', { PolicyName: unique('p'), PolicyDocument: verbatim, Tag: JSON.stringify([{ Key: 'acs:owner', Value: 'x' }]) }), 'InvalidParameter.TagKey', 400);
        await expectError(ram.call('CreatePolicy', { PolicyName: unique('p'), PolicyDocument: verbatim, Tag: JSON.stringify([{ Key: 'k' }]), 'Tag.1.Key': 'k' }), 'InvalidParameter.Tag', 400);
        const tooMany = JSON.stringify(Array.from({ length: 21 }, (_, index) => ({ Key: `k${index}`, Value: 'v' })));
        await expectError(ram.call('CreatePolicy', { PolicyName: unique('p'), PolicyDocument: verbatim, Tag: tooMany }), 'LimitExceeded.Tag', 409);
        await expectError(ram.call('CreatePolicy', { PolicyName: taken.toUpperCase(), PolicyDocument: verbatim }), 'EntityAlreadyExists.Policy', 409);
        await expectError(ram.call('CreatePolicy', { PolicyName: 'AdministratorAccess', PolicyDocument: verbatim }), 'EntityAlreadyExists.Policy', 409);
        // Order: the name before the document; a malformed document before a taken name.
        await expectError(ram.call('CreatePolicy', { PolicyName: 'bad_name', PolicyDocument: 'not json' }), 'InvalidParameter.PolicyName.InvalidChars', 400);
        await expectError(ram.call('CreatePolicy', { PolicyName: taken, PolicyDocument: 'not json' }), 'MalformedPolicyDocument', 400);
      }
    });

    test('CreatePolicy: a full account answers LimitExceeded.Policy (409)', async () => {
      const tenant = await server.newTenant();
      const ram = createRamServices(server.store, server.clock.now);
      const acting = { accountId: tenant.accountId, directoryId: tenant.directoryId, actor: 'test' };
      for (let index = 0; index < 1500; index += 1) await ram.policies.create(acting, { policyName: `filler-${index}`, policyDocument: verbatim });
      for (const name of clientNames) {
        const client = ramClient(server, name, tenant);
        await expectError(client.call('CreatePolicy', { PolicyName: unique('one-too-many'), PolicyDocument: verbatim }), 'LimitExceeded.Policy', 409);
        await expectError(client.call('CreatePolicy', { PolicyName: 'filler-7', PolicyDocument: verbatim }), 'EntityAlreadyExists.Policy', 409);
      }
    });

    test('GetPolicy, DeletePolicy, ListPolicies, UpdatePolicyDescription: every error with its status', async () => {
      for (const name of clientNames) {
        const ram = ramClient(server, name);
        const policyName = unique('errors');
        await ram.call('CreatePolicy', { PolicyName: policyName, PolicyDocument: verbatim });
        const nothing = unique('nothing');

        await expectError(ram.call('GetPolicy', { PolicyType: 'Custom' }), 'MissingPolicyName', 400);
        await expectError(ram.call('GetPolicy', { PolicyName: policyName }), 'MissingPolicyType', 400);
        await expectError(ram.call('GetPolicy', { PolicyName: policyName, PolicyType: 'custom' }), 'InvalidParameter.PolicyType', 400);
        await expectError(ram.call('GetPolicy', { PolicyName: 'bad_name', PolicyType: 'Custom' }), 'InvalidParameter.PolicyName.InvalidChars', 400);
        await expectError(ram.call('GetPolicy', { PolicyName: 'p'.repeat(129), PolicyType: 'Custom' }), 'InvalidParameter.PolicyName.Length', 400);
        await expectError(ram.call('GetPolicy', { PolicyName: nothing, PolicyType: 'Custom' }), 'EntityNotExist.Policy', 404);
        await expectError(ram.call('GetPolicy', { PolicyName: policyName, PolicyType: 'System' }), 'EntityNotExist.Policy', 404);
        await expectError(ram.call('GetPolicy', { PolicyName: 'AdministratorAccess', PolicyType: 'Custom' }), 'EntityNotExist.Policy', 404);

        await expectError(ram.call('DeletePolicy'), 'MissingPolicyName', 400);
        await expectError(ram.call('DeletePolicy', { PolicyName: 'bad_name' }), 'InvalidParameter.PolicyName.InvalidChars', 400);
        await expectError(ram.call('DeletePolicy', { PolicyName: nothing }), 'EntityNotExist.Policy', 404);
        await expectError(ram.call('DeletePolicy', { PolicyName: 'AdministratorAccess' }), 'EntityNotExist.Policy', 404);
        await expectError(ram.call('DeletePolicy', { PolicyName: policyName, CascadingDelete: 'always' }), 'InvalidParameter.CascadingDelete', 400);
        // Conflicts: users, then groups (even with CascadingDelete), then versions.
        const userName = unique('holder');
        const groupName = unique('holders');
        await ram.call('CreateUser', { UserName: userName });
        await ram.call('CreateGroup', { GroupName: groupName });
        await ram.call('CreatePolicyVersion', { PolicyName: policyName, PolicyDocument: verbatim });
        await ram.call('AttachPolicyToUser', { PolicyType: 'Custom', PolicyName: policyName, UserName: userName });
        await ram.call('AttachPolicyToGroup', { PolicyType: 'Custom', PolicyName: policyName, GroupName: groupName });
        await expectError(ram.call('DeletePolicy', { PolicyName: policyName, CascadingDelete: true }), 'DeleteConflict.Policy.User', 409);
        await ram.call('DetachPolicyFromUser', { PolicyType: 'Custom', PolicyName: policyName, UserName: userName });
        await expectError(ram.call('DeletePolicy', { PolicyName: policyName, CascadingDelete: true }), 'DeleteConflict.Policy.Group', 409);
        await ram.call('DetachPolicyFromGroup', { PolicyType: 'Custom', PolicyName: policyName, GroupName: groupName });
        await expectError(ram.call('DeletePolicy', { PolicyName: policyName }), 'DeleteConflict.Policy.Version', 409);

        await expectError(ram.call('ListPolicies', { PolicyType: 'Both' }), 'InvalidParameter.PolicyType', 400);
        for (const maxItems of ['0', '1001', 'x']) await expectError(ram.call('ListPolicies', { MaxItems: maxItems }), 'InvalidParameter.MaxItems', 400);
        await expectError(ram.call('ListPolicies', { Marker: 'garbage' }), 'InvalidParameter.Marker', 400);
        await expectError(ram.call('ListPolicies', { Tag: 'team=a' }), 'InvalidParameter.Tag', 400);

        await expectError(ram.call('UpdatePolicyDescription', { NewDescription: 'x' }), 'MissingPolicyName', 400);
        await expectError(ram.call('UpdatePolicyDescription', { PolicyName: policyName }), 'MissingNewDescription', 400);
        await expectError(ram.call('UpdatePolicyDescription', { PolicyName: 'bad_name', NewDescription: 'x' }), 'InvalidParameter.PolicyName.InvalidChars', 400);
        await expectError(ram.call('UpdatePolicyDescription', { PolicyName: policyName, NewDescription: 'd'.repeat(1025) }), 'InvalidParameter.Description.Length', 400);
        await expectError(ram.call('UpdatePolicyDescription', { PolicyName: nothing, NewDescription: 'd'.repeat(1025) }), 'InvalidParameter.Description.Length', 400);
        await expectError(ram.call('UpdatePolicyDescription', { PolicyName: nothing, NewDescription: 'x' }), 'EntityNotExist.Policy', 404);
        await expectError(ram.call('UpdatePolicyDescription', { PolicyName: 'AliyunRAMFullAccess', NewDescription: 'x' }), 'EntityNotExist.Policy', 404);
      }
    });

    test('policy version actions: every error with its status, in the order of the checks', async () => {
      for (const name of clientNames) {
        const ram = ramClient(server, name);
        const policyName = unique('versions');
        await ram.call('CreatePolicy', { PolicyName: policyName, PolicyDocument: verbatim });
        await ram.call('CreatePolicyVersion', { PolicyName: policyName, PolicyDocument: verbatim });
        const nothing = unique('nothing');

        await expectError(ram.call('CreatePolicyVersion', { PolicyDocument: verbatim }), 'MissingPolicyName', 400);
        await expectError(ram.call('CreatePolicyVersion', { PolicyName: policyName }), 'MissingPolicyDocument', 400);
        await expectError(ram.call('CreatePolicyVersion', { PolicyName: 'bad_name', PolicyDocument: verbatim }), 'InvalidParameter.PolicyName.InvalidChars', 400);
        await expectError(ram.call('CreatePolicyVersion', { PolicyName: policyName, PolicyDocument: '[]' }), 'MalformedPolicyDocument', 400);
        await expectError(ram.call('CreatePolicyVersion', { PolicyName: policyName, PolicyDocument: `{"Version":"1","Statement":[],"Pad":"${'x'.repeat(6200)}"}` }), 'InvalidParameter.PolicyDocument.Length', 400);
        await expectError(ram.call('CreatePolicyVersion', { PolicyName: policyName, PolicyDocument: verbatim, RotateStrategy: 'Oldest' }), 'InvalidParameter.RotateStrategy', 400);
        await expectError(ram.call('CreatePolicyVersion', { PolicyName: policyName, PolicyDocument: verbatim, SetAsDefault: 'yes' }), 'InvalidParameter.SetAsDefault', 400);
        await expectError(ram.call('CreatePolicyVersion', { PolicyName: nothing, PolicyDocument: 'not json' }), 'MalformedPolicyDocument', 400);
        await expectError(ram.call('CreatePolicyVersion', { PolicyName: nothing, PolicyDocument: verbatim }), 'EntityNotExist.Policy', 404);
        await expectError(ram.call('CreatePolicyVersion', { PolicyName: 'AdministratorAccess', PolicyDocument: verbatim }), 'EntityNotExist.Policy', 404);

        await expectError(ram.call('GetPolicyVersion', { PolicyType: 'Custom', VersionId: 'v1' }), 'MissingPolicyName', 400);
        await expectError(ram.call('GetPolicyVersion', { PolicyName: policyName, VersionId: 'v1' }), 'MissingPolicyType', 400);
        await expectError(ram.call('GetPolicyVersion', { PolicyName: policyName, PolicyType: 'Custom' }), 'MissingVersionId', 400);
        await expectError(ram.call('GetPolicyVersion', { PolicyName: policyName, PolicyType: 'CUSTOM', VersionId: 'v1' }), 'InvalidParameter.PolicyType', 400);
        await expectError(ram.call('GetPolicyVersion', { PolicyName: 'bad_name', PolicyType: 'Custom', VersionId: 'v1' }), 'InvalidParameter.PolicyName.InvalidChars', 400);
        for (const versionId of ['1', 'v0', 'V1', 'v01', 'v1.0']) {
          await expectError(ram.call('GetPolicyVersion', { PolicyName: policyName, PolicyType: 'Custom', VersionId: versionId }), 'InvalidParameter.VersionId.Format', 400);
        }
        await expectError(ram.call('GetPolicyVersion', { PolicyName: nothing, PolicyType: 'Custom', VersionId: 'x' }), 'InvalidParameter.VersionId.Format', 400);
        await expectError(ram.call('GetPolicyVersion', { PolicyName: nothing, PolicyType: 'Custom', VersionId: 'v1' }), 'EntityNotExist.Policy', 404);
        await expectError(ram.call('GetPolicyVersion', { PolicyName: policyName, PolicyType: 'Custom', VersionId: 'v9' }), 'EntityNotExist.Policy.Version', 404);
        await expectError(ram.call('GetPolicyVersion', { PolicyName: 'AdministratorAccess', PolicyType: 'System', VersionId: 'v99' }), 'EntityNotExist.Policy.Version', 404);

        await expectError(ram.call('ListPolicyVersions', { PolicyName: policyName }), 'MissingPolicyType', 400);
        await expectError(ram.call('ListPolicyVersions', { PolicyName: policyName, PolicyType: 'Managed' }), 'InvalidParameter.PolicyType', 400);
        await expectError(ram.call('ListPolicyVersions', { PolicyName: 'bad_name', PolicyType: 'Custom' }), 'InvalidParameter.PolicyName.InvalidChars', 400);
        await expectError(ram.call('ListPolicyVersions', { PolicyName: nothing, PolicyType: 'Custom' }), 'EntityNotExist.Policy', 404);

        await expectError(ram.call('DeletePolicyVersion', { VersionId: 'v2' }), 'MissingPolicyName', 400);
        await expectError(ram.call('DeletePolicyVersion', { PolicyName: policyName }), 'MissingVersionId', 400);
        await expectError(ram.call('DeletePolicyVersion', { PolicyName: policyName, VersionId: 'two' }), 'InvalidParameter.VersionId.Format', 400);
        await expectError(ram.call('DeletePolicyVersion', { PolicyName: nothing, VersionId: 'v2' }), 'EntityNotExist.Policy', 404);
        await expectError(ram.call('DeletePolicyVersion', { PolicyName: policyName, VersionId: 'v9' }), 'EntityNotExist.Policy.Version', 404);
        await expectError(ram.call('DeletePolicyVersion', { PolicyName: policyName, VersionId: 'v1' }), 'DeleteConflict.Policy.Version.Default', 409);

        await expectError(ram.call('SetDefaultPolicyVersion', { VersionId: 'v2' }), 'MissingPolicyName', 400);
        await expectError(ram.call('SetDefaultPolicyVersion', { PolicyName: policyName }), 'MissingVersionId', 400);
        await expectError(ram.call('SetDefaultPolicyVersion', { PolicyName: policyName, VersionId: 'latest' }), 'InvalidParameter.VersionId.Format', 400);
        await expectError(ram.call('SetDefaultPolicyVersion', { PolicyName: nothing, VersionId: 'v2' }), 'EntityNotExist.Policy', 404);
        await expectError(ram.call('SetDefaultPolicyVersion', { PolicyName: policyName, VersionId: 'v9' }), 'EntityNotExist.Policy.Version', 404);
        await expectError(ram.call('SetDefaultPolicyVersion', { PolicyName: 'AdministratorAccess', VersionId: 'v1' }), 'EntityNotExist.Policy', 404);
      }
    });
  });
}

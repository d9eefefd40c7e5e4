/**
 * RAM policies and their versions in the domain (spec ram.md §3.7, §6) on every storage backend:
 * CreatePolicy (v1 the default, a system policy's name taken), Get/Delete/UpdatePolicyDescription,
 * ListPolicies (system first, then custom by creation; Tag filter; paging), versions numbered in
 * sequence and never reused, the version quota with RotateStrategy, defaults, system policies
 * read-only, revision bumps and isolation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemPolicies } from '../../src/domain/access/system-policies.js';
import { backends } from '../support/backends.js';
import { type RamWorld, auditOf, failingAtAudit, ramWorld, rejectsWith, revisionOf } from './support.js';

const allow = (action: string) => JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
/** A document as a client might send it: spacing and key order of its own, kept verbatim. */
const spaced = '{ "Statement": [{ "Action": ["oss:*"], "Effect": "Allow", "Resource": ["acs:oss:*:*:*"]}], "Version": "1"}';

for (const backend of backends) {
  describe(`RAM policies and versions [${backend.name}]`, () => {
    let world: RamWorld;
    before(async () => {
      world = await ramWorld(backend);
    });
    after(() => world.close());

    test('CreatePolicy makes v1 the default and stores the document verbatim; GetPolicy answers both', async () => {
      const account = await world.newAccount();
      const { policies } = world.ram;
      const revision = await revisionOf(world, account.accountId);
      const created = await policies.create(account.root, { policyName: 'OSS-Administrator', policyDocument: spaced, description: 'OSS admins' });
      assert.deepEqual(created, {
        policyName: 'OSS-Administrator',
        policyType: 'Custom',
        description: 'OSS admins',
        defaultVersion: 'v1',
        attachmentCount: 0,
        createdAt: created.createdAt,
        updatedAt: created.createdAt,
      });
      assert.ok((await revisionOf(world, account.accountId)) > revision);
      const got = await policies.get(account.root, { policyName: 'oss-administrator', policyType: 'Custom' });
      assert.deepEqual(got, {
        policy: created,
        defaultVersion: { versionId: 'v1', isDefaultVersion: true, policyDocument: spaced, createdAt: created.createdAt },
      });
      const bare = await policies.create(account.root, { policyName: 'bare', policyDocument: allow('ecs:*'), description: '' });
      assert.equal(bare.description, null);
    });

    test('CreatePolicy: required, formats, the document, then a taken name (system ones too), then the quota', async () => {
      const ram = world.withOptions({ quotas: { customPoliciesPerAccount: 1 } });
      const account = await world.newAccount();
      await ram.policies.create(account.root, { policyName: 'first', policyDocument: allow('ram:*') });
      const cases: [Record<string, unknown>, string][] = [
        [{ policyDocument: allow('ram:*') }, 'MissingPolicyName'],
        [{ policyName: 'p' }, 'MissingPolicyDocument'],
        [{ policyName: 'p', policyDocument: '' }, 'MissingPolicyDocument'],
        [{ policyName: 'my_policy', policyDocument: allow('ram:*') }, 'InvalidParameter.PolicyName.InvalidChars'],
        [{ policyName: 'p'.repeat(129), policyDocument: allow('ram:*') }, 'InvalidParameter.PolicyName.Length'],
        [{ policyName: 'p', policyDocument: 'x'.repeat(6145) }, 'InvalidParameter.PolicyDocument.Length'],
        [{ policyName: 'p', policyDocument: '{"Version":"1"' }, 'MalformedPolicyDocument'],
        [{ policyName: 'p', policyDocument: '{"Version":"2","Statement":[]}' }, 'MalformedPolicyDocument'],
        [{ policyName: 'p', policyDocument: allow('ram:*'), description: 'd'.repeat(1025) }, 'InvalidParameter.Description.Length'],
        [{ policyName: 'p', policyDocument: allow('ram:*'), tags: [{ key: 'acs:owner', value: 'x' }] }, 'InvalidParameter.TagKey'],
        [{ policyName: 'administratoraccess', policyDocument: allow('ram:*') }, 'EntityAlreadyExists.Policy'],
        [{ policyName: 'FIRST', policyDocument: allow('ram:*') }, 'EntityAlreadyExists.Policy'],
        [{ policyName: 'second', policyDocument: allow('ram:*') }, 'LimitExceeded.Policy'],
      ];
      for (const [input, code] of cases) await rejectsWith(ram.policies.create(account.root, input), code, JSON.stringify(input).slice(0, 80));
      const longest = await world.ram.policies.create(account.root, { policyName: 'P'.repeat(128), policyDocument: allow('ram:*'), description: 'd'.repeat(1024) });
      assert.equal(longest.policyName.length, 128);
    });

    test('GetPolicy of a system policy: its description, version, document and dates; wrong types are not found', async () => {
      const account = await world.newAccount();
      const { policies } = world.ram;
      const readOnly = systemPolicies.find((p) => p.policyName === 'AliyunResourceDirectoryReadOnlyAccess')!;
      const got = await policies.get(account.root, { policyName: 'AliyunResourceDirectoryReadOnlyAccess', policyType: 'System' });
      assert.deepEqual(got, {
        policy: {
          policyName: readOnly.policyName,
          policyType: 'System',
          description: readOnly.description,
          defaultVersion: 'v6',
          attachmentCount: 0,
          createdAt: readOnly.createDate,
          updatedAt: readOnly.updateDate,
        },
        defaultVersion: { versionId: 'v6', isDefaultVersion: true, policyDocument: readOnly.policyDocument, createdAt: readOnly.updateDate },
      });
      await policies.create(account.root, { policyName: 'mine', policyDocument: allow('ram:*') });
      await rejectsWith(policies.get(account.root, { policyName: 'mine', policyType: 'System' }), 'EntityNotExist.Policy');
      await rejectsWith(policies.get(account.root, { policyName: 'AdministratorAccess', policyType: 'Custom' }), 'EntityNotExist.Policy');
      await rejectsWith(policies.get(account.root, { policyName: 'mine', policyType: 'custom' }), 'InvalidParameter.PolicyType');
      await rejectsWith(policies.get(account.root, { policyName: 'mine' }), 'MissingPolicyType');
      await rejectsWith(policies.get(account.root, { policyType: 'Custom' }), 'MissingPolicyName');
      await rejectsWith(policies.get(account.root, { policyName: 'mi ne', policyType: 'Custom' }), 'InvalidParameter.PolicyName.InvalidChars');
      // Another account has no such custom policy.
      await rejectsWith(policies.get((await world.newAccount()).root, { policyName: 'mine', policyType: 'Custom' }), 'EntityNotExist.Policy');
    });

    test('versions: v2, v3 … in sequence, never reused; SetAsDefault; the quota and RotateStrategy', async () => {
      const account = await world.newAccount();
      const { policyVersions: versions, policies } = world.ram;
      await policies.create(account.root, { policyName: 'versioned', policyDocument: allow('a:v1') });
      const v2 = await versions.create(account.root, { policyName: 'VERSIONED', policyDocument: allow('a:v2') });
      assert.deepEqual([v2.versionId, v2.isDefaultVersion, v2.policyDocument], ['v2', false, allow('a:v2')]);
      const revision = await revisionOf(world, account.accountId);
      const v3 = await versions.create(account.root, { policyName: 'versioned', policyDocument: allow('a:v3'), setAsDefault: true });
      assert.equal(v3.isDefaultVersion, true);
      assert.ok((await revisionOf(world, account.accountId)) > revision);
      assert.equal((await policies.get(account.root, { policyName: 'versioned', policyType: 'Custom' })).defaultVersion.policyDocument, allow('a:v3'));
      await versions.create(account.root, { policyName: 'versioned', policyDocument: allow('a:v4') });
      await versions.create(account.root, { policyName: 'versioned', policyDocument: allow('a:v5'), rotateStrategy: 'None' });
      await rejectsWith(versions.create(account.root, { policyName: 'versioned', policyDocument: allow('a:v6') }), 'LimitExceeded.Policy.Version');
      await rejectsWith(
        versions.create(account.root, { policyName: 'versioned', policyDocument: allow('a:v6'), rotateStrategy: 'DeleteOldest' }),
        'InvalidParameter.RotateStrategy',
      );
      // Rotation drops the oldest non-default version (v1), never the default (v3).
      const v6 = await versions.create(account.root, {
        policyName: 'versioned',
        policyDocument: allow('a:v6'),
        rotateStrategy: 'DeleteOldestNonDefaultVersionWhenLimitExceeded',
      });
      assert.equal(v6.versionId, 'v6');
      const listed = await versions.list(account.root, { policyName: 'versioned', policyType: 'Custom' });
      assert.deepEqual(
        listed.map((v) => [v.versionId, v.isDefaultVersion]),
        [['v2', false], ['v3', true], ['v4', false], ['v5', false], ['v6', false]],
      );
      await versions.delete(account.root, { policyName: 'versioned', versionId: 'v6' });
      const v7 = await versions.create(account.root, { policyName: 'versioned', policyDocument: allow('a:v7') });
      assert.equal(v7.versionId, 'v7', 'a deleted version number is never given again');
      await rejectsWith(versions.get(account.root, { policyName: 'versioned', policyType: 'Custom', versionId: 'v6' }), 'EntityNotExist.Policy.Version');
      assert.deepEqual(await versions.get(account.root, { policyName: 'versioned', policyType: 'Custom', versionId: 'v2' }), listed[0]);
      const events = (await auditOf(world, account.directoryId)).filter((e) => e.action === 'CreatePolicyVersion');
      assert.deepEqual(events[4]!.changes.DeletedVersionIds, ['v1']);
    });

    test('CreatePolicyVersion check order; system policies cannot get versions', async () => {
      const account = await world.newAccount();
      const { policyVersions: versions, policies } = world.ram;
      await policies.create(account.root, { policyName: 'ordered', policyDocument: allow('a:b') });
      const cases: [Record<string, unknown>, string][] = [
        [{ policyDocument: allow('a:b') }, 'MissingPolicyName'],
        [{ policyName: 'ordered' }, 'MissingPolicyDocument'],
        [{ policyName: 'or dered', policyDocument: 'not json' }, 'InvalidParameter.PolicyName.InvalidChars'],
        [{ policyName: 'ghost', policyDocument: 'not json' }, 'MalformedPolicyDocument'],
        [{ policyName: 'ghost', policyDocument: allow('a:b'), rotateStrategy: 'none' }, 'InvalidParameter.RotateStrategy'],
        [{ policyName: 'ghost', policyDocument: allow('a:b') }, 'EntityNotExist.Policy'],
        [{ policyName: 'AdministratorAccess', policyDocument: allow('a:b') }, 'EntityNotExist.Policy'],
      ];
      for (const [input, code] of cases) await rejectsWith(versions.create(account.root, input), code, JSON.stringify(input));
    });

    test('GetPolicyVersion / ListPolicyVersions of system policies: their one version', async () => {
      const account = await world.newAccount();
      const { policyVersions: versions } = world.ram;
      const admin = systemPolicies.find((p) => p.policyName === 'AdministratorAccess')!;
      const only = { versionId: 'v1', isDefaultVersion: true, policyDocument: admin.policyDocument, createdAt: admin.updateDate };
      assert.deepEqual(await versions.list(account.root, { policyName: 'AdministratorAccess', policyType: 'System' }), [only]);
      assert.deepEqual(await versions.get(account.root, { policyName: 'administratoraccess', policyType: 'System', versionId: 'v1' }), only);
      await rejectsWith(versions.get(account.root, { policyName: 'AdministratorAccess', policyType: 'System', versionId: 'v2' }), 'EntityNotExist.Policy.Version');
      const cases: [Record<string, unknown>, string][] = [
        [{ policyType: 'System', versionId: 'v1' }, 'MissingPolicyName'],
        [{ policyName: 'AdministratorAccess', versionId: 'v1' }, 'MissingPolicyType'],
        [{ policyName: 'AdministratorAccess', policyType: 'System' }, 'MissingVersionId'],
        [{ policyName: 'AdministratorAccess', policyType: 'Sys', versionId: 'v1' }, 'InvalidParameter.PolicyType'],
        [{ policyName: 'Admin_Access', policyType: 'System', versionId: 'v1' }, 'InvalidParameter.PolicyName.InvalidChars'],
        [{ policyName: 'AdministratorAccess', policyType: 'System', versionId: '1' }, 'InvalidParameter.VersionId.Format'],
        [{ policyName: 'AdministratorAccess', policyType: 'System', versionId: 'v0' }, 'InvalidParameter.VersionId.Format'],
        [{ policyName: 'AdministratorAccess', policyType: 'System', versionId: 'V1' }, 'InvalidParameter.VersionId.Format'],
        [{ policyName: 'NoSuchSystemPolicy', policyType: 'System', versionId: 'v1' }, 'EntityNotExist.Policy'],
      ];
      for (const [input, code] of cases) await rejectsWith(versions.get(account.root, input), code, JSON.stringify(input));
      await rejectsWith(versions.list(account.root, { policyName: 'NoSuch', policyType: 'System' }), 'EntityNotExist.Policy');
    });

    test('DeletePolicyVersion and SetDefaultPolicyVersion: the default version cannot be deleted; a new default is in force', async () => {
      const account = await world.newAccount();
      const { policyVersions: versions, policies } = world.ram;
      await policies.create(account.root, { policyName: 'flip', policyDocument: allow('a:one') });
      await versions.create(account.root, { policyName: 'flip', policyDocument: allow('a:two') });
      await rejectsWith(versions.delete(account.root, { policyName: 'flip', versionId: 'v1' }), 'DeleteConflict.Policy.Version.Default');
      const revision = await revisionOf(world, account.accountId);
      await versions.setDefault(account.root, { policyName: 'FLIP', versionId: 'v2' });
      assert.ok((await revisionOf(world, account.accountId)) > revision);
      const got = await policies.get(account.root, { policyName: 'flip', policyType: 'Custom' });
      assert.deepEqual([got.policy.defaultVersion, got.defaultVersion.versionId, got.defaultVersion.policyDocument], ['v2', 'v2', allow('a:two')]);
      // Setting the default again changes nothing.
      const unchanged = await revisionOf(world, account.accountId);
      await versions.setDefault(account.root, { policyName: 'flip', versionId: 'v2' });
      assert.equal(await revisionOf(world, account.accountId), unchanged);
      await versions.delete(account.root, { policyName: 'flip', versionId: 'v1' });
      assert.deepEqual((await versions.list(account.root, { policyName: 'flip', policyType: 'Custom' })).map((v) => v.versionId), ['v2']);
      for (const action of [versions.delete.bind(versions), versions.setDefault.bind(versions)]) {
        await rejectsWith(action(account.root, { versionId: 'v1' }), 'MissingPolicyName');
        await rejectsWith(action(account.root, { policyName: 'flip' }), 'MissingVersionId');
        await rejectsWith(action(account.root, { policyName: 'flip', versionId: 'version1' }), 'InvalidParameter.VersionId.Format');
        await rejectsWith(action(account.root, { policyName: 'ghost', versionId: 'v1' }), 'EntityNotExist.Policy');
        await rejectsWith(action(account.root, { policyName: 'flip', versionId: 'v1' }), 'EntityNotExist.Policy.Version');
        await rejectsWith(action(account.root, { policyName: 'AdministratorAccess', versionId: 'v1' }), 'EntityNotExist.Policy');
      }
    });

    test('DeletePolicy: attachments block even with CascadingDelete; other versions block without it', async () => {
      const account = await world.newAccount();
      const { ram } = world;
      await ram.policies.create(account.root, { policyName: 'doomed', policyDocument: allow('a:b'), tags: [{ key: 'team', value: 'x' }] });
      await ram.policyVersions.create(account.root, { policyName: 'doomed', policyDocument: allow('a:c') });
      await ram.users.create(account.root, { userName: 'holder' });
      await ram.groups.create(account.root, { groupName: 'holders' });
      await ram.attachments.attachPolicyToUser(account.root, { policyType: 'Custom', policyName: 'doomed', userName: 'holder' });
      await ram.attachments.attachPolicyToGroup(account.root, { policyType: 'Custom', policyName: 'doomed', groupName: 'holders' });
      await rejectsWith(ram.policies.delete(account.root, { policyName: 'doomed', cascadingDelete: true }), 'DeleteConflict.Policy.User');
      await ram.attachments.detachPolicyFromUser(account.root, { policyType: 'Custom', policyName: 'doomed', userName: 'holder' });
      await rejectsWith(ram.policies.delete(account.root, { policyName: 'doomed', cascadingDelete: true }), 'DeleteConflict.Policy.Group');
      await ram.attachments.detachPolicyFromGroup(account.root, { policyType: 'Custom', policyName: 'doomed', groupName: 'holders' });
      await rejectsWith(ram.policies.delete(account.root, { policyName: 'doomed' }), 'DeleteConflict.Policy.Version');
      const revision = await revisionOf(world, account.accountId);
      await ram.policies.delete(account.root, { policyName: 'DOOMED', cascadingDelete: true });
      assert.ok((await revisionOf(world, account.accountId)) > revision);
      await rejectsWith(ram.policies.get(account.root, { policyName: 'doomed', policyType: 'Custom' }), 'EntityNotExist.Policy');
      await rejectsWith(ram.policies.delete(account.root, { policyName: 'doomed' }), 'EntityNotExist.Policy');
      await rejectsWith(ram.policies.delete(account.root, { policyName: 'AdministratorAccess' }), 'EntityNotExist.Policy');
      await rejectsWith(ram.policies.delete(account.root, {}), 'MissingPolicyName');
      // The name is free again: a new policy, its versions from v1, without the old tags.
      await ram.policies.create(account.root, { policyName: 'doomed', policyDocument: allow('a:d') });
      assert.deepEqual((await ram.policyVersions.list(account.root, { policyName: 'doomed', policyType: 'Custom' })).map((v) => v.versionId), ['v1']);
      assert.deepEqual((await ram.policyTags.list(account.root, { resourceType: 'policy', resourceNames: ['doomed'] })).tagResources, []);
      // A policy with one version deletes without CascadingDelete.
      await ram.policies.delete(account.root, { policyName: 'doomed' });
    });

    test('UpdatePolicyDescription changes or clears a custom policy’s description', async () => {
      const account = await world.newAccount();
      const { policies } = world.ram;
      const created = await policies.create(account.root, { policyName: 'described', policyDocument: allow('a:b'), description: 'old' });
      const updated = await policies.updateDescription(account.root, { policyName: 'Described', newDescription: 'new' });
      assert.deepEqual({ ...updated, updatedAt: created.updatedAt }, { ...created, description: 'new' });
      assert.ok(updated.updatedAt > created.updatedAt);
      assert.equal((await policies.updateDescription(account.root, { policyName: 'described', newDescription: '' })).description, null);
      await rejectsWith(policies.updateDescription(account.root, { policyName: 'described' }), 'MissingNewDescription');
      await rejectsWith(policies.updateDescription(account.root, { newDescription: 'x' }), 'MissingPolicyName');
      await rejectsWith(policies.updateDescription(account.root, { policyName: 'ghost', newDescription: 'd'.repeat(1025) }), 'InvalidParameter.Description.Length');
      await rejectsWith(policies.updateDescription(account.root, { policyName: 'ghost', newDescription: 'x' }), 'EntityNotExist.Policy');
      await rejectsWith(policies.updateDescription(account.root, { policyName: 'AdministratorAccess', newDescription: 'x' }), 'EntityNotExist.Policy');
    });

    test('ListPolicies: system policies first, then custom ones by creation; type and tag filters; Marker paging across both', async () => {
      const account = await world.newAccount();
      const { ram } = world;
      for (const name of ['c1', 'c2', 'c3']) {
        await ram.policies.create(account.root, { policyName: name, policyDocument: allow('a:b'), tags: name === 'c2' ? [{ key: 'env', value: 'prod' }, { key: 'team', value: 'a' }] : [{ key: 'env', value: 'dev' }] });
      }
      await ram.users.create(account.root, { userName: 'one' });
      await ram.attachments.attachPolicyToUser(account.root, { policyType: 'System', policyName: 'AdministratorAccess', userName: 'one' });
      await ram.attachments.attachPolicyToUser(account.root, { policyType: 'Custom', policyName: 'c3', userName: 'one' });
      const systemNames = systemPolicies.map((p) => p.policyName);

      const all = await ram.policies.list(account.root, {});
      assert.deepEqual(all.items.map((p) => p.policyName), [...systemNames, 'c1', 'c2', 'c3']);
      assert.deepEqual([all.isTruncated, all.marker], [false, undefined]);
      assert.equal(all.items.find((p) => p.policyName === 'AdministratorAccess')?.attachmentCount, 1);
      assert.equal(all.items.find((p) => p.policyName === 'c3')?.attachmentCount, 1);
      assert.deepEqual(all.items.find((p) => p.policyName === 'c2')?.tags, [{ key: 'env', value: 'prod' }, { key: 'team', value: 'a' }]);
      assert.deepEqual(all.items[0]!.tags, []);

      const walked: string[] = [];
      let marker: string | undefined;
      let pages = 0;
      do {
        const page = await ram.policies.list(account.root, { maxItems: 3, ...(marker ? { marker } : {}) });
        walked.push(...page.items.map((p) => p.policyName));
        assert.equal(page.isTruncated, page.marker !== undefined);
        marker = page.marker;
        pages++;
      } while (marker);
      assert.deepEqual([walked, pages], [[...systemNames, 'c1', 'c2', 'c3'], 3]);

      assert.deepEqual((await ram.policies.list(account.root, { policyType: 'System' })).items.map((p) => p.policyName), systemNames);
      const custom = await ram.policies.list(account.root, { policyType: 'Custom', maxItems: 2 });
      assert.deepEqual(custom.items.map((p) => p.policyName), ['c1', 'c2']);
      assert.deepEqual((await ram.policies.list(account.root, { policyType: 'Custom', marker: custom.marker })).items.map((p) => p.policyName), ['c3']);
      assert.deepEqual((await ram.policies.list(account.root, { tags: [{ key: 'env' }] })).items.map((p) => p.policyName), ['c1', 'c2', 'c3']);
      assert.deepEqual((await ram.policies.list(account.root, { tags: [{ key: 'env', value: 'prod' }] })).items.map((p) => p.policyName), ['c2']);
      assert.deepEqual((await ram.policies.list(account.root, { tags: [{ key: 'env', value: 'dev' }, { key: 'team' }] })).items, []);

      await rejectsWith(ram.policies.list(account.root, { policyType: 'Both' }), 'InvalidParameter.PolicyType');
      await rejectsWith(ram.policies.list(account.root, { maxItems: 1001 }), 'InvalidParameter.MaxItems');
      for (const bad of ['["policies","S","nosuchpolicy"]', '["policies","X","a"]', '["users","a","b"]', '["policies","C","a"]']) {
        await rejectsWith(ram.policies.list(account.root, { marker: Buffer.from(bad).toString('base64url') }), 'InvalidParameter.Marker', bad);
      }
      // Another account lists the system policies and none of these.
      assert.deepEqual((await ram.policies.list((await world.newAccount()).root, {})).items.map((p) => p.policyName), systemNames);
    });

    test('a failing policy write leaves no policy, version, tag or revision bump', async () => {
      const account = await world.newAccount();
      const broken = world.withOptions({}, failingAtAudit(world.store));
      const revision = await revisionOf(world, account.accountId);
      await assert.rejects(broken.policies.create(account.root, { policyName: 'half', policyDocument: allow('a:b'), tags: [{ key: 'k', value: 'v' }] }), /audit write failed/);
      await rejectsWith(world.ram.policies.get(account.root, { policyName: 'half', policyType: 'Custom' }), 'EntityNotExist.Policy');
      assert.equal(await revisionOf(world, account.accountId), revision);
      assert.deepEqual(await world.store.ram.policies.versions(account.accountId, 'half'), []);
      await world.ram.policies.create(account.root, { policyName: 'whole', policyDocument: allow('a:b') });
      await assert.rejects(broken.policyVersions.create(account.root, { policyName: 'whole', policyDocument: allow('a:c'), setAsDefault: true }), /audit write failed/);
      const got = await world.ram.policies.get(account.root, { policyName: 'whole', policyType: 'Custom' });
      assert.equal(got.defaultVersion.versionId, 'v1');
      // The failed attempt did not use up v2.
      assert.equal((await world.ram.policyVersions.create(account.root, { policyName: 'whole', policyDocument: allow('a:c') })).versionId, 'v2');
    });
  });
}

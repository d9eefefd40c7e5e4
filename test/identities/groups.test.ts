/**
 * RAM groups and memberships in the domain (spec ram.md §3.6) on every storage backend: field
 * rules, GroupIds, renames, deletion conflicts, the per-user group quota, both listings (with
 * Marker paging for a group's members), revision bumps and isolation between accounts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../support/backends.js';
import { type RamWorld, auditOf, failingAtAudit, ramWorld, rejectsWith, revisionOf } from './support.js';

for (const backend of backends) {
  describe(`RAM groups and memberships [${backend.name}]`, () => {
    let world: RamWorld;
    before(async () => {
      world = await ramWorld(backend);
    });
    after(() => world.close());

    test('CreateGroup answers a g- GroupId; names are unique per account in any case and kept as given', async () => {
      const account = await world.newAccount();
      const { groups } = world.ram;
      const group = await groups.create(account.root, { groupName: 'Dev-Team', comments: 'developers' });
      assert.match(group.groupId, /^g-[0-9A-Za-z]{16}$/);
      assert.deepEqual(group, { groupId: group.groupId, groupName: 'Dev-Team', comments: 'developers', createdAt: group.createdAt, updatedAt: group.createdAt });
      assert.deepEqual(await groups.get(account.root, 'dev-team'), group);
      const cases: [Record<string, string | undefined>, string][] = [
        [{}, 'MissingGroupName'],
        [{ groupName: 'dev team' }, 'InvalidParameter.GroupName.InvalidChars'],
        [{ groupName: 'g'.repeat(65) }, 'InvalidParameter.GroupName.Length'],
        [{ groupName: 'DEV-TEAM', comments: 'c'.repeat(129) }, 'InvalidParameter.Comments.Length'],
        [{ groupName: 'DEV-TEAM' }, 'EntityAlreadyExists.Group'],
      ];
      for (const [input, code] of cases) await rejectsWith(groups.create(account.root, input), code, JSON.stringify(input));
      await rejectsWith(groups.get(account.root, 'nope'), 'EntityNotExist.Group');
      await rejectsWith(groups.get(account.root, undefined), 'MissingGroupName');
    });

    test('the group quota of the account', async () => {
      const ram = world.withOptions({ quotas: { groupsPerAccount: 1 } });
      const account = await world.newAccount();
      await ram.groups.create(account.root, { groupName: 'only' });
      await rejectsWith(ram.groups.create(account.root, { groupName: 'second' }), 'LimitExceeded.Group');
      await rejectsWith(ram.groups.create(account.root, { groupName: 'ONLY' }), 'EntityAlreadyExists.Group');
    });

    test('UpdateGroup renames (keeping members and policies) and changes or clears the comments', async () => {
      const account = await world.newAccount();
      const { ram } = world;
      const group = await ram.groups.create(account.root, { groupName: 'qa', comments: 'testers' });
      await ram.groups.create(account.root, { groupName: 'ops' });
      const user = await ram.users.create(account.root, { userName: 'tess' });
      await ram.memberships.addUserToGroup(account.root, { groupName: 'qa', userName: 'tess' });
      await ram.attachments.attachPolicyToGroup(account.root, { policyType: 'System', policyName: 'AliyunRAMReadOnlyAccess', groupName: 'qa' });

      const commented = await ram.groups.update(account.root, { groupName: 'qa', newComments: 'quality' });
      assert.equal(commented.comments, 'quality');
      const revision = await revisionOf(world, account.accountId);
      const renamed = await ram.groups.update(account.root, { groupName: 'QA', newGroupName: 'Quality', newComments: '' });
      assert.deepEqual([renamed.groupId, renamed.groupName, renamed.comments], [group.groupId, 'Quality', null]);
      assert.ok((await revisionOf(world, account.accountId)) > revision);
      assert.deepEqual((await ram.memberships.groupsForUser(account.root, 'tess')).map((g) => g.groupName), ['Quality']);
      assert.deepEqual((await ram.attachments.policiesForGroup(account.root, 'quality')).map((p) => p.policyName), ['AliyunRAMReadOnlyAccess']);
      assert.equal((await ram.policiesInForce(account.accountId, user.userId)).length, 1);

      const cases: [Record<string, string | undefined>, string][] = [
        [{ newGroupName: 'x' }, 'MissingGroupName'],
        [{ groupName: 'ghost', newGroupName: 'bad name' }, 'InvalidParameter.NewGroupName.InvalidChars'],
        [{ groupName: 'ghost', newGroupName: 'n'.repeat(65) }, 'InvalidParameter.NewGroupName.Length'],
        [{ groupName: 'ghost', newComments: 'c'.repeat(129) }, 'InvalidParameter.NewComments.Length'],
        [{ groupName: 'ghost', newComments: 'x' }, 'EntityNotExist.Group'],
        [{ groupName: 'quality', newGroupName: 'OPS' }, 'EntityAlreadyExists.Group'],
      ];
      for (const [input, code] of cases) await rejectsWith(ram.groups.update(account.root, input), code, JSON.stringify(input));
    });

    test('DeleteGroup is refused while the group has members, then while it has policies', async () => {
      const account = await world.newAccount();
      const { ram } = world;
      const group = await ram.groups.create(account.root, { groupName: 'temp' });
      await ram.users.create(account.root, { userName: 'member' });
      await ram.memberships.addUserToGroup(account.root, { groupName: 'temp', userName: 'member' });
      await ram.attachments.attachPolicyToGroup(account.root, { policyType: 'System', policyName: 'AdministratorAccess', groupName: 'temp' });
      await rejectsWith(ram.groups.delete(account.root, 'temp'), 'DeleteConflict.Group.User');
      await ram.memberships.removeUserFromGroup(account.root, { groupName: 'temp', userName: 'member' });
      await rejectsWith(ram.groups.delete(account.root, 'temp'), 'DeleteConflict.Group.Policy');
      await ram.attachments.detachPolicyFromGroup(account.root, { policyType: 'System', policyName: 'AdministratorAccess', groupName: 'temp' });
      await ram.groups.delete(account.root, 'TEMP');
      await rejectsWith(ram.groups.get(account.root, 'temp'), 'EntityNotExist.Group');
      await rejectsWith(ram.groups.delete(account.root, 'temp'), 'EntityNotExist.Group');
      const again = await ram.groups.create(account.root, { groupName: 'temp' });
      assert.notEqual(again.groupId, group.groupId, 'a GroupId is never handed out twice');
    });

    test('ListGroups pages in creation order; MaxItems is 1–100', async () => {
      const account = await world.newAccount();
      const { groups } = world.ram;
      for (const groupName of ['g1', 'g2', 'g3']) await groups.create(account.root, { groupName });
      const first = await groups.list(account.root, { maxItems: 2 });
      assert.deepEqual([first.items.map((g) => g.groupName), first.isTruncated], [['g1', 'g2'], true]);
      const rest = await groups.list(account.root, { maxItems: 2, marker: first.marker });
      assert.deepEqual([rest.items.map((g) => g.groupName), rest.isTruncated, rest.marker], [['g3'], false, undefined]);
      await rejectsWith(groups.list(account.root, { maxItems: 101 }), 'InvalidParameter.MaxItems');
      assert.equal((await groups.list(account.root, { maxItems: 100 })).items.length, 3);
      const usersMarker = (await world.ram.users.list(account.root, {})).marker;
      assert.equal(usersMarker, undefined);
      await rejectsWith(groups.list(account.root, { marker: Buffer.from('["users","x","y"]').toString('base64url') }), 'InvalidParameter.Marker');
    });

    test('AddUserToGroup / RemoveUserFromGroup: existence, duplicates, the 5-group quota, revision bumps', async () => {
      const account = await world.newAccount();
      const { ram } = world;
      const user = await ram.users.create(account.root, { userName: 'joiner' });
      for (let i = 1; i <= 6; i++) await ram.groups.create(account.root, { groupName: `team${i}` });
      const revision = await revisionOf(world, account.accountId);
      await ram.memberships.addUserToGroup(account.root, { groupName: 'team1', userName: 'JOINER' });
      assert.ok((await revisionOf(world, account.accountId)) > revision);
      await rejectsWith(ram.memberships.addUserToGroup(account.root, { groupName: 'TEAM1', userName: 'joiner' }), 'EntityAlreadyExists.User.Group');
      for (let i = 2; i <= 5; i++) await ram.memberships.addUserToGroup(account.root, { groupName: `team${i}`, userName: 'joiner' });
      await rejectsWith(ram.memberships.addUserToGroup(account.root, { groupName: 'team6', userName: 'joiner' }), 'LimitExceeded.User.Group');
      // A conflict is reported before the limit.
      await rejectsWith(ram.memberships.addUserToGroup(account.root, { groupName: 'team5', userName: 'joiner' }), 'EntityAlreadyExists.User.Group');

      const cases: [Record<string, string | undefined>, string][] = [
        [{ userName: 'joiner' }, 'MissingGroupName'],
        [{ groupName: 'team1' }, 'MissingUserName'],
        [{ groupName: 'team 1', userName: 'joiner' }, 'InvalidParameter.GroupName.InvalidChars'],
        [{ groupName: 'team1', userName: 'join er' }, 'InvalidParameter.UserName.InvalidChars'],
        [{ groupName: 'nogroup', userName: 'nobody' }, 'EntityNotExist.User'],
        [{ groupName: 'nogroup', userName: 'joiner' }, 'EntityNotExist.Group'],
      ];
      for (const [input, code] of cases) {
        await rejectsWith(ram.memberships.addUserToGroup(account.root, input), code, JSON.stringify(input));
        await rejectsWith(ram.memberships.removeUserFromGroup(account.root, input), code, JSON.stringify(input));
      }

      const removedRevision = await revisionOf(world, account.accountId);
      await ram.memberships.removeUserFromGroup(account.root, { groupName: 'team1', userName: 'joiner' });
      assert.ok((await revisionOf(world, account.accountId)) > removedRevision);
      await rejectsWith(ram.memberships.removeUserFromGroup(account.root, { groupName: 'team1', userName: 'joiner' }), 'EntityNotExist.User.Group');
      await ram.memberships.addUserToGroup(account.root, { groupName: 'team6', userName: 'joiner' });

      const listed = await ram.memberships.groupsForUser(account.root, 'joiner');
      assert.deepEqual(listed.map((g) => g.groupName), ['team2', 'team3', 'team4', 'team5', 'team6']);
      assert.ok(listed.every((g) => g.groupId.startsWith('g-') && g.comments === null && typeof g.joinedAt === 'string'));
      await rejectsWith(ram.memberships.groupsForUser(account.root, 'nobody'), 'EntityNotExist.User');
      assert.deepEqual(
        (await auditOf(world, account.directoryId)).filter((e) => e.action === 'RemoveUserFromGroup').map((e) => e.changes),
        [{ GroupId: (await ram.groups.get(account.root, 'team1')).groupId, GroupName: 'team1', UserId: user.userId, UserName: 'joiner' }],
      );
    });

    test('ListUsersForGroup pages the members in the order they joined', async () => {
      const account = await world.newAccount();
      const { ram } = world;
      await ram.groups.create(account.root, { groupName: 'crowd' });
      for (const userName of ['m1', 'm2', 'm3']) {
        await ram.users.create(account.root, { userName, displayName: `Member ${userName}` });
      }
      for (const userName of ['m3', 'm1', 'm2']) await ram.memberships.addUserToGroup(account.root, { groupName: 'crowd', userName });
      const first = await ram.memberships.usersForGroup(account.root, 'crowd', { maxItems: 2 });
      assert.deepEqual(first.items.map((m) => [m.userName, m.displayName]), [['m3', 'Member m3'], ['m1', 'Member m1']]);
      assert.equal(first.isTruncated, true);
      const rest = await ram.memberships.usersForGroup(account.root, 'CROWD', { maxItems: 2, marker: first.marker });
      assert.deepEqual([rest.items.map((m) => m.userName), rest.isTruncated, rest.marker], [['m2'], false, undefined]);
      await rejectsWith(ram.memberships.usersForGroup(account.root, 'nothing', {}), 'EntityNotExist.Group');
      await rejectsWith(ram.memberships.usersForGroup(account.root, 'crowd', { maxItems: 1001 }), 'InvalidParameter.MaxItems');
      await rejectsWith(ram.memberships.usersForGroup(account.root, 'crowd', { marker: 'x' }), 'InvalidParameter.Marker');
      assert.equal((await ram.memberships.usersForGroup(account.root, 'crowd', { maxItems: 1000 })).items.length, 3);
    });

    test('groups and memberships of one account are invisible to another', async () => {
      const a = await world.newAccount();
      const b = await world.newAccount();
      const { ram } = world;
      await ram.groups.create(a.root, { groupName: 'shared-name' });
      await ram.users.create(a.root, { userName: 'alice' });
      await ram.users.create(b.root, { userName: 'alice' });
      await rejectsWith(ram.groups.get(b.root, 'shared-name'), 'EntityNotExist.Group');
      await rejectsWith(ram.memberships.addUserToGroup(b.root, { groupName: 'shared-name', userName: 'alice' }), 'EntityNotExist.Group');
      assert.deepEqual((await ram.groups.list(b.root, {})).items, []);
      await ram.groups.create(b.root, { groupName: 'shared-name' });
      await ram.memberships.addUserToGroup(b.root, { groupName: 'shared-name', userName: 'alice' });
      assert.deepEqual((await ram.memberships.usersForGroup(a.root, 'shared-name', {})).items, []);
    });

    test('a failing membership write leaves neither the membership nor a revision bump', async () => {
      const account = await world.newAccount();
      await world.ram.users.create(account.root, { userName: 'solo' });
      await world.ram.groups.create(account.root, { groupName: 'club' });
      const revision = await revisionOf(world, account.accountId);
      const broken = world.withOptions({}, failingAtAudit(world.store));
      await assert.rejects(broken.memberships.addUserToGroup(account.root, { groupName: 'club', userName: 'solo' }), /audit write failed/);
      assert.deepEqual(await world.ram.memberships.groupsForUser(account.root, 'solo'), []);
      assert.equal(await revisionOf(world, account.accountId), revision);
      await assert.rejects(broken.groups.create(account.root, { groupName: 'never' }), /audit write failed/);
      await rejectsWith(world.ram.groups.get(account.root, 'never'), 'EntityNotExist.Group');
    });
  });
}

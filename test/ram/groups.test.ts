/**
 * Ram groups and memberships on the wire (spec ram.md §3.6), every official client, both stores:
 * the Group objects, wrapped lists always present, paging of ListGroups and ListUsersForGroup,
 * clearing the comments with "", the 50-group and five-groups-per-user quotas, and every error with
 * its status (DeleteGroup: members before policies).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { clientNames, expectError } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { startServer, type TestServer } from '../support/server.js';
import { allPages, assertAnswer, assertShape, ramClient, unique } from './support.js';

const createdGroup = { GroupId: 'string', GroupName: 'string', CreateDate: 'date' } as const;
const group = { ...createdGroup, UpdateDate: 'date' } as const;

for (const backend of backends) {
  describe(`Ram groups on the wire [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend });
    });
    after(() => server.close());

    for (const name of clientNames) {
      test(`${name}: CreateGroup, GetGroup, UpdateGroup and DeleteGroup answer their Group objects`, async () => {
        const ram = ramClient(server, name);
        const groupName = unique('Dev-Team');
        const created = await ram.call('CreateGroup', { GroupName: groupName, Comments: 'developers' });
        assertAnswer(created, { Group: { ...createdGroup, Comments: 'string' } });
        assert.match(created.Group.GroupId, /^g-[A-Za-z0-9]{16}$/);
        assert.deepEqual([created.Group.GroupName, created.Group.Comments], [groupName, 'developers']);
        assertAnswer(await ram.call('CreateGroup', { GroupName: unique('bare'), Comments: '' }), { Group: createdGroup });

        const got = await ram.call('GetGroup', { GroupName: groupName.toLowerCase() });
        assertAnswer(got, { Group: { ...group, Comments: 'string' } });
        assert.equal(got.Group.GroupId, created.Group.GroupId);

        const renamed = unique('Ops-Team');
        const updated = await ram.call('UpdateGroup', { GroupName: groupName, NewGroupName: renamed, NewComments: 'operators' });
        assertAnswer(updated, { Group: { ...group, Comments: 'string' } });
        assert.deepEqual([updated.Group.GroupId, updated.Group.GroupName, updated.Group.Comments], [created.Group.GroupId, renamed, 'operators']);
        await expectError(ram.call('GetGroup', { GroupName: groupName }), 'EntityNotExist.Group', 404);
        // Terraform sends only GroupName and NewComments; "" clears them.
        const cleared = await ram.call('UpdateGroup', { GroupName: renamed, NewComments: '' });
        assertAnswer(cleared, { Group: group });
        assertAnswer(await ram.call('GetGroup', { GroupName: renamed }), { Group: group });

        assertAnswer(await ram.call('DeleteGroup', { GroupName: renamed }), {});
        await expectError(ram.call('GetGroup', { GroupName: renamed }), 'EntityNotExist.Group', 404);
      });

      test(`${name}: ListGroups wraps the groups, always, and pages in creation order (MaxItems 1–100)`, async () => {
        const tenant = await server.newTenant();
        const ram = ramClient(server, name, tenant);
        assertAnswer(await ram.call('ListGroups'), { IsTruncated: 'boolean', Groups: { Group: [] } });
        const names: string[] = [];
        for (let index = 0; index < 5; index += 1) {
          names.push(unique(`team${index}`));
          await ram.call('CreateGroup', { GroupName: names.at(-1)!, Comments: `team ${index}` });
        }
        const first = await ram.call('ListGroups', { MaxItems: 2 });
        assertAnswer(first, { IsTruncated: 'boolean', Marker: 'string', Groups: { Group: [{ ...group, Comments: 'string' }] } });
        const { pages, items } = await allPages(ram, 'ListGroups', { MaxItems: 2 }, (body) => body.Groups.Group);
        assert.deepEqual(pages.map((page) => page.length), [2, 2, 1]);
        assert.deepEqual(items.map((item) => item.GroupName), names);
        assert.equal((await ram.call('ListGroups', { MaxItems: 100 })).Groups.Group.length, 5);
      });

      test(`${name}: memberships: Add, Remove, ListGroupsForUser and ListUsersForGroup with paging`, async () => {
        const ram = ramClient(server, name);
        const groupName = unique('members');
        const otherGroup = unique('others');
        await ram.call('CreateGroup', { GroupName: groupName, Comments: 'with members' });
        await ram.call('CreateGroup', { GroupName: otherGroup });
        const users: string[] = [];
        for (let index = 0; index < 3; index += 1) {
          users.push(unique(`member${index}`));
          await ram.call('CreateUser', { UserName: users.at(-1)!, DisplayName: `Member ${index}` });
        }
        const loner = unique('loner');
        await ram.call('CreateUser', { UserName: loner });
        assertAnswer(await ram.call('ListGroupsForUser', { UserName: loner }), { Groups: { Group: [] } });
        assertAnswer(await ram.call('ListUsersForGroup', { GroupName: otherGroup }), { IsTruncated: 'boolean', Users: { User: [] } });

        for (const userName of users) assertAnswer(await ram.call('AddUserToGroup', { GroupName: groupName, UserName: userName }), {});
        await ram.call('AddUserToGroup', { GroupName: otherGroup, UserName: users[0]! });
        await ram.call('AddUserToGroup', { GroupName: otherGroup, UserName: loner });

        const groupsOfFirst = await ram.call('ListGroupsForUser', { UserName: users[0]! });
        assert.deepEqual(Object.keys(groupsOfFirst).sort(), ['Groups', 'RequestId']);
        assert.deepEqual(Object.keys(groupsOfFirst.Groups), ['Group']);
        assertShape(groupsOfFirst.Groups.Group[0], { GroupId: 'string', GroupName: 'string', Comments: 'string', JoinDate: 'date' });
        assertShape(groupsOfFirst.Groups.Group[1], { GroupId: 'string', GroupName: 'string', JoinDate: 'date' });
        assert.deepEqual(groupsOfFirst.Groups.Group.map((item: { GroupName: string }) => item.GroupName), [groupName, otherGroup]);

        const members = await ram.call('ListUsersForGroup', { GroupName: groupName });
        assertAnswer(members, { IsTruncated: 'boolean', Users: { User: [{ UserName: 'string', DisplayName: 'string', JoinDate: 'date' }] } });
        assert.deepEqual(members.Users.User.map((item: { UserName: string }) => item.UserName), users);
        const { pages, items } = await allPages(ram, 'ListUsersForGroup', { GroupName: groupName, MaxItems: 2 }, (body) => body.Users.User);
        assert.deepEqual(pages.map((page) => page.length), [2, 1]);
        assert.deepEqual(items.map((item) => item.UserName), users);
        const others = await ram.call('ListUsersForGroup', { GroupName: otherGroup });
        assertShape(others.Users.User[1], { UserName: 'string', JoinDate: 'date' });

        assertAnswer(await ram.call('RemoveUserFromGroup', { GroupName: groupName, UserName: users[1]! }), {});
        assert.deepEqual(
          (await ram.call('ListUsersForGroup', { GroupName: groupName })).Users.User.map((item: { UserName: string }) => item.UserName),
          [users[0], users[2]],
        );
        assert.deepEqual((await ram.call('ListGroupsForUser', { UserName: users[1]! })).Groups.Group, []);
      });
    }

    test('CreateGroup and GetGroup: every error with its status; 50 groups at most', async () => {
      for (const name of clientNames) {
        const ram = ramClient(server, name);
        const taken = unique('Taken-Group');
        await ram.call('CreateGroup', { GroupName: taken });
        await expectError(ram.call('CreateGroup', { Comments: 'x' }), 'MissingGroupName', 400);
        await expectError(ram.call('CreateGroup', { GroupName: 'no space' }), 'InvalidParameter.GroupName.InvalidChars', 400);
        await expectError(ram.call('CreateGroup', { GroupName: 'g'.repeat(65) }), 'InvalidParameter.GroupName.Length', 400);
        await expectError(ram.call('CreateGroup', { GroupName: unique('g'), Comments: 'c'.repeat(129) }), 'InvalidParameter.Comments.Length', 400);
        await expectError(ram.call('CreateGroup', { GroupName: taken.toUpperCase() }), 'EntityAlreadyExists.Group', 409);
        await expectError(ram.call('CreateGroup', { GroupName: taken, Comments: 'c'.repeat(129) }), 'InvalidParameter.Comments.Length', 400);

        await expectError(ram.call('GetGroup'), 'MissingGroupName', 400);
        await expectError(ram.call('GetGroup', { GroupName: 'a/b' }), 'InvalidParameter.GroupName.InvalidChars', 400);
        await expectError(ram.call('GetGroup', { GroupName: 'g'.repeat(65) }), 'InvalidParameter.GroupName.Length', 400);
        await expectError(ram.call('GetGroup', { GroupName: unique('nothing') }), 'EntityNotExist.Group', 404);
      }
      const tenant = await server.newTenant();
      const full = ramClient(server, 'pop-post', tenant);
      for (let index = 0; index < 50; index += 1) await full.call('CreateGroup', { GroupName: `group-${index}` });
      for (const name of clientNames) {
        const ram = ramClient(server, name, tenant);
        await expectError(ram.call('CreateGroup', { GroupName: unique('fifty-first') }), 'LimitExceeded.Group', 409);
        await expectError(ram.call('CreateGroup', { GroupName: 'GROUP-3' }), 'EntityAlreadyExists.Group', 409);
      }
    });

    test('UpdateGroup, DeleteGroup and ListGroups: every error with its status, in the order of the checks', async () => {
      for (const name of clientNames) {
        const ram = ramClient(server, name);
        const groupName = unique('updated');
        const other = unique('occupied');
        await ram.call('CreateGroup', { GroupName: groupName });
        await ram.call('CreateGroup', { GroupName: other });
        const nothing = unique('nothing');

        await expectError(ram.call('UpdateGroup', { NewComments: 'x' }), 'MissingGroupName', 400);
        await expectError(ram.call('UpdateGroup', { GroupName: 'bad name' }), 'InvalidParameter.GroupName.InvalidChars', 400);
        await expectError(ram.call('UpdateGroup', { GroupName: groupName, NewGroupName: 'bad name' }), 'InvalidParameter.NewGroupName.InvalidChars', 400);
        await expectError(ram.call('UpdateGroup', { GroupName: groupName, NewGroupName: 'g'.repeat(65) }), 'InvalidParameter.NewGroupName.Length', 400);
        await expectError(ram.call('UpdateGroup', { GroupName: groupName, NewComments: 'c'.repeat(129) }), 'InvalidParameter.NewComments.Length', 400);
        await expectError(ram.call('UpdateGroup', { GroupName: nothing, NewComments: 'c'.repeat(129) }), 'InvalidParameter.NewComments.Length', 400);
        await expectError(ram.call('UpdateGroup', { GroupName: nothing, NewGroupName: other }), 'EntityNotExist.Group', 404);
        await expectError(ram.call('UpdateGroup', { GroupName: groupName, NewGroupName: other.toLowerCase() }), 'EntityAlreadyExists.Group', 409);

        await expectError(ram.call('DeleteGroup'), 'MissingGroupName', 400);
        await expectError(ram.call('DeleteGroup', { GroupName: 'bad name' }), 'InvalidParameter.GroupName.InvalidChars', 400);
        await expectError(ram.call('DeleteGroup', { GroupName: nothing }), 'EntityNotExist.Group', 404);
        const member = unique('member');
        await ram.call('CreateUser', { UserName: member });
        await ram.call('AddUserToGroup', { GroupName: groupName, UserName: member });
        await ram.call('AttachPolicyToGroup', { GroupName: groupName, PolicyType: 'System', PolicyName: 'AliyunRAMReadOnlyAccess' });
        await expectError(ram.call('DeleteGroup', { GroupName: groupName }), 'DeleteConflict.Group.User', 409);
        await ram.call('RemoveUserFromGroup', { GroupName: groupName, UserName: member });
        await expectError(ram.call('DeleteGroup', { GroupName: groupName }), 'DeleteConflict.Group.Policy', 409);
        await ram.call('DetachPolicyFromGroup', { GroupName: groupName, PolicyType: 'System', PolicyName: 'AliyunRAMReadOnlyAccess' });
        await ram.call('DeleteGroup', { GroupName: groupName });

        for (const maxItems of ['0', '101', 'many']) await expectError(ram.call('ListGroups', { MaxItems: maxItems }), 'InvalidParameter.MaxItems', 400);
        await expectError(ram.call('ListGroups', { Marker: 'garbage' }), 'InvalidParameter.Marker', 400);
      }
    });

    test('membership actions: every error with its status; five groups per user at most', async () => {
      for (const name of clientNames) {
        const ram = ramClient(server, name);
        const userName = unique('joiner');
        const groupName = unique('joined');
        await ram.call('CreateUser', { UserName: userName });
        await ram.call('CreateGroup', { GroupName: groupName });
        const nobody = unique('nobody');
        const nothing = unique('nothing');

        await expectError(ram.call('AddUserToGroup', { UserName: userName }), 'MissingGroupName', 400);
        await expectError(ram.call('AddUserToGroup', { GroupName: groupName }), 'MissingUserName', 400);
        await expectError(ram.call('AddUserToGroup', { GroupName: 'bad name', UserName: userName }), 'InvalidParameter.GroupName.InvalidChars', 400);
        await expectError(ram.call('AddUserToGroup', { GroupName: groupName, UserName: 'bad name' }), 'InvalidParameter.UserName.InvalidChars', 400);
        await expectError(ram.call('AddUserToGroup', { GroupName: groupName, UserName: nobody }), 'EntityNotExist.User', 404);
        await expectError(ram.call('AddUserToGroup', { GroupName: nothing, UserName: userName }), 'EntityNotExist.Group', 404);
        await expectError(ram.call('AddUserToGroup', { GroupName: nothing, UserName: nobody }), 'EntityNotExist.User', 404);
        await ram.call('AddUserToGroup', { GroupName: groupName, UserName: userName });
        await expectError(ram.call('AddUserToGroup', { GroupName: groupName.toUpperCase(), UserName: userName }), 'EntityAlreadyExists.User.Group', 409);
        for (let index = 0; index < 4; index += 1) {
          const more = unique('more');
          await ram.call('CreateGroup', { GroupName: more });
          await ram.call('AddUserToGroup', { GroupName: more, UserName: userName });
        }
        const sixth = unique('sixth');
        await ram.call('CreateGroup', { GroupName: sixth });
        await expectError(ram.call('AddUserToGroup', { GroupName: sixth, UserName: userName }), 'LimitExceeded.User.Group', 409);
        await expectError(ram.call('AddUserToGroup', { GroupName: groupName, UserName: userName }), 'EntityAlreadyExists.User.Group', 409);

        await expectError(ram.call('RemoveUserFromGroup', { UserName: userName }), 'MissingGroupName', 400);
        await expectError(ram.call('RemoveUserFromGroup', { GroupName: groupName }), 'MissingUserName', 400);
        await expectError(ram.call('RemoveUserFromGroup', { GroupName: groupName, UserName: nobody }), 'EntityNotExist.User', 404);
        await expectError(ram.call('RemoveUserFromGroup', { GroupName: nothing, UserName: userName }), 'EntityNotExist.Group', 404);
        await expectError(ram.call('RemoveUserFromGroup', { GroupName: sixth, UserName: userName }), 'EntityNotExist.User.Group', 404);

        await expectError(ram.call('ListGroupsForUser'), 'MissingUserName', 400);
        await expectError(ram.call('ListGroupsForUser', { UserName: 'bad name' }), 'InvalidParameter.UserName.InvalidChars', 400);
        await expectError(ram.call('ListGroupsForUser', { UserName: nobody }), 'EntityNotExist.User', 404);

        await expectError(ram.call('ListUsersForGroup'), 'MissingGroupName', 400);
        await expectError(ram.call('ListUsersForGroup', { GroupName: nothing }), 'EntityNotExist.Group', 404);
        await expectError(ram.call('ListUsersForGroup', { MaxItems: '0' }), 'MissingGroupName', 400);
        await expectError(ram.call('ListUsersForGroup', { GroupName: nothing, MaxItems: '1001' }), 'InvalidParameter.MaxItems', 400);
        await expectError(ram.call('ListUsersForGroup', { GroupName: groupName, Marker: 'garbage' }), 'InvalidParameter.Marker', 400);
        assert.equal((await ram.call('ListUsersForGroup', { GroupName: groupName, MaxItems: 1000 })).Users.User.length, 1);
      }
    });
  });
}

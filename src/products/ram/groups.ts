/**
 * RAM groups and their members (spec ram.md §3.6): CreateGroup, GetGroup, UpdateGroup, DeleteGroup,
 * ListGroups, AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser, ListUsersForGroup.
 */
import type { RamGroup } from '../../domain/identities/groups.js';
import type { GroupOfUser, MemberOfGroup } from '../../domain/identities/memberships.js';
import { defineAction, param } from '../define.js';
import { optionalStrings, pageFields, ramDate, wrapped } from './format.js';
import { integerOf } from './params.js';
import { allGroups, group, user, userThenGroup } from './resources.js';

/** CreateGroup's Group: no UpdateDate. */
const createdGroupShape = (group: RamGroup): Record<string, unknown> => ({
  GroupId: group.groupId,
  GroupName: group.groupName,
  ...optionalStrings({ Comments: group.comments }),
  CreateDate: ramDate(group.createdAt),
});

/** GetGroup, UpdateGroup and ListGroups items. */
const groupShape = (group: RamGroup): Record<string, unknown> => ({ ...createdGroupShape(group), UpdateDate: ramDate(group.updatedAt) });

const groupOfUserShape = (group: GroupOfUser): Record<string, unknown> => ({
  GroupId: group.groupId,
  GroupName: group.groupName,
  ...optionalStrings({ Comments: group.comments }),
  JoinDate: ramDate(group.joinedAt),
});

/** The SDK's ListUsersForGroup item: UserName, DisplayName, JoinDate (no UserId). */
const memberShape = (member: MemberOfGroup): Record<string, unknown> => ({
  UserName: member.userName,
  ...optionalStrings({ DisplayName: member.displayName }),
  JoinDate: ramDate(member.joinedAt),
});

const membershipParams = { GroupName: param.string(), UserName: param.string() };

export const groupActions = [
  defineAction({
    name: 'CreateGroup',
    resources: allGroups,
    params: { GroupName: param.string(), Comments: param.string() },
    async handle({ tenant, services }, p) {
      return { Group: createdGroupShape(await services.ram.groups.create(tenant, { groupName: p.GroupName, comments: p.Comments })) };
    },
  }),

  defineAction({
    name: 'GetGroup',
    readOnly: true,
    resources: group,
    params: { GroupName: param.string() },
    async handle({ tenant, services }, p) {
      return { Group: groupShape(await services.ram.groups.get(tenant, p.GroupName)) };
    },
  }),

  defineAction({
    name: 'UpdateGroup',
    resources: group,
    // NewComments "" clears the comments; an empty NewGroupName renames nothing.
    params: { GroupName: param.string(), NewGroupName: param.string(), NewComments: param.text() },
    async handle({ tenant, services }, p) {
      const updated = await services.ram.groups.update(tenant, { groupName: p.GroupName, newGroupName: p.NewGroupName, newComments: p.NewComments });
      return { Group: groupShape(updated) };
    },
  }),

  defineAction({
    name: 'DeleteGroup',
    resources: group,
    params: { GroupName: param.string() },
    async handle({ tenant, services }, p) {
      await services.ram.groups.delete(tenant, p.GroupName);
      return {};
    },
  }),

  defineAction({
    name: 'ListGroups',
    readOnly: true,
    resources: allGroups,
    params: { Marker: param.string(), MaxItems: param.string() },
    async handle({ tenant, services }, p) {
      const page = await services.ram.groups.list(tenant, { marker: p.Marker, maxItems: integerOf(p.MaxItems) });
      return { ...pageFields(page), ...wrapped('Groups', 'Group', page.items.map(groupShape)) };
    },
  }),

  defineAction({
    name: 'AddUserToGroup',
    resources: userThenGroup,
    params: membershipParams,
    async handle({ tenant, services }, p) {
      await services.ram.memberships.addUserToGroup(tenant, { groupName: p.GroupName, userName: p.UserName });
      return {};
    },
  }),

  defineAction({
    name: 'RemoveUserFromGroup',
    resources: userThenGroup,
    params: membershipParams,
    async handle({ tenant, services }, p) {
      await services.ram.memberships.removeUserFromGroup(tenant, { groupName: p.GroupName, userName: p.UserName });
      return {};
    },
  }),

  defineAction({
    name: 'ListGroupsForUser',
    readOnly: true,
    resources: user,
    params: { UserName: param.string() },
    async handle({ tenant, services }, p) {
      const groups = await services.ram.memberships.groupsForUser(tenant, p.UserName);
      return wrapped('Groups', 'Group', groups.map(groupOfUserShape));
    },
  }),

  defineAction({
    name: 'ListUsersForGroup',
    readOnly: true,
    resources: group,
    params: { GroupName: param.string(), Marker: param.string(), MaxItems: param.string() },
    async handle({ tenant, services }, p) {
      const page = await services.ram.memberships.usersForGroup(tenant, p.GroupName, { marker: p.Marker, maxItems: integerOf(p.MaxItems) });
      return { ...pageFields(page), ...wrapped('Users', 'User', page.items.map(memberShape)) };
    },
  }),
];

/** Group memberships (spec ram.md §3.6): join, leave, and both directions of listing. */
import { ApiError } from '../errors.js';
import { recordRamChange } from './audit.js';
import { type RamContext, nowOf, writeRam } from './context.js';
import { requireGroupName, requireUserName } from './fields.js';
import { loadGroup, loadUser } from './lookups.js';
import { type Page, type PageRequest, decodeMarker, pageOf, pageSize } from './paging.js';
import type { Tenant } from '../tenant.js';

export interface MembershipInput {
  groupName?: string;
  userName?: string;
}

export interface GroupOfUser {
  groupId: string;
  groupName: string;
  comments: string | null;
  joinedAt: string;
}

export interface MemberOfGroup {
  userId: string;
  userName: string;
  displayName: string | null;
  joinedAt: string;
}

const listing = 'members';
export const listUsersForGroupMaxItems = 1000;

export class MembershipService {
  constructor(private readonly context: RamContext) {}

  async addUserToGroup(tenant: Tenant, input: MembershipInput): Promise<void> {
    const groupName = requireGroupName(input.groupName);
    const userName = requireUserName(input.userName);
    const now = nowOf(this.context);
    await writeRam(
      this.context,
      tenant,
      async (tx) => {
        const user = await loadUser(tx, tenant, userName);
        const group = await loadGroup(tx, tenant, groupName);
        if (await tx.ram.memberships.exists(group.group_id, user.user_id)) throw new ApiError('EntityAlreadyExists.User.Group');
        if ((await tx.ram.memberships.countForUser(user.user_id)) >= this.context.quotas.groupsPerUser) {
          throw new ApiError('LimitExceeded.User.Group');
        }
        await tx.ram.memberships.insert({ group_id: group.group_id, user_id: user.user_id, account_id: tenant.accountId, joined_at: now });
        // The user now has the group's policies.
        await tx.ram.accounts.bumpRevision(tenant.accountId);
        await recordRamChange(tx, tenant, now, 'AddUserToGroup', `group/${group.group_name}`, {
          GroupId: group.group_id,
          GroupName: group.group_name,
          UserId: user.user_id,
          UserName: user.user_name,
        });
      },
      'EntityAlreadyExists.User.Group',
    );
  }

  async removeUserFromGroup(tenant: Tenant, input: MembershipInput): Promise<void> {
    const groupName = requireGroupName(input.groupName);
    const userName = requireUserName(input.userName);
    const now = nowOf(this.context);
    await writeRam(this.context, tenant, async (tx) => {
      const user = await loadUser(tx, tenant, userName);
      const group = await loadGroup(tx, tenant, groupName);
      if (!(await tx.ram.memberships.exists(group.group_id, user.user_id))) throw new ApiError('EntityNotExist.User.Group');
      await tx.ram.memberships.remove(group.group_id, user.user_id);
      await tx.ram.accounts.bumpRevision(tenant.accountId);
      await recordRamChange(tx, tenant, now, 'RemoveUserFromGroup', `group/${group.group_name}`, {
        GroupId: group.group_id,
        GroupName: group.group_name,
        UserId: user.user_id,
        UserName: user.user_name,
      });
    });
  }

  /** Every group of the user, in the order it joined them (no paging: at most a few). */
  async groupsForUser(tenant: Tenant, userNameParam: string | undefined): Promise<GroupOfUser[]> {
    const user = await loadUser(this.context.store, tenant, requireUserName(userNameParam));
    const rows = await this.context.store.ram.memberships.groupsOfUser(user.user_id);
    return rows.map((row) => ({ groupId: row.group_id, groupName: row.group_name, comments: row.comments, joinedAt: row.joined_at }));
  }

  /** The group's members in the order they joined. MaxItems 1–1000, default 100. */
  async usersForGroup(tenant: Tenant, groupNameParam: string | undefined, page: PageRequest): Promise<Page<MemberOfGroup>> {
    const groupName = requireGroupName(groupNameParam);
    const size = pageSize(page.maxItems, listUsersForGroupMaxItems);
    const after = decodeMarker(page.marker, listing, [2]) as [string, string] | undefined;
    const group = await loadGroup(this.context.store, tenant, groupName);
    const rows = await this.context.store.ram.memberships.usersOfGroup(group.group_id, after, size + 1);
    return pageOf(
      rows,
      size,
      listing,
      (row) => [row.joined_at, row.user_id],
      (row) => ({ userId: row.user_id, userName: row.user_name, displayName: row.display_name, joinedAt: row.joined_at }),
    );
  }
}

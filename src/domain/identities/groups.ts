/**
 * RAM groups (spec ram.md §3.6): create, read, update (rename keeps members and policies), delete
 * (only without members and policies), list.
 */
import type { RamGroupRow } from '../../store/identity-repositories.js';
import { ApiError } from '../errors.js';
import { newRamGroupId } from '../ids.js';
import { recordRamChange } from './audit.js';
import { type RamContext, nowOf, writeRam } from './context.js';
import { checkComments, checkGroupName, newField, optionalField, requireGroupName } from './fields.js';
import { issueId } from './issued-ids.js';
import { loadGroup } from './lookups.js';
import { type Page, type PageRequest, decodeMarker, pageOf, pageSize } from './paging.js';
import type { Tenant } from '../tenant.js';

export interface RamGroup {
  /** `g-` + 16 letters and digits, never reused. */
  groupId: string;
  groupName: string;
  comments: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CreateGroupInput {
  groupName?: string;
  comments?: string;
}

/** `newComments`: absent leaves the comments, `""` clears them. */
export interface UpdateGroupInput {
  groupName?: string;
  newGroupName?: string;
  newComments?: string;
}

const listing = 'groups';
export const listGroupsMaxItems = 100;

export function toRamGroup(row: RamGroupRow): RamGroup {
  return { groupId: row.group_id, groupName: row.group_name, comments: row.comments, createdAt: row.created_at, updatedAt: row.updated_at };
}

export class GroupService {
  constructor(private readonly context: RamContext) {}

  async create(tenant: Tenant, input: CreateGroupInput): Promise<RamGroup> {
    const groupName = requireGroupName(input.groupName);
    const comments = optionalField(input.comments, (v) => checkComments(v, 'Comments'));
    const now = nowOf(this.context);
    return writeRam(
      this.context,
      tenant,
      async (tx) => {
        if (await tx.ram.groups.findByName(tenant.accountId, groupName)) throw new ApiError('EntityAlreadyExists.Group');
        if ((await tx.ram.groups.count(tenant.accountId)) >= this.context.quotas.groupsPerAccount) throw new ApiError('LimitExceeded.Group');
        const groupId = await issueId(tx, 'group', newRamGroupId, now);
        const row: RamGroupRow = {
          group_id: groupId,
          account_id: tenant.accountId,
          group_name: groupName,
          name_key: groupName.toLowerCase(),
          comments,
          created_at: now,
          updated_at: now,
        };
        await tx.ram.groups.insert(row);
        await recordRamChange(tx, tenant, now, 'CreateGroup', `group/${groupName}`, {
          GroupId: groupId,
          GroupName: groupName,
          ...(comments !== null ? { Comments: comments } : {}),
        });
        return toRamGroup(row);
      },
      'EntityAlreadyExists.Group',
    );
  }

  async get(tenant: Tenant, groupNameParam: string | undefined): Promise<RamGroup> {
    return toRamGroup(await loadGroup(this.context.store, tenant, requireGroupName(groupNameParam)));
  }

  async update(tenant: Tenant, input: UpdateGroupInput): Promise<RamGroup> {
    const groupName = requireGroupName(input.groupName);
    const newGroupName = input.newGroupName ? checkGroupName(input.newGroupName, 'NewGroupName') : undefined;
    const comments = newField(input.newComments, (v) => checkComments(v, 'NewComments'));
    const now = nowOf(this.context);
    return writeRam(
      this.context,
      tenant,
      async (tx) => {
        const row = await loadGroup(tx, tenant, groupName);
        const renamed = newGroupName !== undefined && newGroupName !== row.group_name;
        if (renamed && newGroupName.toLowerCase() !== row.name_key && (await tx.ram.groups.findByName(tenant.accountId, newGroupName))) {
          throw new ApiError('EntityAlreadyExists.Group');
        }
        const changes: Record<string, string | null> = {};
        if (renamed) changes.NewGroupName = newGroupName;
        if (comments !== undefined && comments !== row.comments) changes.Comments = comments;
        if (Object.keys(changes).length === 0) return toRamGroup(row);
        const next: RamGroupRow = {
          ...row,
          ...(renamed ? { group_name: newGroupName, name_key: newGroupName.toLowerCase() } : {}),
          ...(comments !== undefined ? { comments } : {}),
          updated_at: now,
        };
        await tx.ram.groups.update(tenant.accountId, row.group_id, {
          group_name: next.group_name,
          name_key: next.name_key,
          comments: next.comments,
          updated_at: now,
        });
        // ARNs name groups by name (`group/<GroupName>`): decisions about the group may change.
        if (renamed) await tx.ram.accounts.bumpRevision(tenant.accountId);
        await recordRamChange(tx, tenant, now, 'UpdateGroup', `group/${row.group_name}`, { GroupId: row.group_id, GroupName: row.group_name, ...changes });
        return toRamGroup(next);
      },
      'EntityAlreadyExists.Group',
    );
  }

  /** Refused while the group has members, then while it has policies. */
  async delete(tenant: Tenant, groupNameParam: string | undefined): Promise<void> {
    const groupName = requireGroupName(groupNameParam);
    const now = nowOf(this.context);
    await writeRam(this.context, tenant, async (tx) => {
      const row = await loadGroup(tx, tenant, groupName);
      const dependents = await tx.ram.groups.dependents(row.group_id);
      if (dependents.members > 0) throw new ApiError('DeleteConflict.Group.User');
      if (dependents.policies > 0) throw new ApiError('DeleteConflict.Group.Policy');
      await tx.ram.groups.remove(tenant.accountId, row.group_id);
      await tx.ram.accounts.bumpRevision(tenant.accountId);
      await recordRamChange(tx, tenant, now, 'DeleteGroup', `group/${row.group_name}`, { GroupId: row.group_id, GroupName: row.group_name });
    });
  }

  /** In creation order. MaxItems 1–100, default 100. */
  async list(tenant: Tenant, page: PageRequest): Promise<Page<RamGroup>> {
    const size = pageSize(page.maxItems, listGroupsMaxItems);
    const after = decodeMarker(page.marker, listing, [2]) as [string, string] | undefined;
    const rows = await this.context.store.ram.groups.page(tenant.accountId, after, size + 1);
    return pageOf(rows, size, listing, (row) => [row.created_at, row.group_id], toRamGroup);
  }
}

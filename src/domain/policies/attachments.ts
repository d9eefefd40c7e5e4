/**
 * Attachments of system and custom policies to RAM users and groups (spec ram.md §3.7), the
 * listings both ways, and the policies in force for a user: what the authorizer evaluates.
 */
import type { Repositories } from '../../store/repositories.js';
import type { RamPolicyType, RamPrincipalType } from '../../store/schema.js';
import { systemPolicy } from '../access/system-policies.js';
import { ApiError, type ErrorCode } from '../errors.js';
import { recordRamChange } from '../identities/audit.js';
import { type RamContext, nowOf, writeRam } from '../identities/context.js';
import { requireGroupName, requireUserName } from '../identities/fields.js';
import { loadGroup, loadUser } from '../identities/lookups.js';
import type { RamQuotas } from '../identities/quotas.js';
import type { Tenant } from '../tenant.js';
import { findPolicy } from './lookups.js';
import { checkPolicyName, checkPolicyType, versionIdOf } from './names.js';
import { requirePolicyNameAndType } from './policies.js';

export interface UserAttachmentInput {
  policyType?: string;
  policyName?: string;
  userName?: string;
  /** Resource groups do not exist here: only absent or empty is accepted. */
  resourceGroupId?: string;
}

export interface GroupAttachmentInput {
  policyType?: string;
  policyName?: string;
  groupName?: string;
  resourceGroupId?: string;
}

/** A policy attached directly to a user or group. */
export interface AttachedPolicy {
  policyName: string;
  policyType: RamPolicyType;
  description: string | null;
  defaultVersion: string;
  attachedAt: string;
}

export interface PolicyUser {
  userId: string;
  userName: string;
  displayName: string | null;
  attachedAt: string;
}

export interface PolicyGroup {
  groupId: string;
  groupName: string;
  comments: string | null;
  attachedAt: string;
}

/** How the two kinds of principal differ: what names them, their errors, their quotas. */
interface PrincipalKind {
  type: RamPrincipalType;
  load(repos: Repositories, tenant: Tenant, name: string): Promise<{ id: string; name: string }>;
  alreadyAttached: ErrorCode;
  notAttached: ErrorCode;
  limit: ErrorCode;
  quota: Record<RamPolicyType, keyof RamQuotas>;
  /** Audit field names. */
  idField: string;
  nameField: string;
}

const userKind: PrincipalKind = {
  type: 'User',
  load: async (repos, tenant, name) => {
    const user = await loadUser(repos, tenant, name);
    return { id: user.user_id, name: user.user_name };
  },
  alreadyAttached: 'EntityAlreadyExists.User.Policy',
  notAttached: 'EntityNotExist.User.Policy',
  limit: 'LimitExceeded.User.Policy',
  quota: { System: 'systemPoliciesPerUser', Custom: 'customPoliciesPerUser' },
  idField: 'UserId',
  nameField: 'UserName',
};

const groupKind: PrincipalKind = {
  type: 'Group',
  load: async (repos, tenant, name) => {
    const group = await loadGroup(repos, tenant, name);
    return { id: group.group_id, name: group.group_name };
  },
  alreadyAttached: 'EntityAlreadyExists.Group.Policy',
  notAttached: 'EntityNotExist.Group.Policy',
  limit: 'LimitExceeded.Group.Policy',
  quota: { System: 'systemPoliciesPerGroup', Custom: 'customPoliciesPerGroup' },
  idField: 'GroupId',
  nameField: 'GroupName',
};

/** The parameters of an attach or detach, checked in the spec's order. */
function checkAttachment(
  input: { policyType?: string; policyName?: string; resourceGroupId?: string },
  principalName: string | undefined,
  requireName: (value: string | undefined) => string,
  missingName: ErrorCode,
): { type: RamPolicyType; policyName: string; principalName: string } {
  if (!input.policyType) throw new ApiError('MissingPolicyType');
  if (!input.policyName) throw new ApiError('MissingPolicyName');
  if (!principalName) throw new ApiError(missingName);
  const type = checkPolicyType(input.policyType);
  const name = requireName(principalName);
  const policyName = checkPolicyName(input.policyName);
  if (input.resourceGroupId) throw new ApiError('InvalidParameter.ResourceGroupId');
  return { type, policyName, principalName: name };
}

export class AttachmentService {
  constructor(private readonly context: RamContext) {}

  async attachPolicyToUser(tenant: Tenant, input: UserAttachmentInput): Promise<void> {
    await this.attach(tenant, userKind, checkAttachment(input, input.userName, requireUserName, 'MissingUserName'), 'AttachPolicyToUser');
  }

  async detachPolicyFromUser(tenant: Tenant, input: UserAttachmentInput): Promise<void> {
    await this.detach(tenant, userKind, checkAttachment(input, input.userName, requireUserName, 'MissingUserName'), 'DetachPolicyFromUser');
  }

  async attachPolicyToGroup(tenant: Tenant, input: GroupAttachmentInput): Promise<void> {
    await this.attach(tenant, groupKind, checkAttachment(input, input.groupName, requireGroupName, 'MissingGroupName'), 'AttachPolicyToGroup');
  }

  async detachPolicyFromGroup(tenant: Tenant, input: GroupAttachmentInput): Promise<void> {
    await this.detach(tenant, groupKind, checkAttachment(input, input.groupName, requireGroupName, 'MissingGroupName'), 'DetachPolicyFromGroup');
  }

  private async attach(
    tenant: Tenant,
    kind: PrincipalKind,
    given: { type: RamPolicyType; policyName: string; principalName: string },
    action: string,
  ): Promise<void> {
    const now = nowOf(this.context);
    await writeRam(
      this.context,
      tenant,
      async (tx) => {
        const principal = await kind.load(tx, tenant, given.principalName);
        const policy = await findPolicy(tx, tenant, given.type, given.policyName);
        const attachments = tx.ram.attachments;
        if (await attachments.exists(tenant.accountId, policy.type, policy.key, kind.type, principal.id)) throw new ApiError(kind.alreadyAttached);
        if ((await attachments.countForPrincipal(kind.type, principal.id, policy.type)) >= this.context.quotas[kind.quota[policy.type]]) {
          throw new ApiError(kind.limit);
        }
        await attachments.insert({
          account_id: tenant.accountId,
          policy_type: policy.type,
          policy_key: policy.key,
          principal_type: kind.type,
          principal_id: principal.id,
          attached_at: now,
        });
        await tx.ram.accounts.bumpRevision(tenant.accountId);
        await recordRamChange(tx, tenant, now, action, `${kind.type.toLowerCase()}/${principal.name}`, {
          PolicyType: policy.type,
          PolicyName: policy.type === 'System' ? policy.system.policyName : policy.row.policy_name,
          [kind.idField]: principal.id,
          [kind.nameField]: principal.name,
        });
      },
      kind.alreadyAttached,
    );
  }

  private async detach(
    tenant: Tenant,
    kind: PrincipalKind,
    given: { type: RamPolicyType; policyName: string; principalName: string },
    action: string,
  ): Promise<void> {
    const now = nowOf(this.context);
    await writeRam(this.context, tenant, async (tx) => {
      const principal = await kind.load(tx, tenant, given.principalName);
      const policy = await findPolicy(tx, tenant, given.type, given.policyName);
      const attachments = tx.ram.attachments;
      if (!(await attachments.exists(tenant.accountId, policy.type, policy.key, kind.type, principal.id))) throw new ApiError(kind.notAttached);
      await attachments.remove(tenant.accountId, policy.type, policy.key, kind.type, principal.id);
      await tx.ram.accounts.bumpRevision(tenant.accountId);
      await recordRamChange(tx, tenant, now, action, `${kind.type.toLowerCase()}/${principal.name}`, {
        PolicyType: policy.type,
        PolicyName: policy.type === 'System' ? policy.system.policyName : policy.row.policy_name,
        [kind.idField]: principal.id,
        [kind.nameField]: principal.name,
      });
    });
  }

  /** The policies attached to the user itself (not those of its groups), in attachment order. */
  async policiesForUser(tenant: Tenant, userNameParam: string | undefined): Promise<AttachedPolicy[]> {
    const user = await loadUser(this.context.store, tenant, requireUserName(userNameParam));
    return this.attachedTo(tenant, 'User', user.user_id);
  }

  /** The policies attached to the group, in attachment order. */
  async policiesForGroup(tenant: Tenant, groupNameParam: string | undefined): Promise<AttachedPolicy[]> {
    const group = await loadGroup(this.context.store, tenant, requireGroupName(groupNameParam));
    return this.attachedTo(tenant, 'Group', group.group_id);
  }

  private async attachedTo(tenant: Tenant, type: RamPrincipalType, id: string): Promise<AttachedPolicy[]> {
    const rows = await this.context.store.ram.attachments.forPrincipal(tenant.accountId, type, id);
    return rows.flatMap((row): AttachedPolicy[] => {
      if (row.policy_type === 'System') {
        const system = systemPolicy(row.policy_key);
        // A system policy a later release no longer has is not shown (nor evaluated).
        if (!system) return [];
        return [{ policyName: system.policyName, policyType: 'System', description: system.description, defaultVersion: system.defaultVersion, attachedAt: row.attached_at }];
      }
      if (row.policy_name === null || row.default_version === null) return [];
      return [{ policyName: row.policy_name, policyType: 'Custom', description: row.description, defaultVersion: versionIdOf(row.default_version), attachedAt: row.attached_at }];
    });
  }

  /** The users and groups the policy is attached to, each in attachment order. */
  async entitiesForPolicy(tenant: Tenant, input: { policyName?: string; policyType?: string }): Promise<{ users: PolicyUser[]; groups: PolicyGroup[] }> {
    const { name, type } = requirePolicyNameAndType(input);
    const store = this.context.store;
    const policy = await findPolicy(store, tenant, type, name);
    const [users, groups] = await Promise.all([
      store.ram.attachments.usersOfPolicy(tenant.accountId, policy.type, policy.key),
      store.ram.attachments.groupsOfPolicy(tenant.accountId, policy.type, policy.key),
    ]);
    return {
      users: users.map((row) => ({ userId: row.user_id, userName: row.user_name, displayName: row.display_name, attachedAt: row.attached_at })),
      groups: groups.map((row) => ({ groupId: row.group_id, groupName: row.group_name, comments: row.comments, attachedAt: row.attached_at })),
    };
  }

  /**
   * The documents (as stored, verbatim) of the default versions of every policy attached to the
   * user directly or through its groups, each policy once: what the authorizer evaluates. One query.
   */
  async policiesInForce(accountId: string, userId: string): Promise<readonly string[]> {
    const rows = await this.context.store.ram.attachments.inForce(accountId, userId);
    return rows.flatMap((row) => {
      if (row.policy_type === 'System') {
        const system = systemPolicy(row.policy_key);
        return system ? [system.policyDocument] : [];
      }
      return row.document === null ? [] : [row.document];
    });
  }
}

/**
 * Policy attachments (spec ram.md §3.7): Attach/Detach to and from users and groups, the listings
 * both ways. ListEntitiesForPolicy always answers Users, Groups and an empty Roles (there are no
 * roles): Terraform's forced policy deletion reads all three.
 */
import type { AttachedPolicy, PolicyGroup, PolicyUser } from '../../domain/policies/attachments.js';
import { defineAction, param } from '../define.js';
import { optionalStrings, ramDate, wrapped } from './format.js';
import { group, groupThenPolicy, typedPolicy, user, userThenPolicy } from './resources.js';

const attachedPolicyShape = (policy: AttachedPolicy): Record<string, unknown> => ({
  PolicyName: policy.policyName,
  PolicyType: policy.policyType,
  ...optionalStrings({ Description: policy.description }),
  DefaultVersion: policy.defaultVersion,
  AttachDate: ramDate(policy.attachedAt),
});

const policyUserShape = (user: PolicyUser): Record<string, unknown> => ({
  UserName: user.userName,
  UserId: user.userId,
  ...optionalStrings({ DisplayName: user.displayName }),
  AttachDate: ramDate(user.attachedAt),
});

const policyGroupShape = (group: PolicyGroup): Record<string, unknown> => ({
  GroupName: group.groupName,
  ...optionalStrings({ Comments: group.comments }),
  AttachDate: ramDate(group.attachedAt),
});

/** ResourceGroupId is accepted only absent or empty: resource groups do not exist here. */
const userAttachmentParams = { PolicyType: param.string(), PolicyName: param.string(), UserName: param.string(), ResourceGroupId: param.string() };
const groupAttachmentParams = { PolicyType: param.string(), PolicyName: param.string(), GroupName: param.string(), ResourceGroupId: param.string() };

export const attachmentActions = [
  defineAction({
    name: 'AttachPolicyToUser',
    resources: userThenPolicy,
    params: userAttachmentParams,
    async handle({ tenant, services }, p) {
      await services.ram.attachments.attachPolicyToUser(tenant, {
        policyType: p.PolicyType,
        policyName: p.PolicyName,
        userName: p.UserName,
        resourceGroupId: p.ResourceGroupId,
      });
      return {};
    },
  }),

  defineAction({
    name: 'DetachPolicyFromUser',
    resources: userThenPolicy,
    params: userAttachmentParams,
    async handle({ tenant, services }, p) {
      await services.ram.attachments.detachPolicyFromUser(tenant, {
        policyType: p.PolicyType,
        policyName: p.PolicyName,
        userName: p.UserName,
        resourceGroupId: p.ResourceGroupId,
      });
      return {};
    },
  }),

  defineAction({
    name: 'AttachPolicyToGroup',
    resources: groupThenPolicy,
    params: groupAttachmentParams,
    async handle({ tenant, services }, p) {
      await services.ram.attachments.attachPolicyToGroup(tenant, {
        policyType: p.PolicyType,
        policyName: p.PolicyName,
        groupName: p.GroupName,
        resourceGroupId: p.ResourceGroupId,
      });
      return {};
    },
  }),

  defineAction({
    name: 'DetachPolicyFromGroup',
    resources: groupThenPolicy,
    params: groupAttachmentParams,
    async handle({ tenant, services }, p) {
      await services.ram.attachments.detachPolicyFromGroup(tenant, {
        policyType: p.PolicyType,
        policyName: p.PolicyName,
        groupName: p.GroupName,
        resourceGroupId: p.ResourceGroupId,
      });
      return {};
    },
  }),

  defineAction({
    name: 'ListPoliciesForUser',
    readOnly: true,
    resources: user,
    params: { UserName: param.string() },
    async handle({ tenant, services }, p) {
      const policies = await services.ram.attachments.policiesForUser(tenant, p.UserName);
      return wrapped('Policies', 'Policy', policies.map(attachedPolicyShape));
    },
  }),

  defineAction({
    name: 'ListPoliciesForGroup',
    readOnly: true,
    resources: group,
    params: { GroupName: param.string() },
    async handle({ tenant, services }, p) {
      const policies = await services.ram.attachments.policiesForGroup(tenant, p.GroupName);
      return wrapped('Policies', 'Policy', policies.map(attachedPolicyShape));
    },
  }),

  defineAction({
    name: 'ListEntitiesForPolicy',
    readOnly: true,
    resources: typedPolicy,
    params: { PolicyName: param.string(), PolicyType: param.string() },
    async handle({ tenant, services }, p) {
      const { users, groups } = await services.ram.attachments.entitiesForPolicy(tenant, { policyName: p.PolicyName, policyType: p.PolicyType });
      return {
        ...wrapped('Users', 'User', users.map(policyUserShape)),
        ...wrapped('Groups', 'Group', groups.map(policyGroupShape)),
        ...wrapped('Roles', 'Role', []),
      };
    },
  }),
];

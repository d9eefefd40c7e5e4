/**
 * The resources RAM evaluates for the Ram actions (spec ram.md §7.3), built from the parameters as
 * sent, before anything is checked or looked up: a name that is malformed or names nothing is
 * written into the ARN as given, so a denied caller learns nothing about what exists.
 */
import {
  type PolicyType,
  allResources,
  ramAccountArn,
  ramGroupArn,
  ramGroupCollectionArn,
  ramPolicyArn,
  ramPolicyCollectionArn,
  ramUserArn,
  ramUserCollectionArn,
} from '../../domain/access/arns.js';
import { principalOf } from '../../domain/identities/principal.js';
import type { ResourceContext, ResourcesOf } from '../define.js';

type Params = ResourceContext['params'];

/** `PolicyType` as sent: only `System` names the system form (`acs:ram:*:system:policy/…`). */
const policyTypeOf = (params: Params): PolicyType => (params.PolicyType === 'System' ? 'System' : 'Custom');

const userArnOf = ({ tenant, params }: ResourceContext): string => ramUserArn(tenant.accountId, params.UserName ?? '');
const groupArnOf = ({ tenant, params }: ResourceContext): string => ramGroupArn(tenant.accountId, params.GroupName ?? '');
const typedPolicyArnOf = ({ tenant, params }: ResourceContext): string =>
  ramPolicyArn(tenant.accountId, params.PolicyName ?? '', policyTypeOf(params));

/** `user/<UserName>`. */
export const user: ResourcesOf = (context) => [userArnOf(context)];

/** `user/*`: CreateUser, ListUsers. */
export const allUsers: ResourcesOf = ({ tenant }) => [ramUserCollectionArn(tenant.accountId)];

/**
 * AccessKey actions: `user/<UserName>`, or without a UserName (or with an empty one, as Terraform
 * sends it) the caller's own user. Root is never evaluated, so its case never reaches a decision.
 */
export const keyOwner: ResourcesOf = ({ tenant, params }) => {
  const principal = principalOf(tenant);
  const named = params.UserName;
  const userName = named !== undefined && named !== '' ? named : principal.kind === 'user' ? principal.userName : '';
  return [ramUserArn(tenant.accountId, userName)];
};

/** `group/<GroupName>`. */
export const group: ResourcesOf = (context) => [groupArnOf(context)];

/** `group/*`: CreateGroup, ListGroups. */
export const allGroups: ResourcesOf = ({ tenant }) => [ramGroupCollectionArn(tenant.accountId)];

/** AddUserToGroup, RemoveUserFromGroup: the user, then the group. */
export const userThenGroup: ResourcesOf = (context) => [userArnOf(context), groupArnOf(context)];

/** `policy/*` of the account: CreatePolicy, ListPolicies. */
export const allPolicies: ResourcesOf = ({ tenant }) => [ramPolicyCollectionArn(tenant.accountId)];

/** The account's `policy/<PolicyName>`: the actions that only change custom policies. */
export const customPolicy: ResourcesOf = ({ tenant, params }) => [ramPolicyArn(tenant.accountId, params.PolicyName ?? '', 'Custom')];

/** The policy in the System or Custom form its `PolicyType` names: the actions that read either. */
export const typedPolicy: ResourcesOf = (context) => [typedPolicyArnOf(context)];

/** Attach/DetachPolicy…User: the user, then the policy. */
export const userThenPolicy: ResourcesOf = (context) => [userArnOf(context), typedPolicyArnOf(context)];

/** Attach/DetachPolicy…Group: the group, then the policy. */
export const groupThenPolicy: ResourcesOf = (context) => [groupArnOf(context), typedPolicyArnOf(context)];

/**
 * TagResources, UntagResources: every policy `ResourceNames` names. When it is not a JSON array of
 * names (absent, empty, malformed), one ARN holds the value as given; the action then refuses it.
 */
export const namedPolicies: ResourcesOf = ({ tenant, params }) => {
  const given = params.ResourceNames ?? '';
  const names = policyNamesIn(given);
  return (names.length > 0 ? names : [given]).map((name) => ramPolicyArn(tenant.accountId, name, 'Custom'));
};

function policyNamesIn(text: string): string[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.every((item): item is string => typeof item === 'string') ? parsed : [];
  } catch {
    return [];
  }
}

/** `acs:ram:*:<acct>:*`: the account's own settings (the password policy). */
export const accountSettings: ResourcesOf = ({ tenant }) => [ramAccountArn(tenant.accountId)];

/** `*`: ListTagResources (spec §7.3, inferred). */
export const everything: ResourcesOf = () => [allResources];

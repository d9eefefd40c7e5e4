/**
 * The resource ARNs that actions are authorized against and denials report (spec/ram.md §7), and
 * the caller ARNs GetCallerIdentity answers with (§3.10).
 *
 * The region segment is written as the documented templates write it (`*` for message contacts and
 * RAM, empty for folders and accounts); evaluation ignores it either way. Parameters are used as
 * given, unknown or malformed ones included: authorization runs before anything is looked up.
 */

export type PolicyType = 'System' | 'Custom';

/** The ARN of actions that name no resource ("All Resources"). */
export const allResources = '*';

// ── Resource Directory (RAM code resourcemanager) ──────────────────────────────────────────────

export const contactArn = (accountId: string, contactId: string): string =>
  `acs:resourcemanager:*:${accountId}:messagecontact/${contactId}`;

/** Creating and listing message contacts. */
export const contactCollectionArn = (accountId: string): string => contactArn(accountId, '*');

/** `rdPath`: the folder's ResourceDirectoryPath, e.g. `rd-3Gxxxx/r-Wmxxxx/fd-bqp2FAxxxx`. */
export const folderArn = (accountId: string, rdPath: string): string =>
  `acs:resourcemanager::${accountId}:folder/${rdPath}`;

/** `rdPath`: the member's ResourceDirectoryPath, ending in its account ID. */
export const accountArn = (accountId: string, rdPath: string): string =>
  `acs:resourcemanager::${accountId}:account/${rdPath}`;

/** Listing member accounts. */
export const accountCollectionArn = (accountId: string): string => accountArn(accountId, '*');

// ── RAM (RAM code ram) ───────────────────────────────────────────────────────────────────────

export const ramUserArn = (accountId: string, userName: string): string => `acs:ram:*:${accountId}:user/${userName}`;

/** CreateUser, ListUsers. */
export const ramUserCollectionArn = (accountId: string): string => ramUserArn(accountId, '*');

export const ramGroupArn = (accountId: string, groupName: string): string =>
  `acs:ram:*:${accountId}:group/${groupName}`;

/** CreateGroup, ListGroups. */
export const ramGroupCollectionArn = (accountId: string): string => ramGroupArn(accountId, '*');

/** A system policy belongs to the account `system`, not to the caller's account. */
export const ramPolicyArn = (accountId: string, policyName: string, policyType: PolicyType): string =>
  `acs:ram:*:${policyType === 'System' ? 'system' : accountId}:policy/${policyName}`;

/** CreatePolicy, ListPolicies. */
export const ramPolicyCollectionArn = (accountId: string): string => ramPolicyArn(accountId, '*', 'Custom');

/** Account-wide RAM settings (the password policy). */
export const ramAccountArn = (accountId: string): string => `acs:ram:*:${accountId}:*`;

// ── Callers (GetCallerIdentity `Arn`) ────────────────────────────────────────────────────────

/** The account itself, signing with a root AccessKey. */
export const callerRootArn = (accountId: string): string => `acs:ram::${accountId}:root`;

export const callerUserArn = (accountId: string, userName: string): string => `acs:ram::${accountId}:user/${userName}`;

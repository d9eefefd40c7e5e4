/**
 * RAM quotas (spec ram.md §1.6, Alibaba Cloud's documented limits as defaults). A deployment may
 * change any of them through the options the RAM services are built with.
 */
export interface RamQuotas {
  /** RAM users per account (`LimitExceeded.User`). */
  usersPerAccount: number;
  /** Groups per account (`LimitExceeded.Group`). */
  groupsPerAccount: number;
  /** Custom policies per account (`LimitExceeded.Policy`). */
  customPoliciesPerAccount: number;
  /** Groups one user may join (`LimitExceeded.User.Group`). */
  groupsPerUser: number;
  /** AccessKeys per RAM user (`LimitExceeded.User.AccessKey`); root keys are not limited. */
  accessKeysPerUser: number;
  /** System / custom policies attached to one user (`LimitExceeded.User.Policy`). */
  systemPoliciesPerUser: number;
  customPoliciesPerUser: number;
  /** System / custom policies attached to one group (`LimitExceeded.Group.Policy`). */
  systemPoliciesPerGroup: number;
  customPoliciesPerGroup: number;
  /** Versions one custom policy keeps (`LimitExceeded.Policy.Version`). */
  versionsPerPolicy: number;
  /** Tags one custom policy carries (`LimitExceeded.Tag`). */
  tagsPerPolicy: number;
}

export const defaultRamQuotas: Readonly<RamQuotas> = Object.freeze({
  usersPerAccount: 1000,
  groupsPerAccount: 50,
  customPoliciesPerAccount: 1500,
  groupsPerUser: 5,
  accessKeysPerUser: 2,
  systemPoliciesPerUser: 20,
  customPoliciesPerUser: 10,
  systemPoliciesPerGroup: 20,
  customPoliciesPerGroup: 5,
  versionsPerPolicy: 5,
  tagsPerPolicy: 20,
});

/** The defaults with `overrides` applied; every quota must be a positive integer. */
export function ramQuotas(overrides: Partial<RamQuotas> = {}): RamQuotas {
  const quotas = { ...defaultRamQuotas, ...overrides };
  for (const [name, value] of Object.entries(quotas)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`RAM quota ${name} must be a positive integer, not ${String(value)}`);
  }
  return quotas;
}

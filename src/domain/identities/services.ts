/**
 * Every RAM service over one store: what the Ram product's actions call, and the policy source of
 * the authorizer (`policiesInForce`).
 */
import type { Store } from '../../store/store.js';
import type { PolicySource } from '../access/authorizer.js';
import { AttachmentService } from '../policies/attachments.js';
import { PolicyService } from '../policies/policies.js';
import { PolicyTagService } from '../policies/tags.js';
import { PolicyVersionService } from '../policies/versions.js';
import type { Clock } from '../time.js';
import { AccessKeyService } from './access-keys.js';
import type { RamContext } from './context.js';
import { GroupService } from './groups.js';
import { LoginProfileService } from './login-profiles.js';
import { MembershipService } from './memberships.js';
import { PasswordPolicyService } from './password-policy.js';
import { type PasswordHashing, defaultPasswordHashing } from './passwords.js';
import { type RamQuotas, ramQuotas } from './quotas.js';
import { UserService } from './users.js';

export interface RamOptions {
  /** Quotas that differ from Alibaba Cloud's defaults (spec §1.6). */
  quotas?: Partial<RamQuotas>;
  /** scrypt cost of login-profile passwords (tests lower it). */
  passwordHashing?: PasswordHashing;
}

export interface RamServices extends PolicySource {
  readonly users: UserService;
  readonly groups: GroupService;
  readonly memberships: MembershipService;
  readonly accessKeys: AccessKeyService;
  readonly loginProfiles: LoginProfileService;
  readonly passwordPolicy: PasswordPolicyService;
  readonly policies: PolicyService;
  readonly policyVersions: PolicyVersionService;
  readonly attachments: AttachmentService;
  readonly policyTags: PolicyTagService;
}

export function createRamServices(store: Store, clock: Clock, options: RamOptions = {}): RamServices {
  const context: RamContext = { store, clock, quotas: ramQuotas(options.quotas), hashing: options.passwordHashing ?? defaultPasswordHashing };
  const attachments = new AttachmentService(context);
  return {
    users: new UserService(context),
    groups: new GroupService(context),
    memberships: new MembershipService(context),
    accessKeys: new AccessKeyService(context),
    loginProfiles: new LoginProfileService(context),
    passwordPolicy: new PasswordPolicyService(context),
    policies: new PolicyService(context),
    policyVersions: new PolicyVersionService(context),
    attachments,
    policyTags: new PolicyTagService(context),
    policiesInForce: (accountId, userId) => attachments.policiesInForce(accountId, userId),
  };
}

/**
 * Ram 2015-05-01: the users, AccessKeys, login profiles, password policy, groups, policies,
 * attachments and policy tags of the management account (spec ram.md §3). Roles, MFA devices
 * (beyond the UnbindMFADevice stub Terraform calls), SAML, security preferences and
 * DecodeDiagnosticMessage are not served: they answer InvalidApi.NotFound.
 */
import { defineProduct } from '../define.js';
import { accessKeyActions } from './access-keys.js';
import { attachmentActions } from './attachments.js';
import { groupActions } from './groups.js';
import { loginProfileActions } from './login-profiles.js';
import { passwordPolicyActions } from './password-policy.js';
import { policyActions } from './policies.js';
import { policyTagActions } from './policy-tags.js';
import { userActions } from './users.js';

export const ram = defineProduct({
  name: 'Ram',
  version: '2015-05-01',
  ramCode: 'ram',
  serviceName: 'Ram',
  actions: [
    ...userActions,
    ...accessKeyActions,
    ...loginProfileActions,
    ...passwordPolicyActions,
    ...groupActions,
    ...policyActions,
    ...attachmentActions,
    ...policyTagActions,
  ],
});

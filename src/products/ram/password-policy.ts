/** The account's password policy (spec ram.md §3.5): GetPasswordPolicy, SetPasswordPolicy; both answer all nine fields. */
import type { PasswordPolicy } from '../../domain/identities/password-policy.js';
import { defineAction, param } from '../define.js';
import { integerOf } from './params.js';
import { accountSettings } from './resources.js';

const passwordPolicyShape = (policy: PasswordPolicy): Record<string, unknown> => ({
  MinimumPasswordLength: policy.minimumPasswordLength,
  RequireLowercaseCharacters: policy.requireLowercaseCharacters,
  RequireUppercaseCharacters: policy.requireUppercaseCharacters,
  RequireNumbers: policy.requireNumbers,
  RequireSymbols: policy.requireSymbols,
  HardExpiry: policy.hardExpiry,
  MaxPasswordAge: policy.maxPasswordAge,
  PasswordReusePrevention: policy.passwordReusePrevention,
  // The API's own spelling, one "t".
  MaxLoginAttemps: policy.maxLoginAttemps,
});

export const passwordPolicyActions = [
  defineAction({
    name: 'GetPasswordPolicy',
    readOnly: true,
    resources: accountSettings,
    params: {},
    async handle({ tenant, services }) {
      return { PasswordPolicy: passwordPolicyShape(await services.ram.passwordPolicy.get(tenant)) };
    },
  }),

  defineAction({
    name: 'SetPasswordPolicy',
    resources: accountSettings,
    params: {
      // Numbers as text: the domain answers each one's own `.Range` code, for a bad form too.
      MinimumPasswordLength: param.string(),
      RequireLowercaseCharacters: param.boolean(),
      RequireUppercaseCharacters: param.boolean(),
      RequireNumbers: param.boolean(),
      RequireSymbols: param.boolean(),
      HardExpiry: param.boolean(),
      MaxPasswordAge: param.string(),
      PasswordReusePrevention: param.string(),
      MaxLoginAttemps: param.string(),
    },
    async handle({ tenant, services }, p) {
      const policy = await services.ram.passwordPolicy.set(tenant, {
        minimumPasswordLength: integerOf(p.MinimumPasswordLength),
        requireLowercaseCharacters: p.RequireLowercaseCharacters,
        requireUppercaseCharacters: p.RequireUppercaseCharacters,
        requireNumbers: p.RequireNumbers,
        requireSymbols: p.RequireSymbols,
        hardExpiry: p.HardExpiry,
        maxPasswordAge: integerOf(p.MaxPasswordAge),
        passwordReusePrevention: integerOf(p.PasswordReusePrevention),
        maxLoginAttemps: integerOf(p.MaxLoginAttemps),
      });
      return { PasswordPolicy: passwordPolicyShape(policy) };
    },
  }),
];

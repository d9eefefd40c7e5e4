/** Console login profiles (spec ram.md §3.5): Create, Get, Update, Delete. The password is never answered. */
import type { LoginProfile } from '../../domain/identities/login-profiles.js';
import { defineAction, param } from '../define.js';
import { ramDate } from './format.js';
import { user } from './resources.js';

/** Booleans as JSON booleans: Terraform reads them as such. */
const loginProfileShape = (profile: LoginProfile): Record<string, unknown> => ({
  UserName: profile.userName,
  PasswordResetRequired: profile.passwordResetRequired,
  MFABindRequired: profile.mfaBindRequired,
  CreateDate: ramDate(profile.createdAt),
});

const profileParams = {
  UserName: param.string(),
  Password: param.string(),
  PasswordResetRequired: param.boolean(),
  MFABindRequired: param.boolean(),
};

export const loginProfileActions = [
  defineAction({
    name: 'CreateLoginProfile',
    resources: user,
    params: profileParams,
    async handle({ tenant, services }, p) {
      const profile = await services.ram.loginProfiles.create(tenant, {
        userName: p.UserName,
        password: p.Password,
        passwordResetRequired: p.PasswordResetRequired,
        mfaBindRequired: p.MFABindRequired,
      });
      return { LoginProfile: loginProfileShape(profile) };
    },
  }),

  defineAction({
    name: 'GetLoginProfile',
    readOnly: true,
    resources: user,
    params: { UserName: param.string() },
    async handle({ tenant, services }, p) {
      return { LoginProfile: loginProfileShape(await services.ram.loginProfiles.get(tenant, p.UserName)) };
    },
  }),

  defineAction({
    name: 'UpdateLoginProfile',
    resources: user,
    params: profileParams,
    async handle({ tenant, services }, p) {
      await services.ram.loginProfiles.update(tenant, {
        userName: p.UserName,
        password: p.Password,
        passwordResetRequired: p.PasswordResetRequired,
        mfaBindRequired: p.MFABindRequired,
      });
      return {};
    },
  }),

  defineAction({
    name: 'DeleteLoginProfile',
    resources: user,
    params: { UserName: param.string() },
    async handle({ tenant, services }, p) {
      await services.ram.loginProfiles.delete(tenant, p.UserName);
      return {};
    },
  }),
];

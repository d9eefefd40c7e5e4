/** RAM users (spec ram.md §3.2, §3.3): CreateUser, GetUser, UpdateUser, DeleteUser, ListUsers, UnbindMFADevice. */
import type { RamUser } from '../../domain/identities/users.js';
import { defineAction, param } from '../define.js';
import { optionalStrings, pageFields, ramDate, wrapped } from './format.js';
import { integerOf } from './params.js';
import { allUsers, user } from './resources.js';

/** What every User object carries: CreateUser's answer has exactly these (no UpdateDate). */
function createdUserShape(user: RamUser): Record<string, unknown> {
  return {
    UserId: user.userId,
    UserName: user.userName,
    ...optionalStrings({ DisplayName: user.displayName, Email: user.email, MobilePhone: user.mobilePhone, Comments: user.comments }),
    CreateDate: ramDate(user.createdAt),
  };
}

/** UpdateUser's answer and a ListUsers item: with UpdateDate, never LastLoginDate. */
function userShape(user: RamUser): Record<string, unknown> {
  return { ...createdUserShape(user), UpdateDate: ramDate(user.updatedAt) };
}

/** GetUser's answer, the only one with LastLoginDate (left out while the user never logged in: always, here). */
function fullUserShape(user: RamUser): Record<string, unknown> {
  return { ...userShape(user), ...(user.lastLoginAt !== null ? { LastLoginDate: ramDate(user.lastLoginAt) } : {}) };
}

export const userActions = [
  defineAction({
    name: 'CreateUser',
    resources: allUsers,
    params: { UserName: param.string(), DisplayName: param.string(), MobilePhone: param.string(), Email: param.string(), Comments: param.string() },
    async handle({ tenant, services }, p) {
      const created = await services.ram.users.create(tenant, {
        userName: p.UserName,
        displayName: p.DisplayName,
        mobilePhone: p.MobilePhone,
        email: p.Email,
        comments: p.Comments,
      });
      return { User: createdUserShape(created) };
    },
  }),

  defineAction({
    name: 'GetUser',
    readOnly: true,
    resources: user,
    params: { UserName: param.string() },
    async handle({ tenant, services }, p) {
      return { User: fullUserShape(await services.ram.users.get(tenant, p.UserName)) };
    },
  }),

  defineAction({
    name: 'UpdateUser',
    resources: user,
    params: {
      UserName: param.string(),
      // Empty is no rename (a name cannot be cleared); the other New* fields are cleared by "".
      NewUserName: param.string(),
      NewDisplayName: param.text(),
      NewMobilePhone: param.text(),
      NewEmail: param.text(),
      NewComments: param.text(),
    },
    async handle({ tenant, services }, p) {
      const updated = await services.ram.users.update(tenant, {
        userName: p.UserName,
        newUserName: p.NewUserName,
        newDisplayName: p.NewDisplayName,
        newMobilePhone: p.NewMobilePhone,
        newEmail: p.NewEmail,
        newComments: p.NewComments,
      });
      return { User: userShape(updated) };
    },
  }),

  defineAction({
    name: 'DeleteUser',
    resources: user,
    params: { UserName: param.string() },
    async handle({ tenant, services }, p) {
      await services.ram.users.delete(tenant, p.UserName);
      return {};
    },
  }),

  defineAction({
    name: 'ListUsers',
    readOnly: true,
    resources: allUsers,
    params: { Marker: param.string(), MaxItems: param.string() },
    async handle({ tenant, services }, p) {
      const page = await services.ram.users.list(tenant, { marker: p.Marker, maxItems: integerOf(p.MaxItems) });
      return { ...pageFields(page), ...wrapped('Users', 'User', page.items.map(userShape)) };
    },
  }),

  defineAction({
    name: 'UnbindMFADevice',
    resources: user,
    params: { UserName: param.string() },
    // MFA devices do not exist here: EntityNotExist.User.MFADevice (or .User), what Terraform's forced deletion accepts.
    async handle({ tenant, services }, p) {
      return services.ram.users.unbindMFADevice(tenant, p.UserName);
    },
  }),
];

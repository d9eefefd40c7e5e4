/**
 * AccessKeys (spec ram.md §3.4): Create, Update, Delete, List, GetAccessKeyLastUsed. Without a
 * UserName, or with an empty one, each means the caller's own keys. The secret leaves the service
 * once, in CreateAccessKey's answer.
 */
import type { AccessKeyRecord } from '../../domain/identities/access-keys.js';
import { defineAction, param } from '../define.js';
import { ramDate, wrapped } from './format.js';
import { keyOwner } from './resources.js';

const keyShape = (key: AccessKeyRecord): Record<string, unknown> => ({ AccessKeyId: key.accessKeyId, Status: key.status, CreateDate: ramDate(key.createdAt) });

export const accessKeyActions = [
  defineAction({
    name: 'CreateAccessKey',
    resources: keyOwner,
    params: { UserName: param.string() },
    async handle({ tenant, services }, p) {
      const key = await services.ram.accessKeys.create(tenant, { userName: p.UserName });
      return {
        AccessKey: { AccessKeyId: key.accessKeyId, AccessKeySecret: key.accessKeySecret, Status: key.status, CreateDate: ramDate(key.createdAt) },
      };
    },
  }),

  defineAction({
    name: 'UpdateAccessKey',
    resources: keyOwner,
    params: { UserAccessKeyId: param.string(), Status: param.string(), UserName: param.string() },
    async handle({ tenant, services }, p) {
      await services.ram.accessKeys.update(tenant, { userAccessKeyId: p.UserAccessKeyId, status: p.Status, userName: p.UserName });
      return {};
    },
  }),

  defineAction({
    name: 'DeleteAccessKey',
    resources: keyOwner,
    params: { UserAccessKeyId: param.string(), UserName: param.string() },
    async handle({ tenant, services }, p) {
      await services.ram.accessKeys.delete(tenant, { userAccessKeyId: p.UserAccessKeyId, userName: p.UserName });
      return {};
    },
  }),

  defineAction({
    name: 'ListAccessKeys',
    readOnly: true,
    resources: keyOwner,
    params: { UserName: param.string() },
    async handle({ tenant, services }, p) {
      const keys = await services.ram.accessKeys.list(tenant, { userName: p.UserName });
      return wrapped('AccessKeys', 'AccessKey', keys.map(keyShape));
    },
  }),

  defineAction({
    name: 'GetAccessKeyLastUsed',
    readOnly: true,
    resources: keyOwner,
    params: { UserAccessKeyId: param.string(), UserName: param.string() },
    async handle({ tenant, services }, p) {
      const { lastUsedAt } = await services.ram.accessKeys.lastUsed(tenant, { userAccessKeyId: p.UserAccessKeyId, userName: p.UserName });
      // Before any use, an empty object: LastUsedDate left out.
      return { AccessKeyLastUsed: lastUsedAt === null ? {} : { LastUsedDate: ramDate(lastUsedAt) } };
    },
  }),
];

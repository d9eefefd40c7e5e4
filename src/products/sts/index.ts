/**
 * Sts 2015-04-01: only GetCallerIdentity, which every authenticated caller may call (it tells the
 * caller who it is and nothing more). Roles and security tokens are not supported, so the other STS
 * actions answer InvalidApi.NotFound.
 */
import { callerRootArn, callerUserArn } from '../../domain/access/arns.js';
import { defineAction, defineProduct } from '../define.js';

export const sts = defineProduct({
  name: 'Sts',
  version: '2015-04-01',
  ramCode: 'sts',
  serviceName: 'Sts',
  actions: [
    defineAction({
      name: 'GetCallerIdentity',
      readOnly: true,
      resources: 'public',
      params: {},
      async handle({ tenant }) {
        const principal = tenant.principal ?? { kind: 'root' };
        if (principal.kind === 'root') {
          return {
            AccountId: tenant.accountId,
            PrincipalId: tenant.accountId,
            IdentityType: 'Account',
            Arn: callerRootArn(tenant.accountId),
          };
        }
        return {
          AccountId: tenant.accountId,
          UserId: principal.userId,
          PrincipalId: principal.userId,
          IdentityType: 'RAMUser',
          Arn: callerUserArn(tenant.accountId, principal.userName),
        };
      },
    }),
  ],
});

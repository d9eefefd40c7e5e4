/**
 * The audit trail of RAM changes: one event per change, in the change's transaction, naming the
 * AccessKey (`actor`), the principal behind it (a caller that is not a signed request, such as the
 * CLI, acts as root) and the resource. Never a password, a hash or a secret.
 */
import type { Repositories } from '../../store/repositories.js';
import { recordAudit } from '../audit.js';
import type { Tenant } from '../tenant.js';
import { principalOf } from './principal.js';

export async function recordRamChange(
  tx: Repositories,
  tenant: Tenant,
  at: string,
  action: string,
  /** `user/<UserName>`, `group/<GroupName>`, `policy/<PolicyName>`, `accesskey/<AccessKeyId>` or `passwordpolicy`. */
  resource: string,
  changes: Record<string, unknown>,
): Promise<void> {
  await recordAudit(tx, { ...tenant, principal: principalOf(tenant) }, at, action, { resource }, changes);
}

/**
 * The audit trail of RAM changes: one event per change, in the change's transaction, naming the
 * AccessKey (`actor`) and the principal behind it. Never a password, a hash or a secret.
 */
import type { Repositories } from '../../store/repositories.js';
import { principalName, type Tenant } from '../tenant.js';
import { principalOf } from './principal.js';

export async function recordRamChange(
  tx: Repositories,
  tenant: Tenant,
  at: string,
  action: string,
  changes: Record<string, unknown>,
): Promise<void> {
  await tx.audit.insert({
    directory_id: tenant.directoryId,
    contact_id: null,
    action,
    actor: tenant.actor,
    principal: principalName(principalOf(tenant)),
    changes: JSON.stringify(changes),
    request_id: tenant.requestId ?? null,
    created_at: at,
  });
}

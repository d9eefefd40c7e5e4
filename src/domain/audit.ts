/** The audit trail: who changed what and when, written in the transaction of the change. */
import type { Repositories } from '../store/repositories.js';
import type { Tenant } from './tenant.js';

export async function recordAudit(
  tx: Repositories,
  tenant: Tenant,
  at: string,
  action: string,
  contactId: string | null,
  changes: Record<string, unknown>,
): Promise<void> {
  await tx.audit.insert({
    directory_id: tenant.directoryId,
    contact_id: contactId,
    action,
    actor: tenant.actor,
    changes: JSON.stringify(changes),
    request_id: tenant.requestId ?? null,
    created_at: at,
  });
}

/** The audit trail: who changed what and when, written in the transaction of the change. */
import type { Repositories } from '../store/repositories.js';
import { principalName, type Tenant } from './tenant.js';

/**
 * What an event changed: a contact (by its ID), or another resource named as the authorization
 * table names it without the `acs:` prefix (`folder/<FolderId>`, `user/<UserName>`, …).
 */
export type AuditTarget = string | { resource: string };

/**
 * Records one change: its action, the AccessKey (or other actor) and the principal that made it,
 * the resource and the changed fields (never a secret, a password or a token). The request's
 * receipt (its nonce) is kept in the same transaction.
 */
export async function recordAudit(
  tx: Repositories,
  tenant: Tenant,
  at: string,
  action: string,
  target: AuditTarget | null,
  changes: Record<string, unknown>,
): Promise<void> {
  await tenant.receipt?.keepIn(tx);
  const contactId = typeof target === 'string' ? target : null;
  const resource = typeof target === 'string' ? `messagecontact/${target}` : (target?.resource ?? null);
  await tx.audit.insert({
    directory_id: tenant.directoryId,
    contact_id: contactId,
    resource,
    action,
    actor: tenant.actor,
    principal: tenant.principal ? principalName(tenant.principal) : null,
    changes: JSON.stringify(changes),
    request_id: tenant.requestId ?? null,
    created_at: at,
  });
}

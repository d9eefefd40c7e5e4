/** The audit trail: who changed what and when, written in the transaction of the change. */
import { randomUUID } from 'node:crypto';
import type { Repositories } from '../store/repositories.js';
import type { NewAuditEvent } from '../store/audit-repository.js';
import { referencedResources, serviceOfResources } from './audit-resources.js';
import { principalName, type Tenant } from './tenant.js';

/**
 * What an event changed: a contact (by its ID), or another resource named as the authorization
 * table names it without the `acs:` prefix (`folder/<FolderId>`, `user/<UserName>`, …).
 */
export type AuditTarget = string | { resource: string };

/** The actions whose events are marked sensitive (`eventAttributes.SensitiveAction`). */
const sensitiveActions = new Set([
  'DeleteMessageContact',
  'DisassociateMembers',
  'CreateAccessKey',
  'UpdateAccessKey',
  'DeleteAccessKey',
  'DeleteLoginProfile',
  'UpdateLoginProfile',
  'AttachPolicyToUser',
  'AttachPolicyToGroup',
  'DetachPolicyFromUser',
  'DetachPolicyFromGroup',
  'CreatePolicyVersion',
  'DeletePolicyVersion',
  'SetDefaultPolicyVersion',
  'DeleteUser',
  'DeletePolicy',
]);

/** The names under which the service records what it does itself. */
export const serviceActors = {
  /** The background jobs (deletion steps, delivery outcomes). */
  jobs: 'rdcontacts',
  /** An operator's command on the machine. */
  cli: 'rdcontacts-cli',
  /** Whoever holds a verification link and confirms it. */
  link: 'verification-link',
} as const;

/** An event's identity columns: the signed caller's, or the service's for what no call did. */
function identity(tenant: Tenant): Pick<NewAuditEvent, 'user_type' | 'principal_id' | 'user_name' | 'access_key_id' | 'principal'> {
  if (!tenant.call) {
    return { user_type: 'system', principal_id: null, user_name: tenant.actor, access_key_id: null, principal: tenant.principal ? principalName(tenant.principal) : null };
  }
  const principal = tenant.principal ?? { kind: 'root' as const };
  return principal.kind === 'user'
    ? { user_type: 'ram-user', principal_id: principal.userId, user_name: principal.userName, access_key_id: tenant.actor, principal: principalName(principal) }
    : { user_type: 'root-account', principal_id: null, user_name: 'root', access_key_id: tenant.actor, principal: 'root' };
}

/** The columns every event of `tenant` shares: who, from where, through which call. */
export function eventColumns(
  tenant: Tenant,
  at: string,
  action: string,
  resources: Record<string, string[]>,
): Omit<NewAuditEvent, 'contact_id' | 'resource' | 'changes'> {
  const call = tenant.call;
  const names = Object.values(resources).flat();
  return {
    directory_id: tenant.directoryId,
    action,
    actor: tenant.actor,
    request_id: tenant.requestId ?? null,
    created_at: at,
    ...identity(tenant),
    event_id: randomUUID().toUpperCase(),
    event_type: call ? 'ApiCall' : tenant.actor === serviceActors.link ? 'ConsoleOperation' : 'AliyunServiceEvent',
    event_rw: call?.readOnly ? 'Read' : 'Write',
    service_name: call?.serviceName ?? serviceOfResources(resources),
    api_version: call?.apiVersion ?? null,
    source_ip: tenant.origin?.sourceIp ?? null,
    user_agent: tenant.origin?.userAgent ?? null,
    event_source: tenant.origin?.host ?? null,
    request_parameters: call ? JSON.stringify({ ...call.parameters, AcsProduct: call.product }) : null,
    resources: JSON.stringify(resources),
    resource_names: names.length > 0 ? `;${names.join(';')};` : null,
    sensitive: sensitiveActions.has(action) ? 1 : 0,
  };
}

/**
 * Records one change: its action, the AccessKey (or other actor) and the principal that made it,
 * where the call came from, the resources it names and the changed fields (never a secret, a
 * password or a token). The request's receipt (its nonce) is kept in the same transaction.
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
    ...eventColumns(tenant, at, action, referencedResources(resource, changes)),
    contact_id: contactId,
    resource,
    changes: JSON.stringify(changes),
  });
}

/**
 * An audit event as ActionTrail writes one (management event structure, version 1): what
 * LookupEvents answers and `rdcontacts audit --json` prints. Never a secret, a password, a token or
 * a verification link: the trail never stored one.
 */
import type { AuditRow } from '../../store/audit-repository.js';
import { serviceVersion } from '../../version.js';

/** The region every event is recorded in: Resource Directory's (a single-region service here). */
export const eventRegion = 'cn-shanghai';

export interface EventContext {
  /** The management account the directory belongs to. */
  accountId: string;
  /** The host events of no request were made on (the public URL's). */
  serviceHost: string;
}

/** `yyyy-MM-ddTHH:mm:ssZ` of a stored time (milliseconds dropped). */
export const eventTime = (stored: string): string => `${stored.slice(0, 19)}Z`;

/** An ID for events written before events had their own (0011): stable, from their sequence number. */
const legacyEventId = (seq: number): string => `00000000-0000-4000-8000-${Number(seq).toString(16).toUpperCase().padStart(12, '0')}`;

const parse = <T>(json: string | null): T | undefined => (json === null ? undefined : (JSON.parse(json) as T));

function userIdentity(row: AuditRow, accountId: string): Record<string, string> {
  const type = row.user_type ?? 'root-account';
  if (type === 'system') return { type, accountId, userName: row.user_name ?? 'rdcontacts' };
  return {
    type,
    principalId: type === 'ram-user' ? (row.principal_id ?? '') : accountId,
    accountId,
    ...(row.access_key_id ? { accessKeyId: row.access_key_id } : {}),
    userName: row.user_name ?? 'root',
  };
}

export function eventOf(row: AuditRow, context: EventContext): Record<string, unknown> {
  const eventId = row.event_id ?? legacyEventId(row.seq);
  const eventType = row.event_type ?? 'ApiCall';
  const source = row.event_source || context.serviceHost;
  const resources = parse<Record<string, string[]>>(row.resources) ?? {};
  const types = Object.keys(resources).filter((type) => (resources[type]?.length ?? 0) > 0);
  const changes = parse<Record<string, unknown>>(row.changes) ?? {};
  const parameters = parse<Record<string, string>>(row.request_parameters);
  const failed = row.error_code !== null;
  const event: Record<string, unknown> = {
    eventId,
    eventVersion: 1,
    eventCategory: 'Management',
    eventType,
    eventName: row.action,
    eventRW: row.event_rw ?? 'Write',
    eventSource: source,
    eventTime: eventTime(row.created_at),
    acsRegion: eventRegion,
    isGlobal: true,
    serviceName: row.service_name ?? 'ResourceManager',
    ...(row.api_version ? { apiVersion: row.api_version } : {}),
    requestId: row.request_id ?? eventId,
    sourceIpAddress: row.source_ip ?? source,
    userAgent: row.user_agent ?? (row.user_name === 'rdcontacts-cli' ? `rdcontacts-cli/${serviceVersion}` : `rdcontacts/${serviceVersion}`),
    userIdentity: userIdentity(row, context.accountId),
  };
  if (parameters) {
    event.requestParameters = { ...parameters, ...(row.request_id ? { RequestId: row.request_id } : {}), HostId: source };
  }
  if (!failed && eventType === 'ApiCall' && row.request_id) event.responseElements = { RequestId: row.request_id };
  if (types.length > 0) {
    event.referencedResources = Object.fromEntries(types.map((type) => [type, resources[type]]));
    event.resourceType = types.join(';');
    event.resourceName = types.map((type) => resources[type]!.join(',')).join(';');
  }
  if (failed) {
    event.errorCode = row.error_code;
    event.errorMessage = row.error_message ?? '';
  }
  if (row.sensitive === 1) event.eventAttributes = { SensitiveAction: 'true' };
  const changed = Object.keys(changes);
  event.additionalEventData = { Scheme: 'http', ...(changed.length > 0 ? { ChangedFields: changed, Changes: changes } : {}) };
  event.recipientAccountId = context.accountId;
  return event;
}

/**
 * LookupEvents (Actiontrail 2020-07-06): the caller's account's audit events in a time window,
 * filtered by up to two lookup attributes, newest first unless FORWARD, a page at a time.
 */
import { createHash } from 'node:crypto';
import { ApiError } from '../../domain/errors.js';
import type { EventQuery } from '../../domain/audit-trail.js';
import { toStored } from '../../domain/time.js';
import { parseTimestamp } from '../../wire/authenticate.js';
import { type TagParam, defineAction, param } from '../define.js';
import { eventOf, eventTime } from './event-shape.js';

const defaultPageSize = 20;
const maxPageSize = 50;
const defaultWindowMs = 7 * 86_400_000;

/** What each lookup attribute key filters on. */
const attributeFilters = {
  ServiceName: 'serviceName',
  EventName: 'eventName',
  User: 'userName',
  EventId: 'eventId',
  ResourceType: 'resourceType',
  ResourceName: 'resourceName',
  EventRW: 'eventRw',
  EventAccessKeyId: 'accessKeyId',
  SourceIpAddress: 'sourceIp',
  EventType: 'eventType',
  SensitiveAction: 'sensitive',
  RoleName: 'roleName',
} as const;
type AttributeKey = keyof typeof attributeFilters;
type Filters = Partial<Record<(typeof attributeFilters)[AttributeKey], string>>;

const invalidQuery = () => new ApiError('InvalidQueryParameter');

/** The filters of the attributes: the first two items count, and a key given twice keeps its second value. */
function filtersOf(attributes: TagParam[] | undefined): Filters {
  const filters: Filters = {};
  for (const item of (attributes ?? []).slice(0, 2)) {
    if (item.key === undefined || item.value === undefined || item.key === '' || item.value === '') throw invalidQuery();
    if (!Object.hasOwn(attributeFilters, item.key)) throw invalidQuery();
    filters[attributeFilters[item.key as AttributeKey]] = item.value;
  }
  if (filters.sensitive !== undefined && filters.sensitive !== 'true' && filters.sensitive !== 'false') throw invalidQuery();
  return filters;
}

function pageSize(text: string | undefined): number {
  if (text === undefined || text === '') return defaultPageSize;
  if (!/^\d{1,3}$/.test(text) || Number(text) > maxPageSize) throw invalidQuery();
  return Number(text) === 0 ? defaultPageSize : Number(text);
}

function instant(text: string | undefined, error: 'InvalidParameterStartTime' | 'InvalidParameterEndTime'): number | undefined {
  if (text === undefined || text === '') return undefined;
  const ms = parseTimestamp(text);
  if (ms === undefined) throw new ApiError(error);
  return ms;
}

/**
 * The page token: where the last page ended and the window the first page searched (stored times),
 * bound to the query it belongs to. The window travels with the token: the default one ends at the
 * time of the first request, and a later page must not search another.
 */
interface Cursor {
  v: 1;
  t: string;
  s: number;
  h: string;
  f: string;
  u: string;
}

/** The query as the caller gave it: its filters, its bounds as sent (or none), its direction. */
function queryHash(directoryId: string, filters: Filters, startTime: string, endTime: string, direction: string): string {
  return createHash('sha256').update(JSON.stringify([directoryId, filters, startTime, endTime, direction])).digest('base64url').slice(0, 22);
}

function readCursor(token: string | undefined, hash: string): Cursor | undefined {
  if (token === undefined || token === '') return undefined;
  let cursor: Partial<Cursor>;
  try {
    cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<Cursor>;
  } catch {
    throw invalidQuery();
  }
  if (
    cursor?.v !== 1 ||
    typeof cursor.t !== 'string' ||
    !Number.isSafeInteger(cursor.s) ||
    typeof cursor.f !== 'string' ||
    typeof cursor.u !== 'string' ||
    cursor.h !== hash
  ) {
    throw invalidQuery();
  }
  return cursor as Cursor;
}

export const lookupEvents = defineAction({
  name: 'LookupEvents',
  readOnly: true,
  // "All Resources": the older documented ARN form, which `*` also matches.
  resources: ({ tenant }) => [`acs:actiontrail:*:${tenant.accountId}:*`],
  params: {
    StartTime: param.string(),
    EndTime: param.string(),
    Direction: param.string(),
    MaxResults: param.string(),
    NextToken: param.string(),
    LookupAttribute: param.tags('InvalidQueryParameter'),
  },
  async handle({ tenant, services }, p) {
    const filters = filtersOf(p.LookupAttribute);
    const direction = p.Direction ?? 'BACKWARD';
    if (direction !== 'FORWARD' && direction !== 'BACKWARD') throw invalidQuery();
    const limit = pageSize(p.MaxResults);
    const startMs = instant(p.StartTime, 'InvalidParameterStartTime');
    const endMs = instant(p.EndTime, 'InvalidParameterEndTime');
    // Either bound alone takes the default of the other: the last 7 days, up to now.
    const now = services.audit.now().getTime();
    const end = endMs ?? (startMs !== undefined ? Math.max(now, startMs + 1000) : now);
    const start = startMs ?? end - defaultWindowMs;
    if (end <= start) throw new ApiError('InvalidParameterCombination');
    const hash = queryHash(tenant.directoryId, filters, p.StartTime ?? '', p.EndTime ?? '', direction);
    const cursor = readCursor(p.NextToken, hash);
    // Whole seconds, as the answer echoes them; the end's second counts whole. A later page
    // searches the window of the first.
    const from = cursor?.f ?? toStored(new Date(Math.floor(start / 1000) * 1000));
    const to = cursor?.u ?? toStored(new Date(Math.floor(end / 1000) * 1000 + 999));
    const answer = { StartTime: eventTime(from), EndTime: eventTime(to) };
    // No role exists here: a RoleName finds nothing.
    if (filters.roleName !== undefined) return { ...answer, Events: [] };

    const query: EventQuery = {
      from,
      to,
      newestFirst: direction === 'BACKWARD',
      ...(cursor ? { after: { at: cursor.t, seq: cursor.s } } : {}),
      ...(filters.eventId !== undefined ? { eventId: filters.eventId } : {}),
      ...(filters.eventName !== undefined ? { eventName: filters.eventName } : {}),
      ...(filters.eventRw !== undefined ? { eventRw: filters.eventRw } : {}),
      ...(filters.eventType !== undefined ? { eventType: filters.eventType } : {}),
      ...(filters.serviceName !== undefined ? { serviceName: filters.serviceName } : {}),
      ...(filters.userName !== undefined ? { userName: filters.userName } : {}),
      ...(filters.accessKeyId !== undefined ? { accessKeyId: filters.accessKeyId } : {}),
      ...(filters.sourceIp !== undefined ? { sourceIp: filters.sourceIp } : {}),
      ...(filters.sensitive !== undefined ? { sensitive: filters.sensitive === 'true' } : {}),
      ...(filters.resourceName !== undefined ? { resourceName: filters.resourceName } : {}),
      ...(filters.resourceType !== undefined ? { resourceType: filters.resourceType } : {}),
      limit: limit + 1,
    };
    const rows = await services.audit.lookup(tenant, query);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const context = { accountId: tenant.accountId, serviceHost: services.audit.serviceHost() };
    return {
      ...answer,
      ...(rows.length > limit && last
        ? { NextToken: Buffer.from(JSON.stringify({ v: 1, t: last.created_at, s: Number(last.seq), h: hash, f: from, u: to } satisfies Cursor)).toString('base64url') }
        : {}),
      Events: page.map((row) => eventOf(row, context)),
    };
  },
});

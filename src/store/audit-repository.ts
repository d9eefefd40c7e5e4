/**
 * The audit trail's table: events appended in the transaction of their change, looked up one
 * directory's time window at a time (newest or oldest first, resumed after a cursor), and swept
 * from the oldest once past their retention.
 */
import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import { CompiledQueries, slot } from './compiled.js';
import type { AuditEventsTable, Database } from './schema.js';

export type AuditRow = Selectable<AuditEventsTable>;
export type NewAuditEvent = Omit<Insertable<AuditEventsTable>, 'seq'>;

/** Told of every event once it is committed (in the order of their inserts). */
export type AuditListener = (event: NewAuditEvent) => void;

/** Every column an event is inserted with: one statement shape whatever the event holds. */
const insertedColumns = [
  'directory_id',
  'contact_id',
  'action',
  'actor',
  'changes',
  'request_id',
  'created_at',
  'principal',
  'resource',
  'event_id',
  'event_type',
  'event_rw',
  'service_name',
  'api_version',
  'user_type',
  'principal_id',
  'user_name',
  'access_key_id',
  'source_ip',
  'user_agent',
  'event_source',
  'error_code',
  'error_message',
  'request_parameters',
  'resources',
  'resource_names',
  'sensitive',
] as const satisfies readonly (keyof NewAuditEvent)[];

/** A lookup over one directory's events: a time window, a direction, a cursor and exact-match filters. */
export interface AuditLookup {
  /** One directory's events; every directory's when absent (the operator's command line). */
  directoryId?: string;
  /** Stored times, both inclusive. */
  from: string;
  to: string;
  newestFirst: boolean;
  /** Resume strictly after this event in the lookup's order. */
  after?: { at: string; seq: number };
  eventId?: string;
  eventName?: string;
  eventRw?: string;
  eventType?: string;
  serviceName?: string;
  userName?: string;
  accessKeyId?: string;
  sourceIp?: string;
  sensitive?: boolean;
  resourceName?: string;
  resourceType?: string;
  limit: number;
}

/** `%` and `_` match themselves in a LIKE pattern built from `text`. */
const likeEscaped = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export class AuditRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly queries: CompiledQueries,
    /** Hears of each insert: at once outside a transaction, after the commit inside one. */
    private readonly inserted: (event: NewAuditEvent) => void = () => {},
  ) {}

  async insert(event: NewAuditEvent): Promise<void> {
    const values = Object.fromEntries(insertedColumns.map((column) => [column, event[column] ?? null]));
    await this.queries.run(
      this.db,
      'audit.insert',
      () => this.db.insertInto('audit_events').values(Object.fromEntries(insertedColumns.map((c) => [c, slot(c)])) as unknown as NewAuditEvent),
      values,
    );
    this.inserted(event);
  }

  async list(filter: { contactId?: string; directoryId?: string; limit: number }): Promise<AuditRow[]> {
    let query = this.db.selectFrom('audit_events').selectAll().orderBy('seq');
    if (filter.contactId) query = query.where('contact_id', '=', filter.contactId);
    if (filter.directoryId) query = query.where('directory_id', '=', filter.directoryId);
    return query.limit(filter.limit).execute();
  }

  /** One page of a directory's events in the window, in the lookup's order. */
  async lookup(filter: AuditLookup): Promise<AuditRow[]> {
    const order = filter.newestFirst ? 'desc' : 'asc';
    let query = this.db.selectFrom('audit_events').selectAll();
    if (filter.directoryId !== undefined) query = query.where('directory_id', '=', filter.directoryId);
    query = query
      .where('created_at', '>=', filter.from)
      .where('created_at', '<=', filter.to);
    const after = filter.after;
    if (after) {
      const beyond = filter.newestFirst ? '<' : '>';
      query = query.where((eb) =>
        eb.or([eb('created_at', beyond, after.at), eb.and([eb('created_at', '=', after.at), eb('seq', beyond, after.seq)])]),
      );
    }
    const exact = [
      ['event_id', filter.eventId],
      ['action', filter.eventName],
      ['event_rw', filter.eventRw],
      ['event_type', filter.eventType],
      ['service_name', filter.serviceName],
      ['user_name', filter.userName],
      ['access_key_id', filter.accessKeyId],
      ['source_ip', filter.sourceIp],
    ] as const;
    for (const [column, value] of exact) if (value !== undefined) query = query.where(column, '=', value);
    if (filter.sensitive !== undefined) query = query.where('sensitive', '=', filter.sensitive ? 1 : 0);
    if (filter.resourceName !== undefined) {
      query = query.where(sql<boolean>`resource_names like ${`%;${likeEscaped(filter.resourceName)};%`} escape '\\'`);
    }
    if (filter.resourceType !== undefined) {
      query = query.where(sql<boolean>`resources like ${`%${likeEscaped(JSON.stringify(filter.resourceType))}:%`} escape '\\'`);
    }
    return query.orderBy('created_at', order).orderBy('seq', order).limit(filter.limit).execute();
  }

  /**
   * Removes up to `batch` of the oldest events written before `before` (a stored time); how many.
   * Events are appended in about the order of their times, so the sweep reads from the oldest
   * sequence number up to the first event still kept.
   */
  async sweep(before: string, batch: number): Promise<number> {
    const oldest = await this.db.selectFrom('audit_events').select(['seq', 'created_at']).orderBy('seq').limit(batch).execute();
    let last: number | undefined;
    for (const row of oldest) {
      if (row.created_at >= before) break;
      last = Number(row.seq);
    }
    if (last === undefined) return 0;
    const result = await this.db.deleteFrom('audit_events').where('seq', '<=', last).where('created_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/**
 * The audit trail as its readers and its keeper see it: calls refused before they could change
 * anything (recorded as failed events), lookups over one directory's events, and the retention
 * sweep. The changes themselves are recorded by `recordAudit`, in their own transactions.
 */
import type { AuditLookup, AuditRow } from '../store/audit-repository.js';
import type { Store } from '../store/store.js';
import { eventColumns } from './audit.js';
import { resourcesOfParameters } from './audit-resources.js';
import { type Clock, toStored } from './time.js';
import type { Tenant } from './tenant.js';

/** Events one sweep statement removes: small, so that writers never wait long behind it. */
export const sweepBatch = 500;

export interface AuditTrailOptions {
  /** Days an event is kept. */
  retentionDays: number;
  /** The host events of no request are recorded on (the public URL's), read when asked. */
  serviceHost: () => string;
}

export type EventQuery = Omit<AuditLookup, 'directoryId'>;

export class AuditTrail {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly options: AuditTrailOptions,
  ) {}

  /**
   * A call refused by authorization or by its signature checks (its AccessKey known): one failed
   * event, with the code and message it was answered, in a transaction of its own.
   */
  async recordRefusal(tenant: Tenant, refusal: { code: string; message: string }): Promise<void> {
    const call = tenant.call;
    if (!call) throw new Error('a refused call is recorded with its call');
    const resources = resourcesOfParameters(call.parameters);
    await this.store.audit.insert({
      ...eventColumns(tenant, toStored(this.clock()), call.action, resources),
      contact_id: null,
      resource: null,
      changes: '{}',
      error_code: refusal.code,
      error_message: refusal.message,
    });
  }

  /** One page of the directory's events, in the query's order. */
  lookup(tenant: Pick<Tenant, 'directoryId'>, query: EventQuery): Promise<AuditRow[]> {
    return this.store.audit.lookup({ ...query, directoryId: tenant.directoryId });
  }

  /** The service's time: where a lookup's default window ends. */
  now(): Date {
    return this.clock();
  }

  /** The host events of no request are recorded on. */
  serviceHost(): string {
    return this.options.serviceHost();
  }

  /** When the retention starts: events before it are swept. */
  horizon(): Date {
    return new Date(this.clock().getTime() - this.options.retentionDays * 86_400_000);
  }

  /** Removes one batch of events past their retention; how many. */
  sweep(): Promise<number> {
    return this.store.audit.sweep(toStored(this.horizon()), sweepBatch);
  }
}

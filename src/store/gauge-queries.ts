/**
 * What the metrics read from the database when they are scraped: counts of rows by status, the
 * same whichever instance on the database answers. One small grouped read each, run at scrape time
 * only, never on a request's path.
 */
import type { Kysely } from 'kysely';
import type { DeletionStatus, DeliveryStatus, Database } from './schema.js';

export class GaugeQueries {
  constructor(private readonly db: Kysely<Database>) {}

  /** Outbox rows by status (every delivery there is: the queue and its history). */
  async deliveriesByStatus(): Promise<Map<DeliveryStatus | string, number>> {
    const rows = await this.db
      .selectFrom('outbox')
      .select((eb) => ['status', eb.fn.countAll<number | string>().as('count')])
      .groupBy('status')
      .execute();
    return new Map(rows.map((row) => [row.status, Number(row.count)]));
  }

  /** Contact deletion jobs by status: `Deleting` while one runs, `Failed` once one gave up (a finished job leaves no row). */
  async deletionJobsByStatus(): Promise<Map<DeletionStatus | string, number>> {
    const rows = await this.db
      .selectFrom('contact_deletions')
      .select((eb) => ['status', eb.fn.countAll<number | string>().as('count')])
      .groupBy('status')
      .execute();
    return new Map(rows.map((row) => [row.status, Number(row.count)]));
  }
}

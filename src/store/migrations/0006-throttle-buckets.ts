/**
 * 0006: throttling counters for instances that share a database (PostgreSQL), so that the calls
 * per second of an account and action are counted across all of them. One SQLite process counts
 * in memory and leaves this table empty.
 */
import type { Kysely, Migration } from 'kysely';

export const throttleBuckets: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('throttle_buckets')
      // Account ID and action name.
      .addColumn('bucket_key', 'varchar(200)', (c) => c.primaryKey())
      // Milliseconds since the epoch (fractional): the bucket's "theoretical arrival time" (GCRA).
      // A bucket whose time has passed is full, as if it had no row.
      .addColumn('ready_at', 'double precision', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('throttle_buckets_ready').on('throttle_buckets').column('ready_at').execute();
  },
};

/**
 * What the wire's guards keep in the database: signature nonces (replay) and throttling counters,
 * shared by the instances of one database, and kept across restarts.
 */
import { type Kysely, sql } from 'kysely';
import { type CompiledQueries, slot } from './compiled.js';
import type { Database } from './schema.js';

/**
 * Signature nonces, each under a fixed-size key (the hex of a digest of the AccessKey ID and the
 * nonce), until its request could no longer be valid, shared by the instances of one database
 * (PostgreSQL): one statement decides each.
 */
export class NonceRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly queries: CompiledQueries,
  ) {}

  /**
   * Records the nonce unless it is already recorded and not yet expired; true when it was recorded
   * (first use, or reuse after expiry). One statement: two instances cannot both get true.
   */
  async remember(nonceKey: string, expiresAtMs: number, nowMs: number): Promise<boolean> {
    const row = await this.db
      .insertInto('signature_nonces')
      .values({ nonce_key: nonceKey, expires_at: expiresAtMs })
      .onConflict((oc) =>
        oc
          .column('nonce_key')
          .doUpdateSet({ expires_at: expiresAtMs })
          .where('signature_nonces.expires_at', '<=', nowMs),
      )
      .returning('nonce_key')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Forgets the nonces whose window has passed. */
  async sweep(nowMs: number): Promise<void> {
    await this.db.deleteFrom('signature_nonces').where('expires_at', '<=', nowMs).execute();
  }
}

/**
 * The nonce log of the embedded store (SQLite): what the one process that serves the file keeps of
 * its state-changing requests' nonces, so that a restart forgets none. Appended to, never looked up
 * by key (the process decides nonces in its memory), read once at start, swept from the oldest.
 */
export class NonceLogRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly queries: CompiledQueries,
  ) {}

  async record(nonceKey: string, expiresAtMs: number): Promise<void> {
    await this.queries.run(
      this.db,
      'nonceLog.record',
      () => this.db.insertInto('nonce_log').values({ expires_at: slot('expiresAtMs'), nonce_key: slot('nonceKey') }),
      { nonceKey, expiresAtMs },
    );
  }

  /** Every nonce logged that has not expired at `nowMs` (one may appear twice). */
  async live(nowMs: number): Promise<{ nonceKey: string; expiresAtMs: number }[]> {
    const rows = await this.db.selectFrom('nonce_log').select(['nonce_key', 'expires_at']).where('expires_at', '>', nowMs).execute();
    return rows.map((row) => ({ nonceKey: row.nonce_key, expiresAtMs: Number(row.expires_at) }));
  }

  /**
   * Forgets the oldest rows, up to the first that has not expired. Rows are appended in about the
   * order they expire (a request's nonce expires 15 minutes after it arrives, or after its
   * timestamp when that is later), so this finds what to delete by reading only what it deletes;
   * an expired row behind a later-expiring one waits for a later sweep (and is ignored when read).
   * SQLite only (its rowid).
   */
  async sweep(nowMs: number): Promise<void> {
    await sql`delete from nonce_log where rowid < coalesce(
      (select rowid from nonce_log where expires_at > ${nowMs} order by rowid limit 1),
      (select max(rowid) + 1 from nonce_log))`.execute(this.db);
  }
}

/**
 * Throttling counters shared by the instances of one database: a generic cell rate algorithm
 * (GCRA), the token bucket written as one time per bucket, so that one statement decides a call.
 */
export class ThrottleRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Takes one call from the bucket: each call moves its time `intervalMs` on, and a call is on time
   * while the bucket's time is at most `burstMs` ahead of now (a bucket of burstMs / intervalMs + 1
   * calls). Returns 0 when the call is taken, else the milliseconds until one would be.
   */
  async take(bucketKey: string, nowMs: number, intervalMs: number, burstMs: number): Promise<number> {
    const now = sql<number>`cast(${nowMs} as double precision)`;
    const from = sql<number>`case when throttle_buckets.ready_at > ${now} then throttle_buckets.ready_at else ${now} end`;
    const taken = await this.db
      .insertInto('throttle_buckets')
      .values({ bucket_key: bucketKey, ready_at: nowMs + intervalMs })
      .onConflict((oc) =>
        oc
          .column('bucket_key')
          .doUpdateSet({ ready_at: sql<number>`${from} + cast(${intervalMs} as double precision)` })
          .where(sql<boolean>`${from} - ${now} <= cast(${burstMs} as double precision)`),
      )
      .returning('ready_at')
      .executeTakeFirst();
    if (taken !== undefined) return 0;
    const bucket = await this.db.selectFrom('throttle_buckets').select('ready_at').where('bucket_key', '=', bucketKey).executeTakeFirst();
    return Math.max(1, Math.ceil(Number(bucket?.ready_at ?? nowMs) - nowMs - burstMs));
  }

  /** Forgets the buckets that are full again (as good as no row). */
  async sweep(nowMs: number): Promise<void> {
    await this.db.deleteFrom('throttle_buckets').where('ready_at', '<=', nowMs).execute();
  }
}

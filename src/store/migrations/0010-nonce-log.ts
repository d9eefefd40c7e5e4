/**
 * 0010: the nonce log of the embedded store. One process serving a SQLite file decides every nonce
 * in its memory and only needs its durable record of the state-changing ones to survive a restart:
 * an append-only table in insertion order, with no index at all (a unique index over random keys
 * dirtied a page of its own at every insert), read once at start and swept from its oldest rows. `signature_nonces`, with its
 * unique key, stays what instances sharing a PostgreSQL database decide nonces with. The nonces
 * SQLite kept there until now move over.
 */
import { type Kysely, type Migration, sql } from 'kysely';

export const nonceLog: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('nonce_log')
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('nonce_key', 'varchar(400)', (c) => c.notNull())
      .execute();
    await sql`insert into nonce_log (expires_at, nonce_key) select expires_at, nonce_key from signature_nonces`.execute(db);
  },
};

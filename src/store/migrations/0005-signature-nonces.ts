/**
 * 0005: signature nonces seen within the replay window, for instances that share a database
 * (PostgreSQL): a nonce used on one instance is refused on every other. A single SQLite process
 * keeps them in memory and leaves this table empty.
 */
import type { Kysely, Migration } from 'kysely';

export const signatureNonces: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('signature_nonces')
      // AccessKey ID and nonce.
      .addColumn('nonce_key', 'varchar(400)', (c) => c.primaryKey())
      // Milliseconds since the epoch: after this the nonce may be used again (its request is too old anyway).
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('signature_nonces_expiry').on('signature_nonces').column('expires_at').execute();
  },
};

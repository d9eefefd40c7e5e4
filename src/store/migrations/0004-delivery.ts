/**
 * 0004: the outbox becomes the delivery queue. Each row is one message to one recipient over one
 * channel; a worker sends it and records every attempt on the row. Rows of the `outbox` transport
 * are only stored (status Stored), as before.
 */
import type { Kysely, Migration } from 'kysely';
import { isSqlite } from '../dialect.js';

export const delivery: Migration = {
  async up(db: Kysely<any>) {
    const columns: [string, string, boolean?][] = [
      // The message a row belongs to: one SendMessage or SendTestMessage gives several rows.
      ['message_id', 'varchar(40)'],
      // The member account a notification was about.
      ['account_id', 'varchar(32)'],
      ['html_body', 'text'],
      // JSON: the named values of an SMS, for providers that fill a template of their own.
      ['sms_params', 'text'],
      ['next_attempt_at', 'varchar(32)'],
      ['last_attempt_at', 'varchar(32)'],
      ['sent_at', 'varchar(32)'],
      ['last_error', 'varchar(1024)'],
      // The transport's own ID of the accepted message.
      ['provider_id', 'varchar(256)'],
      ['lease_owner', 'varchar(128)'],
      ['lease_expires_at', 'varchar(32)'],
    ];
    // Delivery IDs (`d-` and a UUID) are longer than the 32 characters 0001 gave the column, and a
    // notification's subject is the caller's 256 characters behind a prefix of the template; SQLite
    // does not enforce lengths (and cannot alter a column), the others must be told.
    if (!isSqlite(db)) {
      await db.schema.alterTable('outbox').alterColumn('id', (c) => c.setDataType('varchar(40)')).execute();
      await db.schema.alterTable('outbox').alterColumn('subject', (c) => c.setDataType('text')).execute();
    }
    for (const [name, type] of columns) {
      await db.schema.alterTable('outbox').addColumn(name, type as 'text').execute();
    }
    await db.schema.alterTable('outbox').addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    // The worker's question: what is due (Queued and next_attempt_at passed, or Sending with an
    // expired lease)?
    await db.schema.createIndex('outbox_status_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('outbox_contact_created').on('outbox').columns(['contact_id', 'created_at']).execute();
    await db.schema.createIndex('outbox_directory_all_created').on('outbox').columns(['directory_id', 'created_at']).execute();
  },
};

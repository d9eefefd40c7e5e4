/**
 * 0007: verification links leave the outbox when they stop being needed. `link_expires_at` is set
 * on a row while it holds a verification token in clear (link, body, html_body, sms_params) and
 * says when that token expires; it is null on every other row. The worker's sweep finds the rows
 * whose token expired through a partial index over the few rows that still hold one, instead of
 * reading the whole history of the outbox.
 *
 * Rows written before this migration: those whose token is still pending and that were not sent
 * keep their link until the token's expiry; every other verification row (sent, or its token used,
 * cancelled or superseded) is marked as expired at its creation, so the first sweep after the
 * upgrade takes the token out of it.
 */
import { type Kysely, type Migration, sql } from 'kysely';

export const linkExpiry: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('outbox').addColumn('link_expires_at', 'varchar(32)').execute();
    // Each verification row was written in the transaction that made its token, at the same time.
    await sql`
      update outbox set link_expires_at = coalesce(
        (select t.expires_at from verification_tokens t
          where t.contact_id = outbox.contact_id
            and t.kind = case when outbox.channel = 'email' then 'email' else 'phone' end
            and t.created_at = outbox.created_at
            and t.state = 'Pending'
            and outbox.status <> 'Sent'),
        outbox.created_at)
      where purpose = 'verification' and link is not null`.execute(db);
    await db.schema
      .createIndex('outbox_link_expires')
      .on('outbox')
      .column('link_expires_at')
      .where('link_expires_at', 'is not', null)
      .execute();
  },
};

/**
 * Migration 0007 on a database that already holds verification messages: a message whose token is
 * still usable and that was not sent keeps its link until the token expires; a sent one, or one
 * whose token was superseded, loses its token at the first sweep (and a queued one of those is not
 * sent any more). Runs once per store.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { openStore } from '../../src/store/store.js';
import { backends } from '../support/backends.js';
import { freshSchema } from '../support/pg-schemas.js';

const token = (c: string) => c.repeat(43);
const link = (c: string) => `http://127.0.0.1:8080/verify/${token(c)}`;
const created = '2026-01-01T00:00:00.000Z';
const expires = '2026-01-02T00:00:00.000Z';

/** A database left at 0006, reachable by URL, and how to open it with Kysely at that migration. */
async function at0006(name: string): Promise<{ url: string; old: Kysely<any>; schema?: string; cleanup: () => Promise<void> }> {
  if (name === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'rdc-0007-'));
    const file = join(dir, 'at-0006.db');
    const old = new Kysely<any>({ dialect: new SqliteDialect({ database: new SQLite(file) }) });
    return { url: `sqlite:${file}`, old, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = await freshSchema();
  const old = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: schema.url, max: 1 }) }) });
  return { url: schema.url, old, schema: schema.schema, cleanup: schema.drop };
}

for (const { name } of backends) {
  describe(`migration 0007 [${name}]`, () => {
    test('old verification rows keep a usable link only while unsent and pending', async () => {
      const { url, old, schema, cleanup } = await at0006(name);
      try {
        // In the schema by name, as the store migrates: another schema's Kysely tables must not count.
        const { error } = await new Migrator({ db: old, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) }).migrateTo('0006_throttle_buckets');
        assert.equal(error, undefined);
        await old.insertInto('accounts').values({ id: '1000000000000001', display_name: 'a', created_at: created }).execute();
        await old.insertInto('directories').values({ id: 'rd-abcdef', master_account_id: '1000000000000001', root_folder_id: 'r-abcdef', created_at: created }).execute();
        const contact = (id: string) => ({
          id,
          directory_id: 'rd-abcdef',
          name: id.slice(-4),
          title: 'Other',
          message_types: '["SecurityMessage"]',
          email: null,
          phone: null,
          lifecycle: 'Live',
          version: 1,
          created_at: created,
          updated_at: created,
          deleted_at: null,
        });
        await old.insertInto('contacts').values([contact('c-000000000000sent'), contact('c-00000000000store'), contact('c-0000000000000old')]).execute();
        const tokenRow = (contactId: string, hash: string, state: string) => ({
          token_hash: hash.repeat(64),
          contact_id: contactId,
          kind: 'email',
          target: `${contactId}@example.com`,
          state,
          created_at: created,
          expires_at: expires,
          used_at: null,
        });
        await old
          .insertInto('verification_tokens')
          .values([tokenRow('c-000000000000sent', 'a', 'Pending'), tokenRow('c-00000000000store', 'b', 'Pending'), tokenRow('c-0000000000000old', 'c', 'Superseded')])
          .execute();
        const outboxRow = (id: string, contactId: string, c: string, status: string, transport: string) => ({
          id,
          message_id: `m-${id}`,
          directory_id: 'rd-abcdef',
          contact_id: contactId,
          channel: 'email',
          purpose: 'verification',
          recipient: `${contactId}@example.com`,
          subject: 'Verify',
          body: `Open ${link(c)} to confirm.`,
          html_body: `<a href="${link(c)}">${link(c)}</a>`,
          link: link(c),
          transport,
          status,
          next_attempt_at: status === 'Queued' ? created : null,
          created_at: created,
        });
        await old
          .insertInto('outbox')
          .values([
            outboxRow('d-sent', 'c-000000000000sent', 'A', 'Sent', 'smtp'),
            outboxRow('d-stored', 'c-00000000000store', 'B', 'Stored', 'outbox'),
            outboxRow('d-old', 'c-0000000000000old', 'C', 'Queued', 'smtp'),
          ])
          .execute();
      } finally {
        await old.destroy();
      }

      const store = await openStore(url);
      try {
        assert.equal((await store.outbox.findById('d-stored'))?.link_expires_at, expires, 'pending and unsent: until its token expires');
        assert.equal((await store.outbox.findById('d-sent'))?.link_expires_at, created, 'sent: due at once');
        assert.equal((await store.outbox.findById('d-old'))?.link_expires_at, created, 'superseded: due at once');

        // The first sweep, before the pending token expires.
        assert.equal(await store.outbox.retireExpiredLinks('2026-01-01T12:00:00.000Z', 100, 'not sent: expired'), 2);
        for (const [id, c] of [['d-sent', 'A'], ['d-old', 'C']] as const) {
          const row = (await store.outbox.findById(id))!;
          const text = JSON.stringify(row);
          assert.ok(!text.includes(token(c)), `${id} holds no token`);
          assert.equal(row.link, `http://127.0.0.1:8080/verify/${c.repeat(6)}…`);
          assert.equal(row.body, `Open ${row.link} to confirm.`);
          assert.equal(row.html_body, `<a href="${row.link}">${row.link}</a>`);
          assert.equal(row.link_expires_at, null);
        }
        assert.equal((await store.outbox.findById('d-sent'))!.status, 'Sent');
        const old = (await store.outbox.findById('d-old'))!;
        assert.equal(old.status, 'Failed', 'a queued message whose link no longer works is not sent');
        assert.equal(old.last_error, 'not sent: expired');
        assert.equal((await store.outbox.findById('d-stored'))!.link, link('B'), 'the usable one keeps its link');

        // Its expiry comes.
        assert.equal(await store.outbox.retireExpiredLinks(expires, 100, 'not sent: expired'), 1);
        assert.ok(!JSON.stringify(await store.outbox.findById('d-stored')).includes(token('B')));
        assert.equal((await store.outbox.findById('d-stored'))!.status, 'Stored');
        assert.equal(await store.outbox.retireExpiredLinks(expires, 100, 'not sent: expired'), 0, 'nothing left');
      } finally {
        await store.close();
        await cleanup();
      }
    });
  });
}

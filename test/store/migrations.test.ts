/**
 * Upgrading a database keeps what it holds: a database left at an earlier migration, with data in
 * it, opens with the current schema and every row in place.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { openStore } from '../../src/store/store.js';

describe('migrations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rdcontacts-migrate-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('0003 keeps the audit trail in its order and every contact message type', async () => {
    const file = join(dir, 'at-0002.db');
    const old = new Kysely<any>({ dialect: new SqliteDialect({ database: new SQLite(file) }) });
    const { error } = await new Migrator({ db: old, provider: migrationProvider }).migrateTo('0002_directory');
    assert.equal(error, undefined);
    // Random UUIDs did not sort in time order; created_at did, with the id breaking ties.
    const events = [
      { id: 'f0000000-0000-4000-8000-000000000000', created_at: '2026-01-01T00:00:00.000Z', action: 'AddMessageContact' },
      { id: '10000000-0000-4000-8000-000000000000', created_at: '2026-01-01T00:00:01.000Z', action: 'UpdateMessageContact' },
      { id: '20000000-0000-4000-8000-000000000000', created_at: '2026-01-01T00:00:01.000Z', action: 'CancelMessageContactUpdate' },
      { id: '00000000-0000-4000-8000-000000000000', created_at: '2026-01-01T00:00:02.000Z', action: 'DeleteMessageContact' },
    ];
    for (const event of [...events].reverse()) {
      await old
        .insertInto('audit_events')
        .values({ ...event, directory_id: 'rd-abcdef', contact_id: 'c-0000000000000001', actor: 'LTAIkey', changes: '{}', request_id: null })
        .execute();
    }
    const types = [
      { contact_id: 'c-0000000000000001', message_type: 'AccountExpenses' },
      { contact_id: 'c-0000000000000001', message_type: 'SecurityMessage' },
      { contact_id: 'c-0000000000000002', message_type: 'ProductMessage' },
    ];
    await old.insertInto('contact_message_types').values(types).execute();
    await old.destroy();

    const store = await openStore(`sqlite:${file}`);
    try {
      const trail = await store.audit.list({ contactId: 'c-0000000000000001', limit: 10 });
      assert.deepEqual(
        trail.map((e) => [e.action, e.created_at]),
        events.map((e) => [e.action, e.created_at]),
      );
      assert.deepEqual(trail.map((e) => e.seq), [1, 2, 3, 4]);
      // A new event follows the old ones.
      await store.audit.insert({
        directory_id: 'rd-abcdef',
        contact_id: 'c-0000000000000001',
        action: 'AddMessageContact',
        actor: 'LTAIkey',
        changes: '{}',
        request_id: null,
        created_at: '2026-01-02T00:00:00.000Z',
      });
      assert.equal((await store.audit.list({ contactId: 'c-0000000000000001', limit: 10 })).at(-1)?.seq, 5);
    } finally {
      await store.close();
    }
    const reader = new SQLite(file, { readonly: true });
    try {
      assert.deepEqual(reader.prepare('select contact_id, message_type from contact_message_types order by 1, 2').all(), types);
    } finally {
      reader.close();
    }
  });
});

/**
 * How a database's schema meets this build, on every store: instances starting together migrate it
 * once and bootstrap one account between them; a database a newer release migrated still opens (a
 * rolling upgrade or a rollback); one that lacks this build's migrations and has unknown ones is
 * refused with a clear message; /readyz says ready only when the database answers and holds every
 * migration this build needs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { resolveConfig } from '../../src/config.js';
import { bootstrap } from '../../src/domain/organization.js';
import { systemClock } from '../../src/domain/time.js';
import { createApp } from '../../src/server/app.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { openStore, type Store } from '../../src/store/store.js';
import { backends } from '../support/backends.js';
import { freshSchema } from '../support/pg-schemas.js';

const known = Object.keys(await migrationProvider.getMigrations());
const latest = known.at(-1)!;

/** An empty database of one kind: its URL, a way to run SQL on it from outside, and cleanup. */
interface EmptyDatabase {
  url: string;
  exec(statement: string): Promise<void>;
  drop(): Promise<void>;
}

const tempDirs: string[] = [];
after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

async function emptyDatabase(kind: string): Promise<EmptyDatabase> {
  if (kind === 'postgres') return freshSchema();
  const dir = mkdtempSync(join(tmpdir(), 'rdcontacts-schema-'));
  tempDirs.push(dir);
  const file = join(dir, 'rd.db');
  return {
    url: `sqlite:${file}`,
    async exec(statement) {
      const db = new SQLite(file);
      try {
        db.exec(statement);
      } finally {
        db.close();
      }
    },
    async drop() {},
  };
}

for (const { name: kind } of backends) {
  describe(`the schema against this build (${kind})`, () => {
    test('several instances opening an empty database at once: migrated once, one account and one key', async () => {
      const database = await emptyDatabase(kind);
      // SQLite serves one process; its stores still open one after another here.
      const count = kind === 'postgres' ? 3 : 1;
      const stores = await Promise.all(Array.from({ length: count }, () => openStore(database.url)));
      try {
        for (const store of stores) assert.deepEqual(await store.schemaStatus(), { pending: [], newer: [] });
        const results = await Promise.all(stores.map((store) => bootstrap(store, systemClock)));
        assert.equal(new Set(results.map((r) => r.account.accountId)).size, 1, 'one management account');
        assert.equal(results.filter((r) => r.createdKey?.generated).length, 1, 'one generated key, printed by one instance');
        assert.equal((await stores[0]!.accessKeys.list()).length, 1);
      } finally {
        for (const store of stores) await store.close();
        await database.drop();
      }
    });

    test('a database a newer release migrated opens as it is, and says so', async () => {
      const database = await emptyDatabase(kind);
      try {
        const first = await openStore(database.url);
        const { account } = await bootstrap(first, systemClock);
        await first.close();
        await database.exec(`insert into kysely_migration (name, timestamp) values ('9999_from_a_newer_release', '2027-01-01T00:00:00.000Z')`);

        const store = await openStore(database.url);
        try {
          assert.deepEqual(await store.schemaStatus(), { pending: [], newer: ['9999_from_a_newer_release'] });
          assert.equal((await bootstrap(store, systemClock)).account.accountId, account.accountId, 'what it holds is in place');
          const app = createApp({ config: resolveConfig({}, {}), store, logger: false });
          const ready = await app.inject({ url: '/readyz' });
          assert.deepEqual([ready.statusCode, ready.json()], [200, { status: 'ready' }]);
          await app.close();
        } finally {
          await store.close();
        }

        // Lacking one of this build's migrations as well: refused, naming both.
        await database.exec(`delete from kysely_migration where name = '${latest}'`);
        await assert.rejects(openStore(database.url), (error: Error) => {
          assert.match(error.message, /migrated by another release \(9999_from_a_newer_release\)/);
          assert.match(error.message, new RegExp(`lacks migrations of this one \\(${latest}\\)`));
          return true;
        });
      } finally {
        await database.drop();
      }
    });

    test('/healthz and /readyz: ready with every migration; 503 when one is missing or the database does not answer', async () => {
      const database = await emptyDatabase(kind);
      let store: Store | undefined = await openStore(database.url);
      try {
        const app = createApp({ config: resolveConfig({}, {}), store, logger: false });
        const health = await app.inject({ url: '/healthz' });
        assert.deepEqual([health.statusCode, health.json()], [200, { status: 'ok' }]);
        const ready = await app.inject({ url: '/readyz' });
        assert.deepEqual([ready.statusCode, ready.json()], [200, { status: 'ready' }]);

        // A backup from before the last migration restored under a running instance.
        await database.exec(`delete from kysely_migration where name = '${latest}'`);
        const pending = await app.inject({ url: '/readyz' });
        assert.deepEqual([pending.statusCode, pending.json()], [503, { status: 'unavailable', reason: 'migrations pending', pending: [latest] }]);

        await store.close();
        store = undefined;
        const unreachable = await app.inject({ url: '/readyz' });
        assert.deepEqual([unreachable.statusCode, unreachable.json()], [503, { status: 'unavailable', reason: 'database unreachable' }]);
        assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200, 'the process itself is up');
        await app.close();
      } finally {
        await store?.close();
        await database.drop();
      }
    });
  });
}

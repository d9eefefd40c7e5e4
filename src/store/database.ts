/** Opens the database named by a `--database` URL and brings its schema up to date. */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';

export const defaultDatabaseUrl = 'sqlite:./data/rdcontacts.db';

export interface DatabaseLocation {
  dialect: 'sqlite';
  /** A file path, or `:memory:`. */
  path: string;
}

export function parseDatabaseUrl(url: string): DatabaseLocation {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!path) throw new Error(`database URL "${url}" names no file; use sqlite:<path>`);
    return { dialect: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    throw new Error('PostgreSQL is not supported yet; use sqlite:<path>');
  }
  throw new Error(`unsupported database URL "${url}"; use sqlite:<path>`);
}

export async function openDatabase(url: string): Promise<Kysely<Database>> {
  const location = parseDatabaseUrl(url);
  if (location.path !== ':memory:') {
    mkdirSync(dirname(resolve(location.path)), { recursive: true, mode: 0o700 });
    // The file holds AccessKey secrets: readable by its owner only. SQLite gives its -wal and -shm
    // files the same permissions.
    closeSync(openSync(location.path, 'a', 0o600));
  }
  const sqlite = new SQLite(location.path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  // Checkpoint the WAL every ~40 MB instead of every ~4 MB: each checkpoint syncs the database
  // file inside a COMMIT, so fewer of them take most of the tail latency off writes.
  sqlite.pragma('wal_autocheckpoint = 10000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  await migrate(db);
  return db;
}

async function migrate(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}

/**
 * Kysely's SQLite driver prepares every query anew; the SQL text of a query shape never changes
 * (values are bound parameters), so keep the prepared statements. Bounded, oldest dropped first.
 */
function withStatementCache(sqlite: SQLite.Database, max = 256) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare(sql: string): SQLite.Statement {
      let statement = cache.get(sql);
      if (statement === undefined) {
        statement = sqlite.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

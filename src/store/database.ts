/** Opens the database named by a `--database` URL and brings its schema up to date. */
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, type QueryResult, SqliteDialect, sql } from 'kysely';
import { isSqlite } from './dialect.js';
import { migrationProvider } from './migrations/index.js';
import { namePreparedStatements } from './prepared-statements.js';
import type { Database } from './schema.js';

export const defaultDatabaseUrl = 'sqlite:./data/rdcontacts.db';

export type DatabaseLocation =
  | {
      dialect: 'sqlite';
      /** A file path, or `:memory:`. */
      path: string;
    }
  | { dialect: 'postgres'; url: string };

/**
 * A database that cannot be opened as its URL says: a URL of no supported kind, a missing file, a
 * server that does not answer, a schema rdcontacts did not make. Its message is one line, fit for
 * an operator, and never holds a password.
 */
export class DatabaseError extends Error {}

/** What a database URL may be, for the messages that refuse one. */
export const databaseUrlForms =
  'sqlite:<path> (sqlite::memory: for a throw-away store) or postgres://user[:password]@host:port/database';

export function parseDatabaseUrl(url: string): DatabaseLocation {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (path) return { dialect: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: 'postgres', url };
  throw new DatabaseError(`database must be ${databaseUrlForms}, not "${redactUrl(url)}"`);
}

/** An error's own words on one line (a connection refused on every address has only a code). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const inner = error instanceof AggregateError ? error.errors.map(describeError).join('; ') : '';
  const text = error.message || inner || (error as NodeJS.ErrnoException).code || error.name;
  return text.replace(/\s+/g, ' ').trim();
}

/** A database URL fit for a log line or an error: without its password. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, '$1:[hidden]@');
}

export interface OpenOptions {
  /**
   * SQLite's `synchronous` pragma. `full` (the default) syncs the write-ahead log at every commit,
   * so an answered write survives a power loss or an OS crash; `normal` syncs only at checkpoints:
   * an answered write survives a crash of the process, not of the machine.
   */
  sqliteSynchronous?: 'full' | 'normal';
  /**
   * Whether a database may be made here (the default; `serve` and the tests). Without it only a
   * database rdcontacts already made opens: a SQLite file that exists and holds its migrations, a
   * PostgreSQL schema that holds them; a missing file (whose directory is not made either), an
   * in-memory store and an empty schema are refused with a DatabaseError. The other commands of
   * the CLI open their database so, and a mistyped path never becomes a new empty database.
   */
  create?: boolean;
}

const onlyServeCreates = 'only "rdcontacts serve" creates one';

export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Kysely<Database>> {
  const location = parseDatabaseUrl(url);
  const create = options.create ?? true;
  if (location.dialect === 'postgres') return openPostgres(location.url, create);
  const sqlite = openSqlite(location.path, create);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`synchronous = ${options.sqliteSynchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    // Checkpoint the WAL every ~40 MB instead of every ~4 MB: each checkpoint syncs the database
    // file inside a COMMIT, so fewer of them take most of the tail latency off writes.
    sqlite.pragma('wal_autocheckpoint = 10000');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
  } catch (error) {
    sqlite.close();
    throw new DatabaseError(`cannot open the SQLite database ${location.path}: ${describeError(error)}`);
  }
  const writes = { count: 0 };
  const statements = withStatementCache(sqlite, writes);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: statements }) });
  try {
    await migrate(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  direct.set(db, sqliteDirect(sqlite, statements, writes));
  return db;
}

/**
 * Opens the SQLite file (made first, with its directory, when `create`), or refuses one that
 * rdcontacts did not make: before anything is written to it, not even its journal mode.
 */
function openSqlite(path: string, create: boolean): SQLite.Database {
  if (path === ':memory:') {
    if (create) return new SQLite(path);
    throw new DatabaseError('sqlite::memory: is a throw-away store that lives in one process: name the file that serve uses');
  }
  if (!create && !existsSync(path)) throw new DatabaseError(`no database at ${path}: ${onlyServeCreates}`);
  let sqlite: SQLite.Database | undefined;
  try {
    if (create) {
      mkdirSync(dirname(resolve(path)), { recursive: true, mode: 0o700 });
      // The file holds AccessKey secrets: readable by its owner only. SQLite gives its -wal and
      // -shm files the same permissions.
      closeSync(openSync(path, 'a', 0o600));
    }
    sqlite = new SQLite(path, { fileMustExist: !create });
    if (!create && sqlite.prepare(`select 1 from sqlite_master where type = 'table' and name = ?`).get(migrationTable) === undefined) {
      throw new DatabaseError(`${path} is not an rdcontacts database (it holds none of its tables): ${onlyServeCreates}`);
    }
    return sqlite;
  } catch (error) {
    sqlite?.close();
    if (error instanceof DatabaseError) throw error;
    throw new DatabaseError(`cannot open the SQLite database ${path}: ${describeError(error)}`);
  }
}

/**
 * What the store may do below Kysely on a database opened here (a seam: other dialects have none,
 * and the store then goes through Kysely for everything).
 */
export interface DirectAccess {
  /**
   * Runs a compiled query at once when no transaction holds the connection, skipping Kysely's
   * connection hand-off; undefined when one does (the caller then waits its turn through Kysely).
   */
  run(sql: string, parameters: readonly unknown[]): QueryResult<any> | undefined;
  /**
   * Runs a compiled query inside a transaction begun by `transaction` (the caller holds Kysely's
   * connection, so nothing else can be running on it).
   */
  runInTransaction(sql: string, parameters: readonly unknown[]): QueryResult<any>;
  /**
   * Runs several transactions with one commit (group commit): BEGIN, then each of `works` in
   * turn inside its own savepoint (rolled back to when that work fails, so its writes are undone and
   * the others keep theirs), then one COMMIT. Each work sees the writes of those before it, as if
   * they had committed just before it began. Settles each work: its result only once the COMMIT
   * succeeded; its own error if it failed; the COMMIT's error (or the error that ended the whole
   * transaction) for all of them if nothing could be committed. The caller must hold Kysely's
   * connection (`db.connection().execute`) for the whole call, so that no Kysely query or
   * transaction can interleave with it.
   */
  transactions(works: readonly (() => Promise<unknown>)[]): Promise<PromiseSettledResult<unknown>[]>;
  /**
   * A number that changes whenever what a read returns may have changed since the last call: this
   * connection ran anything but a read (a write, BEGIN, COMMIT, ROLLBACK, through Kysely or not),
   * or, unless `ownOnly`, another connection (another process: the CLI) committed.
   */
  changes(ownOnly?: boolean): number;
  /** Whether a transaction is open on this connection (its reads may see uncommitted writes). */
  inTransaction(): boolean;
}

const direct = new WeakMap<Kysely<any>, DirectAccess>();

export function directAccessOf(db: Kysely<any>): DirectAccess | undefined {
  return direct.get(db);
}

/** Counts the statements run on a connection that are not reads. */
interface WriteCounter {
  count: number;
}

function sqliteDirect(
  sqlite: SQLite.Database,
  statements: { prepare(sql: string): SQLite.Statement },
  writes: WriteCounter,
): DirectAccess {
  const dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
  let seenDataVersion: unknown;
  let checkedThisTurn = false;
  // IMMEDIATE: take the write lock at once, so a commit by another process (the CLI) between this
  // transaction's first read and its first write cannot fail it with SQLITE_BUSY.
  const begin = sqlite.prepare('begin immediate');
  const commit = sqlite.prepare('commit');
  const rollback = sqlite.prepare('rollback');
  const savepoint = sqlite.prepare('savepoint unit');
  const release = sqlite.prepare('release unit');
  const rollbackToSavepoint = sqlite.prepare('rollback to unit');
  const execute = (sql: string, parameters: readonly unknown[]): QueryResult<any> => {
    const statement = statements.prepare(sql);
    if (statement.reader) return { rows: statement.all(parameters) };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
  };
  const rollbackIfOpen = () => {
    // SQLite may already have rolled back on its own (some errors end the transaction).
    if (sqlite.inTransaction) rollback.run();
  };
  return {
    run(sql, parameters) {
      // Between BEGIN and COMMIT of a transaction, which may await between its statements:
      // running here would read its uncommitted writes or slip a statement into it.
      if (sqlite.inTransaction) return undefined;
      return execute(sql, parameters);
    },
    runInTransaction(sql, parameters) {
      if (!sqlite.inTransaction) throw new Error('runInTransaction: no transaction is open');
      return execute(sql, parameters);
    },
    async transactions(works) {
      if (sqlite.inTransaction) throw new Error('transactions: a transaction is already open');
      writes.count += 1;
      begin.run();
      const settled: PromiseSettledResult<unknown>[] = [];
      try {
        for (const work of works) {
          savepoint.run();
          try {
            settled.push({ status: 'fulfilled', value: await work() });
            release.run();
          } catch (error) {
            // SQLite may have ended the whole transaction (disk full, I/O error): then nothing
            // of this group can land.
            if (!sqlite.inTransaction) throw error;
            rollbackToSavepoint.run();
            release.run();
            settled.push({ status: 'rejected', reason: error });
          }
        }
        commit.run();
        return settled;
      } catch (error) {
        rollbackIfOpen();
        return works.map(() => ({ status: 'rejected', reason: error }));
      } finally {
        writes.count += 1;
      }
    },
    changes(ownOnly = false) {
      if (ownOnly || checkedThisTurn) return writes.count;
      // Once per turn of the event loop: what arrived in one turn (the requests read from the
      // sockets that were ready together) is concurrent with any commit made meanwhile, and whatever
      // arrives later is looked at in a later turn, after a new check.
      checkedThisTurn = true;
      setImmediate(() => {
        checkedThisTurn = false;
      });
      const version = dataVersion.get();
      if (version !== seenDataVersion) {
        seenDataVersion = version;
        writes.count += 1;
      }
      return writes.count;
    },
    inTransaction: () => sqlite.inTransaction,
  };
}

/** PostgreSQL: a pool of connections; the schema is brought up to date by one instance at a time. */
async function openPostgres(url: string, create: boolean): Promise<Kysely<Database>> {
  // Loaded only for PostgreSQL: SQLite users and every CLI command start faster without it.
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle connection that the server or the network dropped must not take the process down.
  pool.on('error', () => {});
  namePreparedStatements(pool);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    try {
      await sql`select 1`.execute(db);
    } catch (error) {
      throw new DatabaseError(`cannot connect to the database ${redactUrl(url)}: ${describeError(error)}`);
    }
    await migrateUnderAdvisoryLock(db, create, url);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}

/** Any fixed number: the key of the advisory lock that only the migrating instance holds. */
const migrationLockKey = 727_261_843;

/**
 * Instances that start together wait for the one that migrates: the lock is held on a connection
 * of its own for the whole migration, and released (or dropped with the connection, if the
 * process dies) at the end.
 */
async function migrateUnderAdvisoryLock(db: Kysely<Database>, create: boolean, url: string): Promise<void> {
  await exclusively(db, migrationLockKey, async () => {
    // Kysely looks for its own tables in every schema unless told which one: name ours (the
    // first of the search path), so that another rdcontacts in another schema is not mistaken
    // for this one.
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    const schema = rows[0]?.schema ?? 'public';
    if (!create && (await appliedMigrations(db)).length === 0) {
      throw new DatabaseError(`no rdcontacts database in schema "${schema}" of ${redactUrl(url)}: ${onlyServeCreates}`);
    }
    await migrate(db, schema);
  });
}

/** Where the database's schema stands against the migrations this build knows. */
export interface SchemaStatus {
  /** Migrations of this build not applied to the database yet (this build cannot run on it). */
  pending: string[];
  /**
   * Migrations applied to the database that this build does not know: a newer release migrated
   * it. This build runs on it as it is (migrations only ever add; see docs/deployment.md).
   */
  newer: string[];
}

/** Kysely's own table of applied migrations. */
const migrationTable = 'kysely_migration';

/** The names of the migrations applied to the database (none when rdcontacts never migrated it). */
async function appliedMigrations(db: Kysely<any>): Promise<string[]> {
  const exists = isSqlite(db)
    ? await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name = ${migrationTable}`.execute(db)
    : await sql<{ name: string }>`select ${migrationTable} as name where to_regclass(current_schema() || '.' || ${migrationTable}) is not null`.execute(db);
  return exists.rows.length === 0 ? [] : (await db.selectFrom(migrationTable).select('name').execute()).map((row) => row.name as string);
}

export async function schemaStatus(db: Kysely<any>): Promise<SchemaStatus> {
  const known = Object.keys(await migrationProvider.getMigrations());
  const applied = await appliedMigrations(db);
  return {
    pending: known.filter((name) => !applied.includes(name)),
    newer: applied.filter((name) => !known.includes(name)).sort(),
  };
}

/**
 * Brings the schema up to date. A database that a newer release already migrated is left as it
 * is, so that an instance of the previous release can still start during a rolling upgrade (or
 * a rollback); one that lacks migrations of this build and has others it does not know is refused.
 */
async function migrate(db: Kysely<Database>, migrationTableSchema?: string): Promise<void> {
  const status = await schemaStatus(db);
  if (status.newer.length > 0) {
    if (status.pending.length === 0) return;
    throw new DatabaseError(
      `the database was migrated by another release (${status.newer.join(', ')}) and lacks migrations of this one ` +
        `(${status.pending.join(', ')}); run the release that migrated it`,
    );
  }
  const migrator = new Migrator({ db, provider: migrationProvider, ...(migrationTableSchema ? { migrationTableSchema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    throw new DatabaseError(`database migration ${failed?.migrationName ?? ''} failed: ${describeError(error)}`);
  }
}

/**
 * Runs `work` while holding a PostgreSQL advisory lock on a connection of its own (the work itself
 * may use any connection): instances that do the same wait their turn. The lock is a fixed key or
 * a name (hashed), and goes with the connection if the process dies. SQLite serves one process:
 * the work just runs.
 */
export async function exclusively<T>(db: Kysely<any>, lock: number | string, work: () => Promise<T>): Promise<T> {
  if (isSqlite(db)) return work();
  const key = typeof lock === 'number' ? sql`${lock}` : sql`hashtext(${lock})`;
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${key})`.execute(connection);
    try {
      return await work();
    } finally {
      await sql`select pg_advisory_unlock(${key})`.execute(connection);
    }
  });
}

/**
 * Kysely's SQLite driver prepares every query anew; the SQL text of a query shape never changes
 * (values are bound parameters), so keep the prepared statements. Bounded, oldest dropped first.
 * Every query is prepared here just before it runs, Kysely's and the store's own alike, so this is
 * also where the statements that are not reads are counted.
 */
function withStatementCache(sqlite: SQLite.Database, writes: WriteCounter, max = 256) {
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
      if (!statement.reader) writes.count += 1;
      return statement;
    },
  };
}

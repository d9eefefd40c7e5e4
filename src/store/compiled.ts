/**
 * Queries built and compiled once, then run with new values. Kysely's builder and compiler cost
 * more than SQLite takes to run these small queries, and the SQL of a query shape never changes.
 * One cache per store: the SQL depends on the dialect.
 */
import type { CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { DirectAccess } from './database.js';

/** At most this many transactions share one commit, so that none waits long behind the others. */
const maxGroup = 64;

interface QueuedTransaction {
  db: Kysely<any>;
  work: (executor: Kysely<any>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/** Stands for the value `name` in a query built for `CompiledQueries.run`. */
export const slot = (name: string): string => `\u0000${name}`;

const isSlot = (value: unknown): value is string => typeof value === 'string' && value.startsWith('\u0000');

export class CompiledQueries {
  private readonly cache = new Map<string, CompiledQuery>();

  /**
   * Rows the hot reads keep in memory, shared like the queries by the store and its transactions:
   * AccessKeys with their directory by id, visible contacts by directory and id, and a contact's
   * bindings by contact id.
   */
  readonly cached: { accessKeys: RowCache<unknown>; contacts: RowCache<unknown>; contactBindings: RowCache<unknown> };

  /** `direct`: how to run a query below Kysely on the store's database, when its dialect has a way. */
  constructor(private readonly direct?: DirectAccess) {
    this.cached = { accessKeys: new RowCache(direct), contacts: new RowCache(direct), contactBindings: new RowCache(direct) };
  }

  /** Executors bound to the connection while `transaction` has a transaction open on it. */
  private readonly inDirectTransaction = new WeakSet<Kysely<any>>();

  /** Transactions waiting for the next group commit, and whether one is on its way. */
  private readonly queued: QueuedTransaction[] = [];
  private grouping = false;

  /**
   * Runs `work` in one transaction: all of its writes land, or none do. With a way below Kysely
   * (SQLite here), transactions asked for while others run, or in the same turn of the event loop,
   * share one COMMIT (group commit), each in its own savepoint, so that a busy server writes each
   * page once per group instead of once per call; a transaction's promise settles only after its
   * group has committed. The group holds Kysely's only connection throughout (no Kysely query or
   * transaction can interleave) and runs the compiled queries of each work straight on it.
   * Otherwise, a Kysely transaction.
   */
  async transaction<D, T>(db: Kysely<D>, work: (executor: Kysely<D>) => Promise<T>): Promise<T> {
    if (this.direct === undefined) return db.transaction().execute((tx) => work(tx));
    return new Promise<T>((resolve, reject) => {
      this.queued.push({ db, work, resolve, reject } as QueuedTransaction);
      if (!this.grouping) {
        this.grouping = true;
        // After the requests of this turn of the event loop have asked for theirs.
        setImmediate(() => void this.commitGroups(this.direct!));
      }
    });
  }

  private async commitGroups(direct: DirectAccess): Promise<void> {
    while (this.queued.length > 0) {
      const group = this.queued.splice(0, maxGroup);
      let settled: PromiseSettledResult<unknown>[];
      try {
        // One store, one database: every queued transaction names the same one.
        settled = await group[0]!.db.connection().execute(async (connection) => {
          this.inDirectTransaction.add(connection);
          try {
            return await direct.transactions(group.map((queued) => () => queued.work(connection)));
          } finally {
            this.inDirectTransaction.delete(connection);
          }
        });
      } catch (error) {
        // No connection to be had (the store is closing), or no transaction could begin.
        settled = group.map(() => ({ status: 'rejected', reason: error }));
      }
      settled.forEach((outcome, i) => {
        if (outcome.status === 'fulfilled') group[i]!.resolve(outcome.value);
        else group[i]!.reject(outcome.reason);
      });
    }
    this.grouping = false;
  }

  /**
   * Runs the query `name` on `db` (the database or a transaction). `build` is called once per name;
   * it must put `slot(key)` wherever a value of `values` goes, and its shape must depend on `name` only.
   */
  async run<R>(
    db: Kysely<any>,
    name: string,
    build: () => { compile(): CompiledQuery },
    values: Readonly<Record<string, unknown>>,
  ): Promise<QueryResult<R>> {
    let compiled = this.cache.get(name);
    if (compiled === undefined) {
      compiled = build().compile();
      this.cache.set(name, compiled);
    }
    const parameters = compiled.parameters.map((p) => {
      if (!isSlot(p)) return p;
      const key = p.slice(1);
      if (!(key in values)) throw new Error(`query ${name}: no value for ${key}`);
      return values[key];
    });
    if (this.direct !== undefined && !db.isTransaction) {
      if (this.inDirectTransaction.has(db)) return this.direct.runInTransaction(compiled.sql, parameters) as QueryResult<R>;
      const result = this.direct.run(compiled.sql, parameters);
      if (result !== undefined) return result as QueryResult<R>;
    }
    return db.executeQuery<R>({ ...compiled, parameters });
  }
}

/**
 * Rows kept in memory for as long as nothing may have changed them: emptied whenever the database
 * may have changed since it was filled (any statement of this process that is not a read, or a
 * commit by another process: `DirectAccess.changes`). Rows read inside a transaction are not kept:
 * they may hold writes that are rolled back. Without a way to notice changes (a dialect with no
 * such seam, such as a database shared by several processes), it keeps nothing.
 */
export class RowCache<V> {
  private readonly rows = new Map<string, V>();
  private seenChanges: number | undefined;

  constructor(
    private readonly database: Pick<DirectAccess, 'changes' | 'inTransaction'> | undefined,
    private readonly max = 10_000,
  ) {}

  /** The cached row, or undefined; `fill` then stores what it reads, if nothing changed meanwhile. */
  get(key: string): { row: V | undefined; fill: (row: V) => void } {
    const database = this.database;
    if (database === undefined) return { row: undefined, fill: () => {} };
    const changes = database.changes();
    if (changes !== this.seenChanges) {
      this.seenChanges = changes;
      this.rows.clear();
    }
    return {
      row: this.rows.get(key),
      fill: (read: V) => {
        // Another process's commit meanwhile may or may not show in `read`; the next `get` notices it.
        if (database.inTransaction() || database.changes(true) !== changes) return;
        if (this.rows.size >= this.max) this.rows.clear();
        this.rows.set(key, read);
      },
    };
  }
}

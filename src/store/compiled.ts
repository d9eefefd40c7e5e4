/**
 * Queries built and compiled once, then run with new values. Kysely's builder and compiler cost
 * more than SQLite takes to run these small queries, and the SQL of a query shape never changes.
 * One cache per store: the SQL depends on the dialect.
 */
import type { CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { DirectAccess } from './database.js';

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

  /**
   * Runs `work` in one transaction. With a way below Kysely (SQLite here), it holds Kysely's only
   * connection for the whole transaction (so no Kysely query or transaction can interleave), runs
   * BEGIN and COMMIT on it directly, and runs the compiled queries of `work` straight on it too;
   * the other queries of `work` go through Kysely on that same connection. Otherwise, a Kysely
   * transaction.
   */
  async transaction<D, T>(db: Kysely<D>, work: (executor: Kysely<D>) => Promise<T>): Promise<T> {
    const direct = this.direct;
    if (direct === undefined) return db.transaction().execute((tx) => work(tx));
    return db.connection().execute(async (connection) => {
      this.inDirectTransaction.add(connection);
      try {
        return await direct.transaction(() => work(connection));
      } finally {
        this.inDirectTransaction.delete(connection);
      }
    });
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

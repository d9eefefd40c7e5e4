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

  /** AccessKeys (with their directory) by id; shared, like the queries, by the store and its transactions. */
  readonly accessKeys: RowCache<unknown>;

  /** `direct`: how to run a query below Kysely on the store's database, when its dialect has a way. */
  constructor(private readonly direct?: DirectAccess) {
    this.accessKeys = new RowCache(direct?.foreignCommits);
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
 * Rows kept in memory for as long as nothing may have changed them: emptied when this process writes
 * to them (`invalidate`, called by the repository around each write) and when another process has
 * committed to the database (`foreignCommits` changed). Without a way to notice the other
 * processes (a dialect with no such seam), it keeps nothing.
 */
export class RowCache<V> {
  private readonly rows = new Map<string, V>();
  private generation = 0;
  private seenCommits: number | undefined;

  constructor(
    private readonly foreignCommits: (() => number) | undefined,
    private readonly max = 10_000,
  ) {}

  /** The cached row, or undefined; `fill` then stores what it reads, if nothing changed meanwhile. */
  get(key: string): { row: V | undefined; fill: (row: V) => void } {
    if (this.foreignCommits === undefined) return { row: undefined, fill: () => {} };
    const commits = this.foreignCommits();
    if (commits !== this.seenCommits) {
      this.seenCommits = commits;
      this.invalidate();
    }
    const row = this.rows.get(key);
    const generation = this.generation;
    return {
      row,
      fill: (read: V) => {
        if (generation !== this.generation) return;
        if (this.rows.size >= this.max) this.rows.clear();
        this.rows.set(key, read);
      },
    };
  }

  invalidate(): void {
    this.generation += 1;
    this.rows.clear();
  }
}

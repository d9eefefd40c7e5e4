/**
 * Queries built and compiled once, then run with new values. Kysely's builder and compiler cost
 * more than SQLite takes to run these small queries, and the SQL of a query shape never changes.
 * One cache per store: the SQL depends on the dialect.
 */
import type { CompiledQuery, Kysely, QueryResult } from 'kysely';

/** Stands for the value `name` in a query built for `CompiledQueries.run`. */
export const slot = (name: string): string => `\u0000${name}`;

const isSlot = (value: unknown): value is string => typeof value === 'string' && value.startsWith('\u0000');

export class CompiledQueries {
  private readonly cache = new Map<string, CompiledQuery>();

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
    return db.executeQuery<R>({ ...compiled, parameters });
  }
}

/** The store: the one interface the domain and the wire reach persistence through. */
import type { Kysely } from 'kysely';
import { isSqlite } from './dialect.js';
import { type OpenOptions, type SchemaStatus, directAccessOf, exclusively, openDatabase, schemaStatus } from './database.js';
import { CompiledQueries } from './compiled.js';
import { type Repositories, repositories } from './repositories.js';
import type { Database } from './schema.js';
import type { AuditListener, NewAuditEvent } from './audit-repository.js';

export interface Store extends Repositories {
  /**
   * Whether other processes may serve the same database (PostgreSQL): what one process keeps in
   * memory (nonces, throttles) must then live in the database.
   */
  readonly shared: boolean;
  /** Runs `work` in one transaction: all of its writes land, or none do. */
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
  /**
   * Runs `work` while no other instance runs work under the same name (PostgreSQL: a session
   * advisory lock), for what must happen once however many instances start together.
   */
  exclusively<T>(name: string, work: () => Promise<T>): Promise<T>;
  /**
   * Hears of every audit event this process writes, once its transaction has committed (never of
   * one rolled back): the logs and metrics of changes. A listener that throws is not heard again
   * for that event, and never fails the write.
   */
  observeAudit(listener: AuditListener): void;
  /** Where the schema stands against this build's migrations; throws when the database does not answer. */
  schemaStatus(): Promise<SchemaStatus>;
  close(): Promise<void>;
}

export function storeOver(db: Kysely<Database>): Store {
  const queries = new CompiledQueries(directAccessOf(db));
  const listeners: AuditListener[] = [];
  const tell = (event: NewAuditEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own: the event is written.
      }
    }
  };
  return {
    ...repositories(db, queries, tell),
    shared: !isSqlite(db),
    async transaction(work) {
      let inserted: NewAuditEvent[] = [];
      const result = await queries.transaction(db, (tx) => {
        // A work run again (a retried transaction) starts over: what its first run wrote is gone.
        inserted = [];
        return work(repositories(tx, queries, (event) => inserted.push(event)));
      });
      for (const event of inserted) tell(event);
      return result;
    },
    observeAudit: (listener) => void listeners.push(listener),
    exclusively: (name, work) => exclusively(db, name, work),
    schemaStatus: () => schemaStatus(db),
    close: () => db.destroy(),
  };
}

export async function openStore(databaseUrl: string, options: OpenOptions = {}): Promise<Store> {
  return storeOver(await openDatabase(databaseUrl, options));
}

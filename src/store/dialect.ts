/** Which kind of database a Kysely instance talks to, for the few places where that matters. */
import { type Kysely, SqliteAdapter } from 'kysely';

export const isSqlite = (db: Kysely<any>): boolean => db.getExecutor().adapter instanceof SqliteAdapter;

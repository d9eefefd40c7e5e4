/** The `--database` option every command takes, and opening the store it names. */
import { Option } from 'commander';
import { resolveDatabaseUrl, settingHelp, settings } from '../config.js';
import { openStore } from '../store/store.js';
import type { Store } from '../store/store.js';

export const databaseOption = () => new Option(settings.database.flag, `database URL: ${settingHelp(settings.database)}`);

export const jsonOption = () => new Option('--json', 'print JSON with the API field names');

/** The database URL of a command: its flag, else RDC_DATABASE, else the default; refused when of no supported kind. */
export function databaseUrl(options: { database?: string }): string {
  return resolveDatabaseUrl(options.database);
}

/**
 * Opens the store of a command other than `serve`, runs `work`, and always closes it. Only `serve`
 * creates a database: a missing SQLite file, `sqlite::memory:` and an empty PostgreSQL schema are
 * refused (a DatabaseError), so a mistyped path never becomes a new empty database.
 */
export async function withStore<T>(options: { database?: string }, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(databaseUrl(options), { create: false });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

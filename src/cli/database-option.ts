/** The `--database` option every command takes, and opening the store it names. */
import { Option } from 'commander';
import { defaults, settings } from '../config.js';
import { openStore } from '../store/store.js';
import type { Store } from '../store/store.js';

export const databaseOption = () =>
  new Option(settings.database.flag, `database URL, ${settings.database.help} (env ${settings.database.env}, default ${defaults.databaseUrl})`);

export const jsonOption = () => new Option('--json', 'print JSON with the API field names');

export function databaseUrl(options: { database?: string }): string {
  return options.database ?? (process.env[settings.database.env] || defaults.databaseUrl);
}

/** Opens the store, runs `work`, and always closes it. */
export async function withStore<T>(options: { database?: string }, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(databaseUrl(options));
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

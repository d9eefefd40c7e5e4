/** Schema migrations, in order. Each runs once, inside Kysely's migrator, on every dialect. */
import type { Migration, MigrationProvider } from 'kysely';
import { core } from './0001-core.js';
import { directory } from './0002-directory.js';

const migrations: Record<string, Migration> = {
  '0001_core': core,
  '0002_directory': directory,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};

/**
 * `rdcontacts backup <file>`: a consistent copy of a SQLite database, taken while the service runs
 * (SQLite's online backup), readable by its owner only: it holds AccessKey secrets. PostgreSQL is
 * backed up with its own tools (pg_dump); see docs/deployment.md.
 */
import { closeSync, existsSync, openSync, rmSync } from 'node:fs';
import { Command } from 'commander';
import SQLite from 'better-sqlite3';
import { parseDatabaseUrl } from '../store/database.js';
import { databaseOption, databaseUrl, jsonOption } from './database-option.js';
import { CliError, printJson } from './output.js';

export function backupCommand(): Command {
  return new Command('backup')
    .description('copy a SQLite database to a new file, consistently, while the service runs')
    .argument('<file>', 'the backup file to create (it must not exist)')
    .addOption(databaseOption())
    .addOption(jsonOption())
    .action(async (file: string, options: { database?: string; json?: boolean }) => {
      const location = parseDatabaseUrl(databaseUrl(options));
      if (location.dialect === 'postgres') {
        throw new CliError('PostgreSQL is backed up with its own tools: pg_dump --format=custom (see docs/deployment.md)');
      }
      if (location.path === ':memory:') throw new CliError('sqlite::memory: is an in-memory database, which has nothing to back up');
      if (!existsSync(location.path)) throw new CliError(`no database at ${location.path}: only "rdcontacts serve" creates one`);
      let target: number;
      try {
        // Created here, empty and owner-only, so that the copy never exists with wider permissions.
        target = openSync(file, 'wx', 0o600);
      } catch (error) {
        throw new CliError(`cannot create ${file}: ${(error as NodeJS.ErrnoException).code === 'EEXIST' ? 'it exists' : (error as Error).message}`);
      }
      closeSync(target);
      const source = new SQLite(location.path, { readonly: true, fileMustExist: true });
      try {
        const { totalPages } = await source.backup(file);
        if (options.json) printJson({ Database: location.path, BackupFile: file, Pages: totalPages });
        else process.stdout.write(`Backed up ${location.path} to ${file} (${totalPages} pages).\n`);
      } catch (error) {
        rmSync(file, { force: true });
        throw new CliError(`backup failed: ${(error as Error).message}`);
      } finally {
        source.close();
      }
    });
}

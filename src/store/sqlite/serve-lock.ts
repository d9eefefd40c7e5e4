/**
 * One `serve` per SQLite file. A serving process keeps nonces and throttling in its memory, so a
 * second one on the same file would accept what the first refuses. The lock is a side file,
 * `<database>.lock`, opened as a SQLite database of its own in `locking_mode = EXCLUSIVE` with its
 * write lock taken and never given back: the kernel holds that lock (fcntl) for the process and
 * drops it when the process ends, however it ends (kill -9 included), so a stale lock never
 * outlives its holder. The database file itself stays open to the CLI (admin, outbox, backup).
 */
import { closeSync, mkdirSync, openSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { DatabaseError, describeError } from '../database.js';

export interface ServeLock {
  /** The lock file. */
  readonly file: string;
  release(): void;
}

/** The lock file of a SQLite database file: beside it, named after it (its directory's real path). */
export function serveLockFile(databasePath: string): string {
  const directory = dirname(resolve(databasePath));
  let real = directory;
  try {
    real = realpathSync(directory);
  } catch {
    // not made yet: it is made with the lock file
  }
  return join(real, `${basename(databasePath)}.lock`);
}

/** Takes the lock of `databasePath`, or throws a DatabaseError saying that another serve holds it. */
export function lockForServe(databasePath: string): ServeLock {
  const file = serveLockFile(databasePath);
  let lock: SQLite.Database | undefined;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    closeSync(openSync(file, 'a', 0o600));
    // No wait: a lock that is held is refused at once.
    lock = new SQLite(file, { timeout: 0 });
    lock.pragma('journal_mode = MEMORY');
    lock.pragma('locking_mode = EXCLUSIVE');
    // In exclusive locking mode the write lock taken here is kept after the commit.
    lock.exec('begin exclusive; commit');
  } catch (error) {
    lock?.close();
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') {
      throw new DatabaseError(
        `another "rdcontacts serve" runs on ${databasePath} (it holds ${file}): one serve per SQLite file; use PostgreSQL for several instances`,
      );
    }
    throw new DatabaseError(`cannot take the lock ${file} of ${databasePath}: ${describeError(error)}`);
  }
  const held = lock;
  return { file, release: () => held.close() };
}

/**
 * An acknowledged write on SQLite survives a power loss by default: the database runs with
 * `synchronous = FULL`, which syncs the write-ahead log at every commit. `--sqlite-synchronous
 * normal` (RDC_SQLITE_SYNCHRONOUS) trades that for speed: a commit then survives a crash of the
 * process only.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { resolveConfig } from '../../src/config.js';
import { openDatabase } from '../../src/store/database.js';

/** SQLite's own numbers for the pragma. */
const FULL = 2;
const NORMAL = 1;

describe('SQLite durability', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rdc-durability-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function synchronousOf(file: string, options?: Parameters<typeof openDatabase>[1]): Promise<number> {
    const db = await openDatabase(`sqlite:${join(dir, file)}`, options);
    try {
      const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(db);
      return Number(rows[0]?.synchronous);
    } finally {
      await db.destroy();
    }
  }

  test('a database opened with no setting syncs every commit (synchronous FULL)', async () => {
    assert.equal(await synchronousOf('default.db'), FULL);
  });

  test('the configuration defaults to full, and normal is the documented trade', async () => {
    assert.equal(resolveConfig({}, {}).sqliteSynchronous, 'full');
    assert.equal(resolveConfig({}, { RDC_SQLITE_SYNCHRONOUS: 'normal' }).sqliteSynchronous, 'normal');
    assert.equal(resolveConfig({ sqliteSynchronous: 'normal' }, {}).sqliteSynchronous, 'normal');
    assert.equal(await synchronousOf('full.db', { sqliteSynchronous: 'full' }), FULL);
    assert.equal(await synchronousOf('normal.db', { sqliteSynchronous: 'normal' }), NORMAL);
  });
});

/**
 * Only `serve` creates a database. `admin …` and `outbox` refuse a missing SQLite file (and make
 * no directory for it), `sqlite::memory:`, a file rdcontacts did not make and an empty PostgreSQL
 * schema, as `backup` refuses a missing file; on a database serve made, an empty listing says so.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { freshSchema } from '../support/pg-schemas.js';
import { isOneLineError, migratedDatabase, removeTempDirs, runCli, show, tempDir } from './helpers.js';

const schemas: { drop: () => Promise<void> }[] = [];
after(async () => {
  await Promise.all(schemas.map((schema) => schema.drop()));
  await removeTempDirs();
});

/** The commands that only open a database. */
const readers: [string, string[]][] = [
  ['admin accounts create', ['admin', 'accounts', 'create']],
  ['admin accounts list', ['admin', 'accounts', 'list']],
  ['admin keys create', ['admin', 'keys', 'create', '--account', '1000000000000001']],
  ['admin keys list', ['admin', 'keys', 'list', '--json']],
  ['admin keys enable', ['admin', 'keys', 'enable', 'LTAInoSuchKey0000000000']],
  ['outbox', ['outbox']],
];

function assertRefused(result: Awaited<ReturnType<typeof runCli>>, message: RegExp): void {
  assert.equal(result.code, 1, show(result));
  assert.ok(isOneLineError(result), `one line, no stack trace:\n${show(result)}`);
  assert.match(result.stderr, message, show(result));
  assert.equal(result.stdout, '', show(result));
}

describe('commands other than serve never create a database', { concurrency: 4 }, () => {
  for (const [name, args] of readers) {
    test(`${name} refuses a missing SQLite file and makes no directory for it`, async () => {
      const cwd = await tempDir('rdc-missing-');
      const result = await runCli([...args, '--database', `sqlite:${join(cwd, 'typo', 'x.db')}`], { cwd });
      assertRefused(result, /^rdcontacts: no database at .*\/typo\/x\.db: only "rdcontacts serve" creates one$/m);
      assert.deepEqual(readdirSync(cwd), [], 'neither the file nor its directory');
    });

    test(`${name} refuses sqlite::memory:`, async () => {
      const cwd = await tempDir('rdc-missing-');
      assertRefused(await runCli([...args, '--database', 'sqlite::memory:'], { cwd }), /^rdcontacts: sqlite::memory: is a throw-away store that lives in one process/m);
    });
  }

  test('the default database ./data/rdcontacts.db, missing, is refused too', async () => {
    const cwd = await tempDir('rdc-missing-');
    assertRefused(await runCli(['outbox'], { cwd }), /no database at \.\/data\/rdcontacts\.db/);
    assert.ok(!existsSync(join(cwd, 'data')));
  });

  test('a file rdcontacts did not make is refused and left untouched', async () => {
    const cwd = await tempDir('rdc-missing-');
    const file = join(cwd, 'empty.db');
    writeFileSync(file, '');
    const result = await runCli(['admin', 'accounts', 'create', '--database', `sqlite:${file}`], { cwd });
    assertRefused(result, /^rdcontacts: .*empty\.db is not an rdcontacts database \(it holds none of its tables\)/m);
    assert.equal(statSync(file).size, 0, 'nothing was written to it');
    assert.deepEqual(readdirSync(cwd), ['empty.db'], 'no -wal or -shm either');
  });

  test('an empty PostgreSQL schema is refused and stays empty; once migrated, the commands work on it', async () => {
    const schema = await freshSchema();
    schemas.push(schema);
    const cwd = await tempDir('rdc-missing-');
    for (const [, args] of readers) {
      assertRefused(await runCli([...args, '--database', schema.url], { cwd }), /^rdcontacts: no rdcontacts database in schema "rdc_test_\w+" of postgres:\/\/.*: only "rdcontacts serve" creates one$/m);
    }
    await migratedDatabase(schema.url);
    const accounts = await runCli(['admin', 'accounts', 'list', '--database', schema.url], { cwd });
    assert.equal(accounts.stdout, 'no accounts\n', show(accounts));
  });
});

describe('empty listings say so', { concurrency: 4 }, () => {
  const database = async () => {
    const cwd = await tempDir('rdc-empty-');
    const url = `sqlite:${join(cwd, 'rd.db')}`;
    await migratedDatabase(url);
    return { cwd, url };
  };
  const cases: [string[], string][] = [
    [['admin', 'accounts', 'list'], 'no accounts\n'],
    [['admin', 'keys', 'list'], 'no keys\n'],
    [['outbox'], 'The outbox is empty.\n'],
    [['outbox', '--to', 'tom@example.com'], 'There is no message to tom@example.com.\n'],
    [['outbox', '--status', 'Failed'], 'There is no message in status Failed.\n'],
    [['outbox', '--to', '+86-13900001234', '--status', 'Queued'], 'There is no message to +86-13900001234 in status Queued.\n'],
  ];
  for (const [args, said] of cases) {
    test(`${args.join(' ')} prints ${JSON.stringify(said.trim())}`, async () => {
      const { cwd, url } = await database();
      const result = await runCli([...args, '--database', url], { cwd });
      assert.equal(result.code, 0, show(result));
      assert.equal(result.stdout, said);
      const json = await runCli([...args, '--json', '--database', url], { cwd });
      assert.equal(json.stdout, '[]\n', 'JSON stays an empty list');
    });
  }
});

/**
 * Configuration and connection errors of every command: one line on stderr that names the setting
 * and what it may be, a non-zero exit, no stack trace, no password echoed, nothing created.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { isOneLineError, removeTempDirs, runCli, show, tempDir } from './helpers.js';

after(removeTempDirs);

const urlForms = /database must be sqlite:<path> \(sqlite::memory: for a throw-away store\) or postgres:\/\/user\[:password\]@host:port\/database, not /;

/** Every command, with what it needs besides its database. */
const commands: [string, string[]][] = [
  ['serve', ['serve', '--port', '0']],
  ['admin accounts create', ['admin', 'accounts', 'create']],
  ['admin accounts list', ['admin', 'accounts', 'list', '--json']],
  ['admin keys create', ['admin', 'keys', 'create', '--account', '1000000000000001']],
  ['admin keys list', ['admin', 'keys', 'list']],
  ['admin keys disable', ['admin', 'keys', 'disable', 'LTAInoSuchKey0000000000']],
  ['outbox', ['outbox', '--to', 'tom@example.com']],
  ['backup', ['backup', 'copy.db']],
];

/** Bad databases: the URL, and what the line must say. */
const databases: [string, string, RegExp][] = [
  ['a path without a scheme', './data/x.db', new RegExp(`${urlForms.source}"\\./data/x\\.db"$`, 'm')],
  ['a MySQL URL (its password hidden)', 'mysql://app:hunter2@127.0.0.1:3306/contacts', new RegExp(`${urlForms.source}"mysql://app:\\[hidden\\]@127\\.0\\.0\\.1:3306/contacts"$`, 'm')],
  [
    'an unreachable PostgreSQL (its password hidden)',
    'postgres://app:hunter2@127.0.0.1:1/test',
    /^rdcontacts: cannot connect to the database postgres:\/\/app:\[hidden\]@127\.0\.0\.1:1\/test: connect ECONNREFUSED 127\.0\.0\.1:1$/m,
  ],
];

async function assertRefused(args: string[], env: Record<string, string>, message: RegExp): Promise<void> {
  const cwd = await tempDir('rdc-errors-');
  const result = await runCli(args, { cwd, env });
  assert.equal(result.code, 1, show(result));
  assert.equal(result.signal, null, show(result));
  assert.ok(isOneLineError(result), `one line, no stack trace:\n${show(result)}`);
  assert.match(result.stderr, message, show(result));
  assert.ok(!result.stderr.includes('hunter2') && !result.stdout.includes('hunter2'), 'the password is never echoed');
  assert.deepEqual(readdirSync(cwd), [], 'nothing was created');
}

describe('a database URL that cannot be used', { concurrency: 4 }, () => {
  for (const [command, args] of commands) {
    for (const [what, url, message] of databases) {
      // backup copies SQLite files only: for PostgreSQL it points at pg_dump before connecting.
      const expected = command === 'backup' && url.startsWith('postgres:') ? /^rdcontacts: PostgreSQL is backed up with its own tools: pg_dump/m : message;
      test(`${command} --database with ${what}`, () => assertRefused([...args, '--database', url], {}, expected));
    }
  }
  test('RDC_DATABASE without a scheme, for serve', () => assertRefused(['serve', '--port', '0'], { RDC_DATABASE: 'data/x.db' }, urlForms));
  test('RDC_DATABASE without a scheme, for outbox', () => assertRefused(['outbox'], { RDC_DATABASE: 'data/x.db' }, urlForms));
});

describe('serve settings checked before anything starts', { concurrency: 4 }, () => {
  const cases: [string, string[], Record<string, string>, RegExp][] = [
    ['--log-level verbose', ['--log-level', 'verbose'], {}, /^rdcontacts: log-level must be one of fatal, error, warn, info, debug, trace or silent, not "verbose"$/m],
    ['RDC_LOG_LEVEL=loud', [], { RDC_LOG_LEVEL: 'loud' }, /^rdcontacts: log-level must be one of fatal, error, warn, info, debug, trace or silent, not "loud"$/m],
    ['--sqlite-synchronous off', ['--sqlite-synchronous', 'off'], {}, /^rdcontacts: sqlite-synchronous must be full or normal, not "off"$/m],
  ];
  for (const [name, args, env, message] of cases) {
    test(name, async () => {
      const cwd = await tempDir('rdc-errors-');
      const result = await runCli(['serve', '--port', '0', '--database', 'sqlite:./data/db.sqlite', ...args], { cwd, env });
      assert.equal(result.code, 1, show(result));
      assert.ok(isOneLineError(result), `one line, no stack trace:\n${show(result)}`);
      assert.match(result.stderr, message);
      assert.ok(!existsSync(`${cwd}/data`), 'no database was created');
    });
  }
});

/**
 * What the command line promises on its surface: --version, every serve default in --help (the
 * README's Default column), --throttle's `off`, --json on every command (backup included), and
 * the display name of `admin accounts create --name`, checked by the directory's rule and listed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { isOneLineError, migratedDatabase, parseJson, removeTempDirs, runCli, show, tempDir } from './helpers.js';

after(removeTempDirs);

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** The rows of the README's settings tables: flag, environment variable, default (without backticks). */
function readmeSettings(): { flag: string; env: string; default: string }[] {
  const rows: { flag: string; env: string; default: string }[] = [];
  for (const match of readme.matchAll(/^\| `(--[a-z-]+)` \| `(RDC_[A-Z_]+)` \| ([^|]+) \|/gm)) {
    rows.push({ flag: match[1]!, env: match[2]!, default: match[3]!.trim().replace(/^`|`$/g, '') });
  }
  return rows;
}

/** `serve --help` as one entry per option, its wrapped lines joined. */
function helpEntries(help: string): Map<string, string> {
  const entries = new Map<string, string>();
  let current: string | undefined;
  for (const line of help.split('\n')) {
    const start = /^ {2}(--[a-z-]+)/.exec(line);
    if (start) {
      current = start[1]!;
      entries.set(current, line.trim());
    } else if (current && /^ {10,}\S/.test(line)) entries.set(current, `${entries.get(current)} ${line.trim()}`);
    else current = undefined;
  }
  return entries;
}

describe('the command line surface', { concurrency: 4 }, () => {
  for (const flag of ['--version', '-V']) {
    test(`rdcontacts ${flag} prints the package version`, async () => {
      const cwd = await tempDir();
      const result = await runCli([flag], { cwd });
      assert.equal(result.code, 0, show(result));
      assert.equal(result.stdout, `${version}\n`);
    });
  }

  test('serve --help shows every setting of the README with its variable and its default', async () => {
    const result = await runCli(['serve', '--help'], { cwd: await tempDir() });
    assert.equal(result.code, 0, show(result));
    const entries = helpEntries(result.stdout);
    const rows = readmeSettings();
    assert.ok(rows.length >= 40, `the README's tables were read: ${rows.length} rows`);
    for (const row of rows) {
      const entry = entries.get(row.flag);
      assert.ok(entry, `serve --help lists ${row.flag}`);
      assert.ok(entry.includes(`env ${row.env}`), `${row.flag} names ${row.env}: ${entry}`);
      if (row.default === '—') assert.ok(!entry.includes('default '), `${row.flag} has no default: ${entry}`);
      else assert.ok(entry.includes(`default ${row.default})`), `${row.flag} shows its default ${row.default}: ${entry}`);
    }
    assert.deepEqual([...entries.keys()].filter((flag) => !['--help', '--json'].includes(flag) && !rows.some((row) => row.flag === flag)), [], 'the README lists every flag');
  });

  for (const value of ['0', 'fast', '-1']) {
    test(`--throttle ${value} is refused with a line that names off`, async () => {
      const cwd = await tempDir();
      const result = await runCli(['serve', '--throttle', value, '--database', 'sqlite::memory:'], { cwd });
      assert.equal(result.code, 1, show(result));
      assert.ok(isOneLineError(result), show(result));
      assert.match(result.stderr, new RegExp(`throttle must be an integer of at least 1 \\(calls per second\\) or off, not "${value}"`));
    });
  }

  test('backup --json prints what it did as JSON', async () => {
    const cwd = await tempDir();
    const file = join(cwd, 'rd.db');
    await migratedDatabase(`sqlite:${file}`);
    const copy = join(cwd, 'copy.db');
    const result = await runCli(['backup', copy, '--json', '--database', `sqlite:${file}`], { cwd });
    assert.equal(result.code, 0, show(result));
    const printed = parseJson<{ Database: string; BackupFile: string; Pages: number }>(result);
    assert.deepEqual([printed.Database, printed.BackupFile], [file, copy]);
    assert.ok(Number.isInteger(printed.Pages) && printed.Pages > 0, result.stdout);
  });

  test('every command takes --json', async () => {
    const cwd = await tempDir();
    const commands = [['serve'], ['admin', 'accounts', 'create'], ['admin', 'accounts', 'list'], ['admin', 'keys', 'create'], ['admin', 'keys', 'list'],
      ['admin', 'keys', 'disable'], ['admin', 'keys', 'enable'], ['admin', 'keys', 'delete'], ['outbox'], ['backup']];
    for (const command of commands) {
      const help = await runCli([...command, '--help'], { cwd });
      assert.match(help.stdout, /^ {2}--json/m, `${command.join(' ')} --help`);
    }
  });
});

describe('admin accounts create --name', { concurrency: false }, () => {
  let cwd: string;
  let database: string;
  const cli = (...args: string[]) => runCli([...args, '--database', database], { cwd });

  test('a name the directory refuses for a display name is refused, naming --name and the rule, and creates nothing', async () => {
    cwd = await tempDir();
    database = `sqlite:${join(cwd, 'rd.db')}`;
    await migratedDatabase(database);
    const cases: [string, string][] = [
      ['x', 'InvalidParameter.Account.DisplayName.Length'],
      ['a'.repeat(51), 'InvalidParameter.Account.DisplayName.Length'],
      [' Platform', 'InvalidParameter.Account.DisplayName'],
      ['Platform ', 'InvalidParameter.Account.DisplayName'],
      ['Plat/form', 'InvalidParameter.Account.DisplayName'],
      ['Plat\tform', 'InvalidParameter.Account.DisplayName'],
    ];
    for (const [name, code] of cases) {
      const result = await cli('admin', 'accounts', 'create', '--name', name);
      assert.equal(result.code, 1, show(result));
      assert.ok(isOneLineError(result), show(result));
      assert.ok(
        result.stderr.startsWith(`rdcontacts: --name must be 2 to 50 letters, digits, "_", ".", "-", spaces between them or Chinese characters (${code}), not `),
        show(result),
      );
    }
    assert.equal((await cli('admin', 'accounts', 'list')).stdout, 'no accounts\n');
  });

  test('a valid name is kept and shown by admin accounts list, in JSON and in text', async () => {
    const names = ['Platform Team', '平台-账号_1.0'];
    for (const name of names) {
      const created = await cli('admin', 'accounts', 'create', '--name', name, '--json');
      assert.equal(created.code, 0, show(created));
      assert.equal(parseJson<{ DisplayName: string }>(created).DisplayName, name);
    }
    const listed = await cli('admin', 'accounts', 'list', '--json');
    assert.deepEqual(parseJson<{ DisplayName: string }[]>(listed).map((account) => account.DisplayName), names);
    const text = await cli('admin', 'accounts', 'list');
    assert.match(text.stdout, /^AccountId\s+DisplayName\s+ResourceDirectoryId/);
    for (const name of names) assert.ok(text.stdout.includes(name), text.stdout);
  });
});

/**
 * The rdcontacts command line, run as a real child process in a fresh directory per suite:
 * help, management accounts, AccessKey pairs, the outbox, and where each command keeps its data.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hasStackTrace, migratedDatabase, parseJson, removeTempDirs, runCli, show, tempDir } from './helpers.js';

const accountIdPattern = /^\d{16}$/;
const directoryIdPattern = /^rd-[0-9A-Za-z]{6}$/;
const rootFolderIdPattern = /^r-[0-9A-Za-z]{6}$/;
const datePattern = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

interface AccountJson {
  AccountId: string;
  DisplayName: string;
  ResourceDirectoryId: string;
  RootFolderId: string;
  CreateDate: string;
}

interface KeyJson {
  AccessKeyId: string;
  AccessKeySecret?: string;
  AccountId: string;
  Status: string;
  CreateDate: string;
}

function assertAccount(account: AccountJson): void {
  assert.deepEqual(Object.keys(account).sort(), ['AccountId', 'CreateDate', 'DisplayName', 'ResourceDirectoryId', 'RootFolderId']);
  assert.equal(account.DisplayName, 'management', 'the default name');
  assert.match(account.AccountId, accountIdPattern);
  assert.match(account.ResourceDirectoryId, directoryIdPattern);
  assert.match(account.RootFolderId, rootFolderIdPattern);
  assert.match(account.CreateDate, datePattern);
}

function assertFailed(result: Awaited<ReturnType<typeof runCli>>, message: RegExp): void {
  assert.notEqual(result.code, 0, show(result));
  assert.equal(result.signal, null, show(result));
  assert.match(result.stderr, message, show(result));
  assert.ok(!hasStackTrace(result.stderr), `a message, not a stack trace:\n${result.stderr}`);
}

after(removeTempDirs);

describe('rdcontacts CLI', { concurrency: true }, () => {
  describe('--help', { concurrency: true }, () => {
    const cases: [string[], RegExp, string[]][] = [
      [['--help'], /Usage: rdcontacts /, ['serve', 'admin', 'outbox', 'backup', '--version']],
      [['serve', '--help'], /Usage: rdcontacts serve /, ['--host', '--port', '--database', '--public-url', '--throttle', 'RDC_HOST', 'RDC_PORT', 'RDC_DATABASE']],
      [['admin', '--help'], /Usage: rdcontacts admin /, ['accounts', 'keys']],
      [['admin', 'keys', '--help'], /Usage: rdcontacts admin keys /, ['create', 'list', 'disable', 'enable', 'delete']],
      [['outbox', '--help'], /Usage: rdcontacts outbox /, ['--to', '--json', '--database']],
    ];
    for (const [args, usage, mentions] of cases) {
      test(`rdcontacts ${args.join(' ')} prints usage and exits 0`, async () => {
        const cwd = await tempDir();
        const result = await runCli(args, { cwd });
        assert.equal(result.code, 0, show(result));
        assert.match(result.stdout, usage);
        for (const word of mentions) assert.ok(result.stdout.includes(word), `usage mentions ${word}:\n${result.stdout}`);
        assert.ok(!existsSync(join(cwd, 'data')), '--help creates no database');
      });
    }

    test('an unknown command exits non-zero and names it', async () => {
      const cwd = await tempDir();
      const result = await runCli(['frobnicate'], { cwd });
      assertFailed(result, /unknown command 'frobnicate'/);
      assert.ok(!existsSync(join(cwd, 'data')));
    });
  });

  describe('accounts and keys with --database', { concurrency: false }, () => {
    let cwd: string;
    let db: string;
    let account: AccountJson;
    let key: KeyJson;
    let other: KeyJson;
    const cli = (...args: string[]) => runCli([...args, '--database', db], { cwd });

    before(async () => {
      cwd = await tempDir();
      db = `sqlite:${join(cwd, 'flag', 'x.db')}`;
      await migratedDatabase(db);
    });

    test('admin accounts create --json prints the account, its directory and Root folder', async () => {
      const result = await cli('admin', 'accounts', 'create', '--json');
      assert.equal(result.code, 0, show(result));
      account = parseJson<AccountJson>(result);
      assertAccount(account);
    });

    test('admin accounts list --json lists it', async () => {
      const result = await cli('admin', 'accounts', 'list', '--json');
      assert.equal(result.code, 0, show(result));
      const list = parseJson<AccountJson[]>(result);
      assert.ok(Array.isArray(list));
      assert.deepEqual(list.find((a) => a.AccountId === account.AccountId), account);
    });

    test('admin keys create --account ID --json prints a new active pair with its secret', async () => {
      const results = await Promise.all([1, 2].map(() => cli('admin', 'keys', 'create', '--account', account.AccountId, '--json')));
      [key, other] = results.map((result) => {
        assert.equal(result.code, 0, show(result));
        return parseJson<KeyJson>(result);
      }) as [KeyJson, KeyJson];
      for (const created of [key, other]) {
        assert.deepEqual(Object.keys(created).sort(), ['AccessKeyId', 'AccessKeySecret', 'AccountId', 'CreateDate', 'Status']);
        assert.ok(created.AccessKeyId.length >= 8, created.AccessKeyId);
        assert.ok(created.AccessKeySecret!.length >= 16, 'a secret long enough to be a secret');
        assert.notEqual(created.AccessKeySecret, created.AccessKeyId);
        assert.equal(created.AccountId, account.AccountId);
        assert.equal(created.Status, 'Active');
        assert.match(created.CreateDate, datePattern);
      }
      assert.notEqual(key.AccessKeyId, other.AccessKeyId);
      assert.notEqual(key.AccessKeySecret, other.AccessKeySecret);
    });

    test('admin keys create for an unknown account exits non-zero and says so', async () => {
      const result = await cli('admin', 'keys', 'create', '--account', '1000000000000001', '--json');
      assertFailed(result, /1000000000000001/);
      assert.match(result.stderr, /account/i);
      assert.equal(result.stdout, '', 'no key is printed');
    });

    test('admin keys disable KEY makes it Inactive; admin keys list --json shows that, without secrets', async () => {
      const result = await cli('admin', 'keys', 'disable', key.AccessKeyId, '--json');
      assert.equal(result.code, 0, show(result));
      assert.deepEqual(parseJson(result), { AccessKeyId: key.AccessKeyId, Status: 'Inactive' });

      const listed = await cli('admin', 'keys', 'list', '--json');
      assert.equal(listed.code, 0, show(listed));
      const list = parseJson<KeyJson[]>(listed);
      assert.deepEqual(
        list.map((k) => [k.AccessKeyId, k.AccountId, k.Status]).sort(),
        [
          [key.AccessKeyId, account.AccountId, 'Inactive'],
          [other.AccessKeyId, account.AccountId, 'Active'],
        ].sort(),
      );
      for (const entry of list) assert.ok(!('AccessKeySecret' in entry), `no AccessKeySecret field: ${JSON.stringify(entry)}`);
      for (const secret of [key.AccessKeySecret!, other.AccessKeySecret!]) {
        assert.ok(!listed.stdout.includes(secret), 'no secret is printed');
      }
    });

    test('admin keys enable KEY makes it Active again; admin keys delete KEY removes a key', async () => {
      const enabled = await cli('admin', 'keys', 'enable', key.AccessKeyId, '--json');
      assert.equal(enabled.code, 0, show(enabled));
      assert.deepEqual(parseJson(enabled), { AccessKeyId: key.AccessKeyId, Status: 'Active' });
      const deleted = await cli('admin', 'keys', 'delete', other.AccessKeyId);
      assert.equal(deleted.code, 0, show(deleted));
      assert.ok(deleted.stdout.includes(other.AccessKeyId), deleted.stdout);

      const listed = await cli('admin', 'keys', 'list');
      assert.equal(listed.code, 0, show(listed));
      const rows = listed.stdout.split('\n').filter((line) => /^LTAI|^\S+\s+\d{16}\s/.test(line));
      assert.equal(rows.length, 1, `only the enabled key is left:\n${listed.stdout}`);
      assert.ok(rows[0]!.includes(key.AccessKeyId), listed.stdout);
      assert.match(rows[0]!, /\bActive\b/);
      assert.ok(!listed.stdout.includes(other.AccessKeyId), 'the deleted key is gone');
      assert.ok(!listed.stdout.includes(key.AccessKeySecret!), 'text mode prints no secret either');
    });

    test('disable, enable and delete of an unknown key exit non-zero and name the key', async () => {
      const results = await Promise.all([
        cli('admin', 'keys', 'disable', 'LTAInoSuchKey0000000000'),
        cli('admin', 'keys', 'enable', 'LTAInoSuchKey0000000000'),
        cli('admin', 'keys', 'delete', other.AccessKeyId),
      ]);
      for (const result of results.slice(0, 2)) assertFailed(result, /LTAInoSuchKey0000000000/);
      assertFailed(results[2]!, new RegExp(other.AccessKeyId));
    });

    test('outbox in text mode says the outbox is empty', async () => {
      const result = await cli('outbox');
      assert.equal(result.code, 0, show(result));
      assert.match(result.stdout, /empty/i);
    });

    test('nothing was written to the default database under ./data', () => {
      assert.ok(existsSync(join(cwd, 'flag', 'x.db')), 'the --database file exists');
      assert.ok(!existsSync(join(cwd, 'data')), './data was not created');
    });
  });

  describe('every command honours RDC_DATABASE', { concurrency: false }, () => {
    let cwd: string;
    let env: Record<string, string>;
    let account: AccountJson;
    let key: KeyJson;
    const cli = (...args: string[]) => runCli(args, { cwd, env });

    before(async () => {
      cwd = await tempDir();
      env = { RDC_DATABASE: `sqlite:${join(cwd, 'env', 'y.db')}` };
      await migratedDatabase(env.RDC_DATABASE!);
    });

    test('admin accounts create and list', async () => {
      const created = await cli('admin', 'accounts', 'create', '--json');
      assert.equal(created.code, 0, show(created));
      account = parseJson<AccountJson>(created);
      assertAccount(account);
      const listed = await cli('admin', 'accounts', 'list', '--json');
      assert.equal(listed.code, 0, show(listed));
      assert.deepEqual(parseJson<AccountJson[]>(listed), [account]);
    });

    test('admin keys create and list', async () => {
      const created = await cli('admin', 'keys', 'create', '--account', account.AccountId, '--json');
      assert.equal(created.code, 0, show(created));
      key = parseJson<KeyJson>(created);
      assert.equal(key.Status, 'Active');
      const listed = await cli('admin', 'keys', 'list', '--json');
      assert.equal(listed.code, 0, show(listed));
      assert.deepEqual(
        parseJson<KeyJson[]>(listed).map((k) => [k.AccessKeyId, k.AccountId, k.Status]),
        [[key.AccessKeyId, account.AccountId, 'Active']],
      );
    });

    test('admin keys disable, enable and delete find the key there', async () => {
      for (const [verb, status] of [['disable', 'Inactive'], ['enable', 'Active'], ['delete', 'Deleted']] as const) {
        const result = await cli('admin', 'keys', verb, key.AccessKeyId, '--json');
        assert.equal(result.code, 0, `${verb}: ${show(result)}`);
        assert.deepEqual(parseJson(result), { AccessKeyId: key.AccessKeyId, Status: status });
      }
    });

    test('outbox --json reads it: [] while nothing was sent', async () => {
      const result = await cli('outbox', '--json');
      assert.equal(result.code, 0, show(result));
      assert.deepEqual(parseJson(result), []);
    });

    test('--database wins over RDC_DATABASE', async () => {
      await migratedDatabase(`sqlite:${join(cwd, 'other.db')}`);
      const result = await cli('admin', 'accounts', 'list', '--json', '--database', `sqlite:${join(cwd, 'other.db')}`);
      assert.equal(result.code, 0, show(result));
      assert.deepEqual(parseJson(result), []);
      assert.ok(existsSync(join(cwd, 'other.db')));
    });

    test('nothing was written to the default database under ./data', () => {
      assert.ok(existsSync(join(cwd, 'env', 'y.db')));
      assert.ok(!existsSync(join(cwd, 'data')));
    });
  });

  test('without --database or RDC_DATABASE the commands use ./data/rdcontacts.db', async () => {
    const cwd = await tempDir();
    const missing = await runCli(['admin', 'accounts', 'create', '--json'], { cwd });
    assertFailed(missing, /no database at \.\/data\/rdcontacts\.db: only "rdcontacts serve" creates one/);
    assert.ok(!existsSync(join(cwd, 'data')), 'nor its directory');
    await migratedDatabase(`sqlite:${join(cwd, 'data', 'rdcontacts.db')}`);
    const result = await runCli(['admin', 'accounts', 'create', '--json'], { cwd });
    assert.equal(result.code, 0, show(result));
    const account = parseJson<AccountJson>(result);
    assertAccount(account);
    const listed = await runCli(['admin', 'accounts', 'list', '--json', '--database', `sqlite:${join(cwd, 'data', 'rdcontacts.db')}`], { cwd });
    assert.deepEqual(parseJson(listed), [account]);
  });
});

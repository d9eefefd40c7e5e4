/**
 * Where a generated bootstrap key is kept: `<database file>.credentials.json`, one per database,
 * so two databases in one directory each keep their own; a start that would have to overwrite a
 * credentials file is refused before it creates an account or a key (no secret is ever lost).
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { freshSchema } from '../support/pg-schemas.js';
import { ServeProcess, freePort, isOneLineError, migratedDatabase, parseJson, removeTempDirs, runCli, show, tempDir } from './helpers.js';

const running: ServeProcess[] = [];
const schemas: { drop: () => Promise<void> }[] = [];
after(async () => {
  await Promise.all(running.map((server) => server.kill()));
  await Promise.all(schemas.map((schema) => schema.drop()));
  await removeTempDirs();
});

async function serve(cwd: string, database: string): Promise<ServeProcess> {
  const server = await ServeProcess.start(['--database', database, '--port', String(await freePort()), '--json'], { cwd });
  running.push(server);
  return server;
}

/** The key a serve printed (--json: one JSON line among the log lines). */
const printedKey = (server: ServeProcess) =>
  server.logLines().find((line) => 'AccessKeySecret' in line) as { AccessKeyId: string; AccessKeySecret: string; CredentialsFile: string | null } | undefined;

describe('the bootstrap credentials file', { concurrency: true }, () => {
  test('two new databases in one directory, no key in the environment: each keeps its own key in <file>.credentials.json', async () => {
    const cwd = await tempDir('rdc-creds-');
    const dir = join(cwd, 'data');
    const [a, b] = await Promise.all([serve(cwd, `sqlite:${join(dir, 'a.db')}`), serve(cwd, 'sqlite:./data/b.db')]);
    for (const [server, name] of [[a, 'a.db'], [b, 'b.db']] as const) {
      const key = printedKey(server);
      assert.ok(key, server.stdout);
      const file = join(dir, `${name}.credentials.json`);
      assert.equal(key.CredentialsFile, file);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const kept = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      assert.deepEqual([kept.AccessKeyId, kept.AccessKeySecret], [key.AccessKeyId, key.AccessKeySecret]);
    }
    assert.notEqual(printedKey(a)!.AccessKeySecret, printedKey(b)!.AccessKeySecret);
    assert.deepEqual(await Promise.all([a.stop(), b.stop()]), [{ code: 0, signal: null }, { code: 0, signal: null }]);
  });

  test('a credentials file left by an earlier database of that name is never overwritten: refused before any account or key', async () => {
    const cwd = await tempDir('rdc-creds-');
    const database = `sqlite:${join(cwd, 'c.db')}`;
    const stale = join(cwd, 'c.db.credentials.json');
    writeFileSync(stale, '{"AccessKeyId":"LTAIearlier"}\n', { mode: 0o600 });
    const result = await runCli(['serve', '--database', database, '--port', String(await freePort())], { cwd });
    assert.equal(result.code, 1, show(result));
    assert.ok(isOneLineError(result), `one line, no stack trace:\n${show(result)}`);
    assert.match(result.stderr, /^rdcontacts: a new AccessKey would be written to .*\/c\.db\.credentials\.json, which already exists .*: move it away, or set RDC_ACCESS_KEY_ID and RDC_ACCESS_KEY_SECRET$/m);
    assert.ok(!/AccessKeySecret/.test(result.stdout), 'no secret was made to be lost');
    assert.equal(readFileSync(stale, 'utf8'), '{"AccessKeyId":"LTAIearlier"}\n', 'the file is left as it was');
    const accounts = await runCli(['admin', 'accounts', 'list', '--database', database], { cwd });
    assert.equal(accounts.stdout, 'no accounts\n', show(accounts));

    // With a key in the environment nothing is written, so the file is no obstacle.
    const port = await freePort();
    const server = await ServeProcess.start(['--database', database, '--port', String(port)], {
      cwd,
      env: { RDC_ACCESS_KEY_ID: 'LTAIcredstest00000001', RDC_ACCESS_KEY_SECRET: 'creds-test-secret-00000000001' },
    });
    running.push(server);
    assert.deepEqual(server.plainLines(), []);
    assert.deepEqual(await server.stop(), { code: 0, signal: null });
  });

  test('PostgreSQL: a second new schema started from the same directory is refused, its schema left without an account', async () => {
    const [first, second] = await Promise.all([freshSchema(), freshSchema()]);
    schemas.push(first, second);
    const cwd = await tempDir('rdc-creds-');
    const server = await serve(cwd, first.url);
    const file = join(cwd, 'data', 'bootstrap-credentials.json');
    assert.equal(printedKey(server)?.CredentialsFile, file);
    assert.deepEqual(await server.stop(), { code: 0, signal: null });

    const refused = await runCli(['serve', '--database', second.url, '--port', String(await freePort())], { cwd });
    assert.equal(refused.code, 1, show(refused));
    assert.ok(isOneLineError(refused), show(refused));
    assert.match(refused.stderr, /a new AccessKey would be written to .*\/data\/bootstrap-credentials\.json, which already exists/);
    const accounts = await runCli(['admin', 'accounts', 'list', '--json', '--database', second.url], { cwd });
    assert.deepEqual(parseJson(accounts), []);
    // A restart on the first schema generates nothing, so the file is no obstacle there.
    const again = await serve(cwd, first.url);
    assert.equal(printedKey(again), undefined);
    await again.stop();
  });

  test('a database that has its key already starts whatever files lie beside it', async () => {
    const cwd = await tempDir('rdc-creds-');
    const database = `sqlite:${join(cwd, 'd.db')}`;
    await migratedDatabase(database);
    const created = await runCli(['admin', 'accounts', 'create', '--json', '--database', database], { cwd });
    const account = parseJson<{ AccountId: string }>(created);
    assert.equal((await runCli(['admin', 'keys', 'create', '--account', account.AccountId, '--database', database], { cwd })).code, 0);
    writeFileSync(join(cwd, 'd.db.credentials.json'), '{}\n');
    const server = await serve(cwd, database);
    assert.equal(printedKey(server), undefined, 'no key generated');
    await server.stop();
  });
});

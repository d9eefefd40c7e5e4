/**
 * One `serve` per SQLite file: a second one is refused at start with a clear line, while the CLI
 * still reads and writes the file; the lock dies with its process, so after a SIGKILL a new serve
 * starts at once.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ServeProcess, freePort, isOneLineError, removeTempDirs, runCli, show, tempDir } from './helpers.js';

const running: ServeProcess[] = [];
after(async () => {
  await Promise.all(running.map((server) => server.kill()));
  await removeTempDirs();
});

const env = { RDC_ACCESS_KEY_ID: 'LTAIlocktest000000001', RDC_ACCESS_KEY_SECRET: 'lock-test-secret-00000000001' };

async function serve(cwd: string, database: string): Promise<ServeProcess> {
  const server = await ServeProcess.start(['--database', database, '--port', String(await freePort())], { cwd, env });
  running.push(server);
  return server;
}

test('a second serve on the same SQLite file is refused until the first is gone, even by SIGKILL', async () => {
  const cwd = await tempDir('rdc-lock-');
  const file = join(cwd, 'data', 'rd.db');
  const database = `sqlite:${file}`;
  const first = await serve(cwd, database);

  const second = await runCli(['serve', '--database', database, '--port', String(await freePort())], { cwd, env });
  assert.equal(second.code, 1, show(second));
  assert.ok(isOneLineError(second), `one line, no stack trace:\n${show(second)}`);
  assert.match(
    second.stderr,
    /^rdcontacts: another "rdcontacts serve" runs on .*\/data\/rd\.db \(it holds .*\/data\/rd\.db\.lock\): one serve per SQLite file; use PostgreSQL for several instances$/m,
  );
  // The same file under another name (a relative path from elsewhere) is the same lock.
  const relative = await runCli(['serve', '--database', 'sqlite:./data/rd.db', '--port', String(await freePort())], { cwd, env });
  assert.equal(relative.code, 1, show(relative));
  assert.match(relative.stderr, /another "rdcontacts serve" runs on \.\/data\/rd\.db/);

  // The CLI is not a serve: it works beside the running one.
  const listed = await runCli(['admin', 'keys', 'list', '--json', '--database', database], { cwd });
  assert.equal(listed.code, 0, show(listed));
  assert.deepEqual((JSON.parse(listed.stdout) as { AccessKeyId: string }[]).map((key) => key.AccessKeyId), [env.RDC_ACCESS_KEY_ID]);

  assert.equal((await first.crash()).signal, 'SIGKILL');
  // No stale lock: the kernel dropped it with the process.
  const third = await serve(cwd, database);
  assert.equal((await fetch(`${third.logLines().find((line) => line.msg === 'rdcontacts ready')!.publicUrl}/healthz`)).status, 200);
  assert.deepEqual(await third.stop(), { code: 0, signal: null });
  // Nor after a clean stop.
  const fourth = await serve(cwd, database);
  assert.deepEqual(await fourth.stop(), { code: 0, signal: null });
});

test('serves on two different files in one directory both run', async () => {
  const cwd = await tempDir('rdc-lock-');
  const [a, b] = await Promise.all([serve(cwd, `sqlite:${join(cwd, 'a.db')}`), serve(cwd, `sqlite:${join(cwd, 'b.db')}`)]);
  assert.deepEqual(await Promise.all([a.stop(), b.stop()]), [{ code: 0, signal: null }, { code: 0, signal: null }]);
});

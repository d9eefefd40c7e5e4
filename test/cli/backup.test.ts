/**
 * `rdcontacts backup`: a copy of a SQLite database taken while the service runs and writes holds
 * what was committed before it, opens as a database of its own (the restore: serve on it), and is
 * readable by its owner only; PostgreSQL, an existing target or a missing database get a clear
 * message.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type ApiClient, apiClient, failure } from '../support/clients.js';
import { ServeProcess, freePort, hasStackTrace, removeTempDirs, runCli, tempDir } from './helpers.js';

const running: ServeProcess[] = [];
after(async () => {
  await Promise.all(running.map((server) => server.kill()));
  await removeTempDirs();
});

const key = { accessKeyId: 'LTAIbackuptest0000001', accessKeySecret: 'backup-test-secret-0000000001' };

async function serve(cwd: string, databaseUrl: string): Promise<{ server: ServeProcess; client: ApiClient }> {
  const port = await freePort();
  const server = await ServeProcess.start(['--database', databaseUrl, '--port', String(port), '--throttle', 'off'], {
    cwd,
    env: { RDC_ACCESS_KEY_ID: key.accessKeyId, RDC_ACCESS_KEY_SECRET: key.accessKeySecret },
  });
  running.push(server);
  return { server, client: apiClient('openapi-v3', `127.0.0.1:${port}`, { ...key, accountId: '', directoryId: '' }) };
}

const addContact = async (client: ApiClient, name: string) =>
  (await client.call('AddMessageContact', { Name: name, EmailAddress: `${name}@example.com`, Title: 'CEO', MessageTypes: ['FaultMessage'] }))
    .Contact.ContactId as string;

test('a backup taken while the service runs restores to what was committed before it', async () => {
  const cwd = await tempDir('rdc-backup-');
  const live = `sqlite:${join(cwd, 'live.db')}`;
  const { server, client } = await serve(cwd, live);
  const kept = await addContact(client, 'kept');

  const copy = join(cwd, 'copy.db');
  const result = await runCli(['backup', copy, '--database', live], { cwd });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Backed up .*live\.db to .*copy\.db \(\d+ pages\)\.\n$/);
  assert.equal(statSync(copy).mode & 0o777, 0o600, 'it holds AccessKey secrets: owner only');
  const later = await addContact(client, 'later');
  await server.stop();

  // Restore: serve on the copy.
  const restored = await serve(cwd, `sqlite:${copy}`);
  assert.equal((await restored.client.call('GetMessageContact', { ContactId: kept })).Contact.Name, 'kept');
  assert.equal((await failure(restored.client.call('GetMessageContact', { ContactId: later }))).code, 'EntityNotExists.Contact');
  assert.equal((await restored.client.call('ListMessageContacts', {})).TotalCount, 1);
});

test('backup refuses PostgreSQL, an existing file and a missing database, with a message and no stack trace', async () => {
  const cwd = await tempDir('rdc-backup-');
  const cases: [string[], RegExp][] = [
    [['backup', join(cwd, 'x.db'), '--database', 'postgres://root@127.0.0.1:5432/test'], /pg_dump/],
    [['backup', join(cwd, 'y.db'), '--database', `sqlite:${join(cwd, 'absent.db')}`], /no database at .*absent\.db/],
    [['backup', join(cwd, 'y.db'), '--database', 'sqlite::memory:'], /sqlite::memory: is an in-memory database, which has nothing to back up/],
  ];
  const existing = join(cwd, 'existing.db');
  const { server } = await serve(cwd, `sqlite:${existing}`);
  await server.stop();
  cases.push([['backup', existing, '--database', `sqlite:${existing}`], /cannot create .*existing\.db: it exists/]);
  for (const [args, message] of cases) {
    const result = await runCli(args, { cwd });
    assert.equal(result.code, 1, args.join(' '));
    assert.match(result.stderr, message);
    assert.equal(hasStackTrace(result.stderr), false);
  }
  assert.ok(statSync(existing).size > 0, 'the existing file is left as it was');
});

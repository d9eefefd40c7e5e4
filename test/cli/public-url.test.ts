/**
 * The links in messages: without --public-url they carry the address serve listens on, the real
 * port included when the system chose it (--port 0); a wildcard host, which no recipient can
 * open, needs --public-url.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { apiClient } from '../support/clients.js';
import { ServeProcess, isOneLineError, parseJson, removeTempDirs, runCli, show, tempDir } from './helpers.js';

const running: ServeProcess[] = [];
after(async () => {
  await Promise.all(running.map((server) => server.kill()));
  await removeTempDirs();
});

const key = { accessKeyId: 'LTAIpublicurltest0001', accessKeySecret: 'public-url-test-secret-000001' };
const env = { RDC_ACCESS_KEY_ID: key.accessKeyId, RDC_ACCESS_KEY_SECRET: key.accessKeySecret };

/** The port a serve listens on, from its "Server listening at" log line. */
function listeningPort(server: ServeProcess): number {
  const line = server.logLines().find((record) => String(record.msg).startsWith('Server listening at '));
  return Number(new URL(String(line!.msg).slice('Server listening at '.length)).port);
}

describe('links in messages', { concurrency: true }, () => {
  test('serve --port 0 without --public-url: the verification link carries the port the system chose', async () => {
    const cwd = await tempDir('rdc-url-');
    const database = `sqlite:${join(cwd, 'rd.db')}`;
    const server = await ServeProcess.start(['--port', '0', '--database', database], { cwd, env });
    running.push(server);
    const port = listeningPort(server);
    assert.ok(port > 0, 'a real port');
    assert.equal(server.logLines().find((line) => line.msg === 'rdcontacts ready')?.publicUrl, `http://127.0.0.1:${port}`);

    const client = apiClient('openapi-v3', `127.0.0.1:${port}`, { ...key, accountId: '', directoryId: '' });
    const email = 'portzero@example.com';
    const added = await client.call('AddMessageContact', { Name: 'portzero', EmailAddress: email, Title: 'TechnicalDirector', MessageTypes: ['FaultMessage'] });
    await client.call('SendEmailVerificationForMessageContact', { ContactId: added.Contact.ContactId, EmailAddress: email });
    const outbox = await runCli(['outbox', '--to', email, '--json', '--database', database], { cwd });
    const [message] = parseJson<{ Link: string; Body: string }[]>(outbox);
    assert.match(message!.Link, new RegExp(`^http://127\\.0\\.0\\.1:${port}/verify/[0-9A-Za-z_-]+$`), show(outbox));
    assert.ok(message!.Body.includes(message!.Link));
    assert.equal((await fetch(message!.Link)).status, 200, 'the link opens the confirmation page');
  });

  test('a given --public-url is used as it is, with a wildcard host too', async () => {
    const cwd = await tempDir('rdc-url-');
    const server = await ServeProcess.start(
      ['--host', '0.0.0.0', '--port', '0', '--public-url', 'https://contacts.example.com/', '--database', 'sqlite::memory:'],
      { cwd, env },
    );
    running.push(server);
    assert.equal(server.logLines().find((line) => line.msg === 'rdcontacts ready')?.publicUrl, 'https://contacts.example.com');
  });

  const wildcards: [string, string[], Record<string, string>][] = [
    ['--host 0.0.0.0', ['--host', '0.0.0.0'], {}],
    ['--host ::', ['--host', '::'], {}],
    ['RDC_HOST=0:0:0:0:0:0:0:0', [], { RDC_HOST: '0:0:0:0:0:0:0:0' }],
  ];
  for (const [name, args, hostEnv] of wildcards) {
    test(`${name} without --public-url is refused with a clear line, before anything is created`, async () => {
      const cwd = await tempDir('rdc-url-');
      const result = await runCli(['serve', ...args, '--port', '0', '--database', 'sqlite:./data/rd.db'], { cwd, env: { ...env, ...hostEnv } });
      assert.equal(result.code, 1, show(result));
      assert.ok(isOneLineError(result), `one line, no stack trace:\n${show(result)}`);
      assert.match(result.stderr, /^rdcontacts: host \S+ listens on every address, which no link can name: set --public-url or RDC_PUBLIC_URL/m);
      assert.ok(!existsSync(join(cwd, 'data')));
    });
  }
});

/**
 * What a person reads in the log of a running `rdcontacts serve`: one line per delivery attempt
 * against a failing SMTP relay (retry scheduled with the error and the next time, then failed for
 * good), one for a sent message with the relay's ID, one per verification requested and confirmed,
 * per identity change and per change from the command line — recipients masked, never a secret, a
 * token or a link. And `--log-format pretty` writes text for a person instead of JSON.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { apiClient, versions } from '../support/clients.js';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.js';
import { until } from '../support/until.js';
import { ServeProcess, freePort, removeTempDirs, tempDir } from '../cli/helpers.js';

after(removeTempDirs);

const credentials = { accessKeyId: `LTAI${randomBytes(10).toString('hex')}`, accessKeySecret: randomBytes(15).toString('base64url') };
const env = { RDC_ACCESS_KEY_ID: credentials.accessKeyId, RDC_ACCESS_KEY_SECRET: credentials.accessKeySecret };

describe('the log of a running service', { concurrency: false }, () => {
  let sink: SmtpSink;
  let server: ServeProcess;
  let port: number;
  let database: string;
  let cwd: string;

  before(async () => {
    sink = await startSmtpSink();
    cwd = await tempDir('rdc-logs-');
    port = await freePort();
    database = `sqlite:${join(cwd, 'db.sqlite')}`;
    server = await ServeProcess.start(
      [
        '--port', String(port), '--database', database,
        '--email-transport', 'smtp', '--smtp-host', '127.0.0.1', '--smtp-port', String(sink.port), '--smtp-security', 'none',
        '--mail-from', 'noreply@example.com', '--delivery-attempts', '2', '--delivery-retry-base', '20', '--delivery-retry-max', '40',
      ],
      { cwd, env },
    );
  });
  after(async () => {
    await server?.kill();
    await sink?.close();
  });

  let names = 0;
  const lines = (message: string) => server.logLines().filter((line) => line.msg === message);
  const client = () => apiClient('openapi-v3', `127.0.0.1:${port}`, credentials);
  /** A contact whose email verification is sent at once. */
  const addContact = async (email: string) => {
    const contactId = (
      await client().call('AddMessageContact', { Name: `Logged${'ABCDEFGH'[names++]}`, EmailAddress: email, Title: 'TechnicalDirector', MessageTypes: ['AccountExpenses'] })
    ).Contact.ContactId as string;
    await client().call('SendEmailVerificationForMessageContact', { ContactId: contactId, EmailAddress: email });
    return contactId;
  };

  test('a failing relay: a retry scheduled with the error and the next time, then failed for good; recipients masked', async () => {
    // Both attempts (there are two) meet a temporary refusal: the second one is the last.
    sink.failNext(2, 451, 'try again later');
    const contactId = await addContact('first.person@example.com');
    const retry = await until('the retry line', () => lines('delivery failed, retry scheduled').find((line) => line.contactId === contactId));
    assert.equal(retry.level, 40);
    assert.equal(retry.recipient, 'fi***@example.com');
    assert.equal(retry.channel, 'email');
    assert.equal(retry.transport, 'smtp');
    assert.equal(retry.purpose, 'verification');
    assert.equal(retry.attempt, 1);
    assert.match(retry.error, /451/);
    assert.match(retry.nextAttemptAt, /^\d{4}-\d{2}-\d{2}T/);
    assert.match(retry.deliveryId, /\S/);

    const failed = await until('the failed-for-good line', () => lines('delivery failed for good').find((line) => line.contactId === contactId));
    assert.equal(failed.level, 50);
    assert.equal(failed.deliveryId, retry.deliveryId);
    assert.equal(failed.attempt, 2);
    assert.match(failed.error, /451/);
    assert.equal(failed.recipient, 'fi***@example.com');
  });

  test('a sent message: its relay ID; the verification requested and confirmed', async () => {
    const contactId = await addContact('second.person@example.com');
    const requested = await until('the verification line', () => lines('verification requested').find((line) => line.contactId === contactId));
    assert.equal(requested.Target, 'se***@example.com');
    const sent = await until('the sent line', () => lines('delivery sent').find((line) => line.contactId === contactId));
    assert.equal(sent.level, 30);
    assert.equal(sent.recipient, 'se***@example.com');
    assert.match(String(sent.providerId), /\S/);
    const [mail] = await sink.waitFor(sink.received.length);
    assert.ok(mail);
    const link = /https?:\/\/\S+\/verify\/[0-9A-Za-z]{43}/.exec(sink.received.at(-1)!.text)?.[0];
    assert.ok(link, 'the mail holds a link');
    const page = await fetch(link.replace(/^https?:\/\/[^/]+/, `http://127.0.0.1:${port}`), { method: 'POST' });
    assert.equal(page.status, 200);
    const confirmed = await until('the confirmed line', () => lines('verification confirmed').find((line) => line.contactId === contactId));
    assert.equal(confirmed.EmailAddress, 'se***@example.com');
    assert.equal(confirmed.user, 'verification-link');
    const refused = await fetch(link.replace(/^https?:\/\/[^/]+/, `http://127.0.0.1:${port}`), { method: 'POST' });
    assert.equal(refused.status, 410);
    await until('the refused line', () => lines('verification link refused').find((line) => line.state === 'used'));
  });

  test('identity changes: one line each; no secret, link or whole address anywhere in the log', async () => {
    const ram = apiClient('pop-post', `127.0.0.1:${port}`, credentials, versions.ram);
    await ram.call('CreateUser', { UserName: 'log-reader' });
    const key = (await ram.call('CreateAccessKey', { UserName: 'log-reader' })).AccessKey as { AccessKeyId: string; AccessKeySecret: string };
    const created = await until('the user line', () => lines('identity change').find((line) => line.event === 'CreateUser'));
    assert.equal(created.UserName, 'log-reader');
    assert.equal(created.user, 'root');
    const keyLine = await until('the key line', () => lines('identity change').find((line) => line.event === 'CreateAccessKey'));
    assert.equal(keyLine.AccessKeyId, key.AccessKeyId);
    await ram.call('UpdateAccessKey', { UserName: 'log-reader', UserAccessKeyId: key.AccessKeyId, Status: 'Inactive' });
    const disabled = await until('the key update line', () => lines('identity change').find((line) => line.event === 'UpdateAccessKey'));
    assert.equal(disabled.Status, 'Inactive');

    const log = server.stdout;
    assert.equal(log.includes(key.AccessKeySecret), false, 'no RAM secret in the log');
    assert.equal(log.includes(credentials.accessKeySecret), false, 'no root secret in the log');
    assert.equal(/\/verify\/[0-9A-Za-z]{43}/.test(log), false, 'no verification link in the log');
    assert.equal(log.includes('second.person@'), false, 'no unmasked address in the log');
  });
});

describe('--log-format', () => {
  test('pretty writes lines for a person, not JSON', async () => {
    const cwd = await tempDir('rdc-logs-');
    const pretty = new ServeProcess(['--port', '0', '--database', 'sqlite::memory:', '--log-format', 'pretty'], { cwd, env });
    try {
      // A pretty log has no JSON line to tell readiness by: wait for its text.
      await until('the ready line', () => (pretty.stdout.includes('rdcontacts ready') ? true : undefined), 20_000);
      const line = pretty.stdout.split('\n').find((text) => text.includes('rdcontacts ready'))!;
      assert.doesNotMatch(line, /^\{/);
      assert.match(line, /INFO/);
      assert.equal(pretty.logLines().length, 0, 'no JSON line');
    } finally {
      await pretty.kill();
    }
  });

  test('json, the default off a terminal: one object per line', async () => {
    const cwd = await tempDir('rdc-logs-');
    const json = await ServeProcess.start(['--port', '0', '--database', 'sqlite::memory:'], { cwd, env });
    try {
      assert.ok(json.logLines().some((line) => line.msg === 'rdcontacts ready'));
    } finally {
      await json.kill();
    }
  });
});

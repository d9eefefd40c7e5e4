/**
 * `rdcontacts serve` as a real child process: bootstrap on first start, reuse on later starts,
 * configuration from flags and environment, AccessKey administration while it runs, the whole
 * verification loop through the outbox, and a clean stop on SIGTERM.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type ApiClient, apiClient, failure } from '../support/clients.js';
import type { Credentials } from '../support/server.js';
import { ServeProcess, freePort, hasStackTrace, parseJson, removeTempDirs, runCli, show, tempDir } from './helpers.js';

after(removeTempDirs);

const contact = (name: string) => ({
  Name: name,
  EmailAddress: `${name.toLowerCase()}@example.com`,
  Title: 'TechnicalDirector',
  MessageTypes: ['AccountExpenses', 'SecurityMessage'],
});

function client(port: number, credentials: Pick<Credentials, 'accessKeyId' | 'accessKeySecret'>): ApiClient {
  return apiClient('openapi-v3', `127.0.0.1:${port}`, { accountId: '', directoryId: '', ...credentials });
}

function listeningAt(server: ServeProcess): string[] {
  return server
    .logLines()
    .map((line) => String(line.msg))
    .filter((msg) => msg.startsWith('Server listening at '));
}

describe('rdcontacts serve', { concurrency: true }, () => {
  describe('first start on an empty database, then a restart', { concurrency: false }, () => {
    let cwd: string;
    let port: number;
    let args: string[];
    let first: ServeProcess;
    let second: ServeProcess | undefined;
    let printed: { accessKeyId: string; accessKeySecret: string };
    let fileCredentials: Record<string, string>;
    let contactId: string;

    before(async () => {
      cwd = await tempDir('rdc-serve-');
      port = await freePort();
      args = ['--port', String(port), '--database', `sqlite:${join(cwd, 'data', 'db.sqlite')}`];
      first = await ServeProcess.start(args, { cwd });
    });
    after(async () => {
      await first?.kill();
      await second?.kill();
    });

    test('prints the generated AccessKeyId and AccessKeySecret once', () => {
      const text = first.plainLines().join('\n');
      const ids = [...text.matchAll(/AccessKeyId:\s*(\S+)/g)];
      const secrets = [...text.matchAll(/AccessKeySecret:\s*(\S+)/g)];
      assert.equal(ids.length, 1, text);
      assert.equal(secrets.length, 1, text);
      printed = { accessKeyId: ids[0]![1]!, accessKeySecret: secrets[0]![1]! };
      assert.ok(printed.accessKeySecret.length >= 16, 'a secret long enough to be a secret');
      assert.equal(first.stdout.split(printed.accessKeySecret).length - 1, 1, 'the secret is printed exactly once');
    });

    test('writes data/db.sqlite.credentials.json (named after the database file), readable only by its owner', async () => {
      const file = join(cwd, 'data', 'db.sqlite.credentials.json');
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      fileCredentials = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
      assert.match(fileCredentials.AccountId ?? '', /^\d{16}$/);
      assert.match(fileCredentials.ResourceDirectoryId ?? '', /^rd-[0-9A-Za-z]{6}$/);
      assert.equal(fileCredentials.AccessKeyId, printed.accessKeyId);
      assert.equal(fileCredentials.AccessKeySecret, printed.accessKeySecret);
    });

    test('the secret never appears in a log line', () => {
      const logLines = first.stdout.split('\n').filter((line) => line.startsWith('{'));
      assert.ok(logLines.length >= 1, 'the server logs as JSON lines');
      for (const line of logLines) assert.ok(!line.includes(printed.accessKeySecret), `secret in log line: ${line}`);
      assert.ok(!first.stderr.includes(printed.accessKeySecret), 'secret on stderr');
      const ready = first.logLines().find((line) => line.msg === 'rdcontacts ready');
      assert.equal(ready?.directory, fileCredentials.ResourceDirectoryId);
      assert.equal(ready?.account, fileCredentials.AccountId);
    });

    test('listens on 127.0.0.1 by default, and says so', async () => {
      assert.deepEqual(listeningAt(first), [`Server listening at http://127.0.0.1:${port}`]);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(health.status, 200);
    });

    test('the generated key works with the official client', async () => {
      const api = client(port, printed);
      const added = await api.call('AddMessageContact', contact('Alice'));
      contactId = added.Contact.ContactId;
      const got = await api.call('GetMessageContact', { ContactId: contactId });
      assert.equal(got.Contact.Name, 'Alice');
      assert.equal(got.Contact.Status, 'Verifying');
    });

    test('SIGTERM makes the server exit cleanly with code 0', async () => {
      assert.deepEqual(await first.stop(), { code: 0, signal: null });
      assert.ok(!hasStackTrace(first.stderr), first.stderr);
      assert.equal(first.stdout.split(printed.accessKeySecret).length - 1, 1, 'no log line of the whole run holds the secret');
      assert.ok(!first.stderr.includes(printed.accessKeySecret), 'secret on stderr');
    });

    test('a second start prints no new key; the same key and directory still work', async () => {
      second = await ServeProcess.start(args, { cwd });
      assert.deepEqual(second.plainLines(), [], 'nothing but log lines');
      assert.ok(!/AccessKey/.test(second.stdout), second.stdout);
      const ready = second.logLines().find((line) => line.msg === 'rdcontacts ready');
      assert.equal(ready?.directory, fileCredentials.ResourceDirectoryId);
      assert.equal(ready?.account, fileCredentials.AccountId);
      const file = JSON.parse(await readFile(join(cwd, 'data', 'db.sqlite.credentials.json'), 'utf8'));
      assert.deepEqual(file, fileCredentials, 'the credentials file is left as it was');

      const api = client(port, printed);
      const got = await api.call('GetMessageContact', { ContactId: contactId });
      assert.equal(got.Contact.Name, 'Alice');
      const list = await api.call('ListMessageContacts', {});
      assert.deepEqual(list.Contacts.map((c: { ContactId: string }) => c.ContactId), [contactId]);
    });

    test('a key disabled with admin keys disable answers InvalidAccessKeyId.Inactive; deleted, NotFound', async () => {
      const database = args.slice(2);
      const created = await runCli(['admin', 'keys', 'create', '--account', fileCredentials.AccountId!, '--json', ...database], { cwd });
      assert.equal(created.code, 0, show(created));
      const key = parseJson<{ AccessKeyId: string; AccessKeySecret: string }>(created);
      const api = client(port, { accessKeyId: key.AccessKeyId, accessKeySecret: key.AccessKeySecret });
      const got = await api.call('GetMessageContact', { ContactId: contactId });
      assert.equal(got.Contact.ContactId, contactId, 'a new key of the account sees its directory');

      const disabled = await runCli(['admin', 'keys', 'disable', key.AccessKeyId, ...database], { cwd });
      assert.equal(disabled.code, 0, show(disabled));
      const inactive = await failure(api.call('GetMessageContact', { ContactId: contactId }));
      assert.equal(inactive.code, 'InvalidAccessKeyId.Inactive');

      const enabled = await runCli(['admin', 'keys', 'enable', key.AccessKeyId, ...database], { cwd });
      assert.equal(enabled.code, 0, show(enabled));
      assert.equal((await api.call('GetMessageContact', { ContactId: contactId })).Contact.ContactId, contactId);

      const deleted = await runCli(['admin', 'keys', 'delete', key.AccessKeyId, ...database], { cwd });
      assert.equal(deleted.code, 0, show(deleted));
      const notFound = await failure(api.call('GetMessageContact', { ContactId: contactId }));
      assert.equal(notFound.code, 'InvalidAccessKeyId.NotFound');

      // The bootstrap key is untouched.
      assert.equal((await client(port, printed).call('GetMessageContact', { ContactId: contactId })).Contact.ContactId, contactId);
      for (const line of second!.stdout.split('\n')) assert.ok(!line.includes(key.AccessKeySecret), `secret in log line: ${line}`);
    });

    test('verification completes through the outbox link: GET shows, only POST confirms', async () => {
      const api = client(port, printed);
      const email = 'bob@example.com';
      const added = await api.call('AddMessageContact', { ...contact('Bob'), EmailAddress: email });
      const id: string = added.Contact.ContactId;
      await api.call('SendEmailVerificationForMessageContact', { ContactId: id, EmailAddress: email });

      const outbox = await runCli(['outbox', '--to', email, '--json', ...args.slice(2)], { cwd });
      assert.equal(outbox.code, 0, show(outbox));
      const messages = parseJson<{ Recipient: string; ContactId: string; Link: string; Body: string; Status: string; Attempts: number; Purpose: string; Transport: string }[]>(outbox);
      assert.equal(messages.length, 1, outbox.stdout);
      const [message] = messages;
      assert.equal(message!.Recipient, email);
      assert.equal(message!.ContactId, id);
      // The default transport stores only: the delivery is Stored, never attempted.
      assert.deepEqual([message!.Purpose, message!.Transport, message!.Status, message!.Attempts], ['verification', 'outbox', 'Stored', 0]);
      const text = await runCli(['outbox', '--to', email, ...args.slice(2)], { cwd });
      assert.match(text.stdout, /Status\s+Attempts/);
      assert.match(text.stdout, /Stored\s+0/);
      const sent = await runCli(['outbox', '--status', 'Sent', '--json', ...args.slice(2)], { cwd });
      assert.deepEqual(parseJson(sent), [], 'no delivery is Sent');
      const sentText = await runCli(['outbox', '--status', 'Sent', ...args.slice(2)], { cwd });
      assert.equal(sentText.stdout, 'There is no message in status Sent.\n', show(sentText));
      const nobody = await runCli(['outbox', '--to', 'nobody@example.com', ...args.slice(2)], { cwd });
      assert.equal(nobody.stdout, 'There is no message to nobody@example.com.\n', 'not "the outbox is empty": it holds a message to Bob');
      const bad = await runCli(['outbox', '--status', 'sent', ...args.slice(2)], { cwd });
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /--status must be one of Stored, Queued, Sending, Sent, Failed/);
      assert.match(message!.Link, new RegExp(`^http://127\\.0\\.0\\.1:${port}/verify/[0-9A-Za-z_-]+$`));
      assert.ok(message!.Body.includes(message!.Link), 'the message carries the link');
      const link = message!.Link;

      for (let i = 0; i < 2; i++) {
        const shown = await fetch(link);
        assert.equal(shown.status, 200);
        assert.match(shown.headers.get('content-type') ?? '', /^text\/html/);
        const html = await shown.text();
        assert.ok(html.includes('Bob'), 'the page names the contact');
        assert.ok(html.includes(email), 'the page names the address');
        assert.match(html, /<form[^>]*method="post"/i);
        assert.match(html, /<button[^>]*>\s*Confirm\s*<\/button>/i);
      }
      const afterGet = await api.call('GetMessageContact', { ContactId: id });
      assert.equal(afterGet.Contact.Status, 'Verifying', 'a GET never confirms');

      const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' };
      const confirmed = await fetch(link, form);
      assert.equal(confirmed.status, 200);
      const confirmedHtml = await confirmed.text();
      assert.match(confirmedHtml, /confirmed|verified/i);
      assert.ok(confirmedHtml.includes(email));
      const afterPost = await api.call('GetMessageContact', { ContactId: id });
      assert.equal(afterPost.Contact.Status, 'Active');
      assert.equal(afterPost.Contact.EmailAddress, email);

      const again = await fetch(link, form);
      assert.equal(again.status, 410);
      assert.match(await again.text(), /already/i);
      assert.equal((await api.call('GetMessageContact', { ContactId: id })).Contact.Status, 'Active');
    });

    test('the restarted server never logged a secret', () => {
      assert.ok(!second!.stdout.includes(printed.accessKeySecret) && !second!.stderr.includes(printed.accessKeySecret));
    });
  });

  describe('bootstrap key from RDC_ACCESS_KEY_ID and RDC_ACCESS_KEY_SECRET', { concurrency: false }, () => {
    let cwd: string;
    let port: number;
    let database: string;
    let server: ServeProcess | undefined;
    const given = {
      accessKeyId: `LTAItest${randomBytes(8).toString('hex')}`,
      accessKeySecret: randomBytes(15).toString('hex'),
    };

    before(async () => {
      cwd = await tempDir('rdc-serve-');
      port = await freePort();
      database = `sqlite:${join(cwd, 'data', 'db.sqlite')}`;
    });
    after(async () => {
      await server?.kill();
    });

    test('on first start that key works and nothing is generated (RDC_PORT honoured)', async () => {
      server = await ServeProcess.start(['--database', database], {
        cwd,
        env: { RDC_ACCESS_KEY_ID: given.accessKeyId, RDC_ACCESS_KEY_SECRET: given.accessKeySecret, RDC_PORT: String(port) },
      });
      assert.deepEqual(listeningAt(server), [`Server listening at http://127.0.0.1:${port}`]);
      assert.deepEqual(server.plainLines(), [], 'no key is printed');
      assert.ok(!server.stdout.includes(given.accessKeySecret) && !server.stderr.includes(given.accessKeySecret), 'the secret is never logged');
      assert.ok(!existsSync(join(cwd, 'data', 'db.sqlite.credentials.json')), 'no credentials file');
      const added = await client(port, given).call('AddMessageContact', contact('Carol'));
      assert.match(added.Contact.ContactId, /^c-[0-9A-Za-z]{16}$/);
      assert.deepEqual(await server.stop(), { code: 0, signal: null });
    });

    let refused: Awaited<ReturnType<typeof runCli>>;

    test('a later start with a different secret for the stored id exits non-zero with a clear message', async () => {
      refused = await runCli(['serve', '--database', database, '--port', String(port)], {
        cwd,
        env: { RDC_ACCESS_KEY_ID: given.accessKeyId, RDC_ACCESS_KEY_SECRET: 'not-the-stored-secret-0000' },
      });
      assert.notEqual(refused.code, 0, show(refused));
      assert.ok(refused.stderr.includes(given.accessKeyId), show(refused));
      assert.match(refused.stderr, /different secret/);
      assert.ok(!refused.stderr.includes(given.accessKeySecret) && !refused.stdout.includes(given.accessKeySecret));
      assert.ok(!refused.stderr.includes('not-the-stored-secret-0000'), 'the given secret is not echoed either');
    });

    test(
      'that message comes without a stack trace',
      () => {
        assert.match(refused.stderr, /^rdcontacts: .*different secret/m);
        assert.ok(!hasStackTrace(refused.stderr), `a message, not a stack trace:\n${refused.stderr}`);
      },
    );
  });

  describe('host and port', { concurrency: true }, () => {
    // 192.0.2.1 (TEST-NET-1) is never an address of this machine: listening on it fails at once,
    // without a DNS lookup, so whether RDC_HOST was used shows without binding anything but 127.0.0.1.
    const unusableHost = '192.0.2.1';
    const started: ServeProcess[] = [];
    let refusal: ReturnType<typeof runCli> | undefined;
    /** One start with RDC_HOST=192.0.2.1, shared by the two tests that look at it. */
    const refused = async () => {
      refusal ??= (async () => {
        const cwd = await tempDir('rdc-serve-');
        return runCli(['serve', '--port', String(await freePort()), '--database', `sqlite:${join(cwd, 'db.sqlite')}`], {
          cwd,
          env: { RDC_HOST: unusableHost },
        });
      })();
      return refusal;
    };
    after(async () => {
      await Promise.all(started.map((server) => server.kill()));
    });

    test('--host and --port win over RDC_HOST and RDC_PORT', async () => {
      const cwd = await tempDir('rdc-serve-');
      const [envPort, flagPort] = [await freePort(), await freePort()];
      const server = new ServeProcess(['--host', '127.0.0.1', '--port', String(flagPort), '--database', `sqlite:${join(cwd, 'db.sqlite')}`], {
        cwd,
        env: { RDC_HOST: unusableHost, RDC_PORT: String(envPort) },
      });
      started.push(server);
      await server.ready;
      assert.deepEqual(listeningAt(server), [`Server listening at http://127.0.0.1:${flagPort}`]);
      assert.equal((await fetch(`http://127.0.0.1:${flagPort}/healthz`)).status, 200);
    });

    test('RDC_HOST is honoured (an address not on this machine makes the start fail)', async () => {
      const result = await refused();
      assert.notEqual(result.code, 0, show(result));
      assert.ok(result.stderr.includes(unusableHost), show(result));
    });

    test(
      'a start that cannot listen says so without a stack trace',
      async () => {
        const result = await refused();
        assert.notEqual(result.code, 0, show(result));
        assert.match(result.stderr, /^rdcontacts: .*192\.0\.2\.1/m);
        assert.ok(!hasStackTrace(result.stderr), `a message, not a stack trace:\n${result.stderr}`);
      },
    );
  });

  describe('invalid configuration exits non-zero with a clear message, not a stack trace', { concurrency: 3 }, () => {
    const cases: [string, string[], Record<string, string>, RegExp][] = [
      ['--port abc', ['--port', 'abc'], {}, /port.*"abc"/],
      ['--throttle 0', ['--throttle', '0'], {}, /throttle.*"0"/],
      ['RDC_ACCESS_KEY_ID without RDC_ACCESS_KEY_SECRET', [], { RDC_ACCESS_KEY_ID: 'LTAIonlyTheId' }, /RDC_ACCESS_KEY_SECRET/],
      ['--language fr-FR', ['--language', 'fr-FR'], {}, /language must be en-US or zh-CN/],
      ['--email-transport smtp without a server', ['--email-transport', 'smtp', '--mail-from', 'a@example.com'], {}, /--smtp-host or RDC_SMTP_HOST/],
      ['--email-transport smtp without a sender', ['--email-transport', 'smtp', '--smtp-host', '127.0.0.1'], {}, /--mail-from or RDC_MAIL_FROM/],
      ['--smtp-security ssl', ['--email-transport', 'smtp', '--smtp-host', 'h', '--mail-from', 'a@example.com', '--smtp-security', 'ssl'], {}, /smtp-security must be/],
      ['RDC_SMTP_PASSWORD without a user', ['--email-transport', 'smtp', '--smtp-host', 'h', '--mail-from', 'a@example.com'], { RDC_SMTP_PASSWORD: 'pw-never-shown' }, /no SMTP user/],
      ['--sms-transport carrier-pigeon', ['--sms-transport', 'carrier-pigeon'], {}, /sms-transport must be outbox, webhook or aliyun/],
      ['--sms-transport webhook without its secret', ['--sms-transport', 'webhook', '--sms-webhook-url', 'http://127.0.0.1:9/sms'], {}, /RDC_SMS_WEBHOOK_SECRET/],
      ['--sms-transport aliyun without keys', ['--sms-transport', 'aliyun', '--sms-aliyun-sign-name', 'x', '--sms-aliyun-template-code', 'SMS_1'], {}, /RDC_SMS_ALIYUN_ACCESS_KEY_ID/],
      ['--sms-aliyun-templates with an unknown kind', ['--sms-transport', 'aliyun', '--sms-aliyun-sign-name', 'x', '--sms-aliyun-template-code', 'SMS_1', '--sms-aliyun-templates', 'birthday=SMS_2'], { RDC_SMS_ALIYUN_ACCESS_KEY_ID: 'k', RDC_SMS_ALIYUN_ACCESS_KEY_SECRET: 's' }, /"birthday=SMS_2"/],
      ['--delivery-lease shorter than twice the timeout', ['--delivery-lease', '30', '--delivery-timeout', '20000'], {}, /delivery-lease must be at least twice/],
      ['--deletion-lease shorter than twice the step delay', ['--deletion-lease', '1', '--deletion-step-delay', '600'], {}, /deletion-lease must be at least twice deletion-step-delay/],
      ['--delivery-timeout beyond ten minutes', ['--delivery-timeout', '2147483648'], {}, /delivery-timeout must be at most 600000/],
      ['--smtp-user without RDC_SMTP_PASSWORD', ['--email-transport', 'smtp', '--smtp-host', 'h', '--mail-from', 'a@example.com', '--smtp-user', 'mailer'], {}, /RDC_SMTP_PASSWORD is not set/],
      ['--sms-webhook-url with a password', ['--sms-transport', 'webhook', '--sms-webhook-url', 'https://u:hunter2@hooks.example/sms'], { RDC_SMS_WEBHOOK_SECRET: 's' }, /must not carry a user or password \(https:\/\/hooks\.example\)/],
    ];
    for (const [name, args, env, message] of cases) {
      test(name, async () => {
        const cwd = await tempDir('rdc-serve-');
        const result = await runCli(['serve', ...args, '--database', `sqlite:${join(cwd, 'data', 'db.sqlite')}`], { cwd, env });
        assert.notEqual(result.code, 0, show(result));
        assert.equal(result.signal, null, show(result));
        assert.match(result.stderr, /^rdcontacts: /m);
        assert.match(result.stderr, message);
        assert.ok(!hasStackTrace(result.stderr), `a message, not a stack trace:\n${result.stderr}`);
        assert.ok(!existsSync(join(cwd, 'data')), 'no database was created');
      });
    }
  });
});

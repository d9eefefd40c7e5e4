/**
 * Nothing lost, nothing repeated across a crash: a real `rdcontacts serve` with queued emails that
 * its SMTP server does not take yet is killed with SIGKILL; once the SMTP server is back and the
 * service restarted on the same database, every message arrives exactly once.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { ServeProcess, freePort, removeTempDirs, tempDir } from '../cli/helpers.js';
import { type ApiClient, apiClient } from '../support/clients.js';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.js';
import { until } from '../support/until.js';

const messages = 12;
const running: ServeProcess[] = [];
let sink: SmtpSink | undefined;

after(async () => {
  await Promise.all(running.map((server) => server.kill()));
  await sink?.close();
  await removeTempDirs();
});

test('emails queued when the service is killed with SIGKILL are sent after the restart, each exactly once', async () => {
  sink = await startSmtpSink();
  await sink.stop(); // down: every attempt is refused, so the messages stay queued
  const cwd = await tempDir('rdc-delivery-');
  const dbPath = join(cwd, 'rd.db');
  const port = await freePort();
  const args = [
    '--database', `sqlite:${dbPath}`, '--port', String(port), '--throttle', 'off', '--max-contacts', '50',
    '--email-transport', 'smtp', '--smtp-host', '127.0.0.1', '--smtp-port', String(sink.port), '--smtp-security', 'none',
    '--mail-from', 'noreply@rdcontacts.example', '--delivery-retry-base', '20', '--delivery-retry-max', '200',
    '--delivery-attempts', '100', '--json',
  ];
  const first = await ServeProcess.start(args, { cwd });
  running.push(first);
  // --json prints the generated key as one JSON line (among the JSON log lines).
  const credentials = first.logLines().find((line) => 'AccessKeySecret' in line) as { AccessKeyId: string; AccessKeySecret: string };
  const client: ApiClient = apiClient('openapi-v3', `127.0.0.1:${port}`, {
    accessKeyId: credentials.AccessKeyId,
    accessKeySecret: credentials.AccessKeySecret,
    accountId: '',
    directoryId: '',
  });
  const reader = new SQLite(dbPath, { readonly: true, fileMustExist: true });
  try {
    const addresses: string[] = [];
    for (let i = 0; i < messages; i++) {
      const email = `crash${i}@example.com`;
      addresses.push(email);
      const name = `crash${String.fromCharCode(97 + i)}`;
      const id = (await client.call('AddMessageContact', { Name: name, EmailAddress: email, Title: 'Other', MessageTypes: ['FaultMessage'] }))
        .Contact.ContactId as string;
      await client.call('SendEmailVerificationForMessageContact', { ContactId: id, EmailAddress: email });
    }
    const statuses = () => reader.prepare("select status, count(*) as n from outbox where channel = 'email' group by status").all() as { status: string; n: number }[];
    // Each message has been tried and refused at least once before the kill.
    await until('an attempt of every message', () => {
      const tried = (reader.prepare('select count(*) as n from outbox where attempts > 0').get() as { n: number }).n;
      return tried === messages ? tried : undefined;
    });
    (first as unknown as { child: ChildProcess }).child.kill('SIGKILL');
    assert.equal((await first.exited).signal, 'SIGKILL');
    const atKill = statuses();
    assert.equal(atKill.reduce((sum, s) => sum + s.n, 0), messages);
    assert.ok(atKill.every((s) => s.status === 'Queued' || s.status === 'Sending'), `nothing sent before the restart: ${JSON.stringify(atKill)}`);
    assert.equal(sink.received.length, 0);

    await sink.start();
    const second = await ServeProcess.start(args, { cwd });
    running.push(second);
    await sink.waitFor(messages, 20_000);
    await until('every delivery recorded as Sent', () => {
      const now = statuses();
      return now.length === 1 && now[0]!.status === 'Sent' && now[0]!.n === messages ? now : undefined;
    });
    // Once all are Sent nothing can send them again: what the sink holds now is final.
    const ids = sink.received.map((mail) => mail.messageId);
    assert.equal(ids.length, messages, `exactly ${messages} messages arrived`);
    assert.equal(new Set(ids).size, messages, 'no message arrived twice');
    assert.deepEqual(sink.received.flatMap((mail) => mail.to).sort(), [...addresses].sort());
    const rows = reader.prepare('select id, provider_id, sent_at from outbox').all() as { id: string; provider_id: string | null; sent_at: string | null }[];
    assert.deepEqual(new Set(ids), new Set(rows.map((row) => `<${row.id}@rdcontacts>`)), 'each delivery is the message with its own Message-ID');
    assert.ok(rows.every((row) => row.sent_at !== null));
    await second.stop();
  } finally {
    reader.close();
  }
});

/**
 * The deletion job (DeleteMessageContact RetainContactInMembers=false) survives SIGKILL: a real
 * `rdcontacts serve` on a file database is killed in the middle of the job, restarted, and the job
 * resumes and finishes with every covered account processed exactly once.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { bootstrap } from '../../src/domain/organization.js';
import { systemClock } from '../../src/domain/time.js';
import { openStore } from '../../src/store/store.js';
import { ServeProcess, freePort, removeTempDirs, tempDir } from '../cli/helpers.js';
import { type ApiClient, apiClient, failure } from '../support/clients.js';
import type { Credentials } from '../support/server.js';
import { addFolder, addMember, rootFolderOf } from '../support/tree-fixtures.js';
import { confirmLink } from '../support/verification-links.js';
import { until } from '../support/until.js';

const accounts = 40;
const running: ServeProcess[] = [];

after(async () => {
  await Promise.all(running.map((server) => server.kill()));
  await removeTempDirs();
});

async function serve(cwd: string, databaseUrl: string, port: number, extra: string[]): Promise<ServeProcess> {
  const server = await ServeProcess.start(['--database', databaseUrl, '--port', String(port), '--throttle', 'off', ...extra], { cwd });
  running.push(server);
  return server;
}

test('a deletion job killed with SIGKILL mid-way resumes on the next start; every account processed exactly once', async () => {
  const cwd = await tempDir('rdc-deletion-');
  const dbPath = join(cwd, 'rd.db');
  const databaseUrl = `sqlite:${dbPath}`;

  // The directory, written into the file before the server starts: one folder with `accounts` members.
  const store = await openStore(databaseUrl);
  const { account, createdKey } = await bootstrap(store, systemClock);
  const root = await rootFolderOf(store, account.directoryId);
  const folder = await addFolder(store, account.directoryId, root, 'Workloads');
  const memberIds: string[] = [];
  for (let i = 0; i < accounts; i++) memberIds.push(await addMember(store, account.directoryId, folder, `acct${i}`));
  await store.close();
  const credentials: Credentials = {
    accessKeyId: createdKey!.accessKeyId,
    accessKeySecret: createdKey!.accessKeySecret,
    accountId: account.accountId,
    directoryId: account.directoryId,
  };

  const port = await freePort();
  const first = await serve(cwd, databaseUrl, port, ['--deletion-batch-size', '1', '--deletion-step-delay', '20']);
  const client: ApiClient = apiClient('openapi-v3', `127.0.0.1:${port}`, credentials);
  const reader = new SQLite(dbPath, { readonly: true, fileMustExist: true });
  try {
    async function addVerified(name: string): Promise<string> {
      const email = `${name}@example.com`;
      const id = (await client.call('AddMessageContact', { Name: name, EmailAddress: email, Title: 'TechnicalDirector', MessageTypes: ['AccountExpenses'] }))
        .Contact.ContactId as string;
      await client.call('SendEmailVerificationForMessageContact', { ContactId: id, EmailAddress: email });
      const link = reader.prepare('select link from outbox where recipient = ? order by created_at desc limit 1').get(email) as { link: string };
      assert.equal((await confirmLink(link.link)).status, 200);
      return id;
    }
    // A second verified recipient on the directory, so every account can let the deleted one go.
    const backup = await addVerified('backup');
    await client.call('AssociateMembers', { ContactId: backup, Members: [account.directoryId] });
    const id = await addVerified('leaving');
    await client.call('AssociateMembers', { ContactId: id, Members: [folder] });

    assert.equal((await client.call('DeleteMessageContact', { ContactId: id, RetainContactInMembers: false })).Status, 'Deleting');
    const progress = () => (reader.prepare('select count(*) as n from deletion_progress where contact_id = ?').get(id) as { n: number }).n;
    const midway = await until('some progress', () => {
      const n = progress();
      return n >= 3 ? n : undefined;
    });
    assert.ok(midway < accounts, `killed mid-way (${midway} of ${accounts})`);
    (first as unknown as { child: ChildProcess }).child.kill('SIGKILL');
    assert.equal((await first.exited).signal, 'SIGKILL');

    const atKill = progress();
    assert.ok(atKill < accounts, `the job was cut off (${atKill} of ${accounts} processed)`);
    const job = reader.prepare('select status, lease_owner from contact_deletions where contact_id = ?').get(id) as { status: string; lease_owner: string };
    assert.equal(job.status, 'Deleting');
    assert.ok(job.lease_owner, 'the dead process still holds the lease');

    // Restart on the same file: the job resumes without waiting for the lease to expire.
    await serve(cwd, databaseUrl, port, []);
    for (let attempt = 0; ; attempt++) {
      assert.ok(attempt < 1000, 'the resumed job finishes');
      try {
        const body = await client.call('GetMessageContactDeletionStatus', { ContactId: id });
        assert.equal(body.ContactDeletionStatus.Status, 'Deleting');
      } catch (error) {
        assert.equal((await failure(Promise.reject(error))).code, 'EntityNotExists.Contact');
        break;
      }
      await delay(10);
    }

    const steps = reader
      .prepare("select changes from audit_events where contact_id = ? and action = 'DeleteMessageContactStep'")
      .all(id)
      .map((row) => JSON.parse((row as { changes: string }).changes) as { AccountId: string; Outcome: string });
    assert.equal(steps.length, accounts, 'one step per account: nothing done twice');
    assert.deepEqual(steps.map((s) => s.AccountId).sort(), [...memberIds].sort(), 'nothing lost');
    assert.ok(steps.every((s) => s.Outcome === 'Released'));
    const finished = reader.prepare("select changes from audit_events where contact_id = ? and action = 'FinishMessageContactDeletion'").all(id);
    assert.deepEqual(finished.map((row) => JSON.parse((row as { changes: string }).changes)), [{ Status: 'Deleted' }]);
    const count = (sql: string) => (reader.prepare(sql).get(id) as { n: number }).n;
    assert.equal(count('select count(*) as n from deletion_progress where contact_id = ?'), 0);
    assert.equal(count('select count(*) as n from contact_deletions where contact_id = ?'), 0);
    assert.equal(count('select count(*) as n from contact_bindings where contact_id = ?'), 0);
    assert.equal((await failure(client.call('GetMessageContact', { ContactId: id }))).code, 'EntityNotExists.Contact');
    assert.equal((await client.call('GetMessageContact', { ContactId: backup })).Contact.Status, 'Active');
  } finally {
    reader.close();
  }
});

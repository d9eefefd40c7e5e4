/**
 * Several instances, one truth: three real `rdcontacts serve` processes on one PostgreSQL schema.
 *
 *  1. The official clients (all four kinds) spread across the instances: what one instance writes
 *     the others read, update, list and delete; verification email sent through one instance is
 *     confirmed on another.
 *  2. Replay across instances: a signed request accepted by one instance is refused with
 *     SignatureNonceUsed by the other two; sent to all three at once, exactly one accepts it.
 *  3. Concurrent conflicting updates of one contact sent to the three instances at the same moment:
 *     each wins or gets 429 ConcurrentCallNotSupported, and no update is lost (the contact holds
 *     the last accepted update; one audit event per accepted update, none for a refused one).
 *  4. The delivery worker on three instances: emails queued on all of them while the SMTP server
 *     refuses, then the server comes up: every message arrives exactly once and is recorded Sent.
 *  5. A deletion job whose instance is killed with SIGKILL mid-way is finished by another live
 *     instance once the dead one's lease has run out (the dead one made to look as if on another
 *     host); every covered account is processed exactly once. (Last: it leaves two instances.)
 *
 * Runs when the PostgreSQL pass runs (test/support/backends.ts).
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { bootstrap } from '../../src/domain/organization.js';
import { systemClock } from '../../src/domain/time.js';
import { openStore } from '../../src/store/store.js';
import { ServeProcess, freePort, removeTempDirs, tempDir } from '../cli/helpers.js';
import { type ApiClient, type Body, type ClientName, apiClient, clientNames, expectError, failure } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { freshSchema } from '../support/pg-schemas.js';
import type { Credentials } from '../support/server.js';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.js';
import { letters } from '../support/names.js';
import { addFolder, addMember, rootFolderOf } from '../support/tree-fixtures.js';
import { until } from '../support/until.js';
import { confirmLink, openLink } from '../support/verification-links.js';
import { type RawResponse, send, signAcs3, signRpc } from '../wire/raw-request.js';

const sender = 'noreply@rdcontacts.example';
/** Member accounts in the folder the deletion job works through. */
const folderAccounts = 40;
/** Verification emails the delivery test queues across the three instances. */
const queuedMessages = 36;

const codeOf = (response: RawResponse): string | undefined => (response.status === 200 ? undefined : response.json().Code);

interface Instance {
  name: 'A' | 'B' | 'C';
  endpoint: string;
  port: number;
  server: ServeProcess;
}

/** The process behind a ServeProcess (as test/bindings/restart.test.ts reaches it, to SIGKILL it). */
const childOf = (server: ServeProcess): ChildProcess => (server as unknown as { child: ChildProcess }).child;
const pidOf = (server: ServeProcess): number => childOf(server).pid!;

describe('three instances on one PostgreSQL database', { skip: !backends.some((b) => b.name === 'postgres') && 'no PostgreSQL pass' }, () => {
  let drop: (() => Promise<void>) | undefined;
  let db: pg.Pool;
  let sink: SmtpSink;
  let credentials: Credentials;
  let folder: string;
  const memberIds: string[] = [];
  const instances: Instance[] = [];
  /** The four official clients, client i on instance i % 3 (A, B, C, A). */
  let clients: ApiClient[] = [];

  /** What an operator would look for in the instances' logs after the fact: nothing at error level. */
  const assertNoErrorsLogged = () => {
    for (const instance of instances) {
      const errors = instance.server.logLines().filter((line) => typeof line.level === 'number' && line.level >= 50);
      assert.deepEqual(errors, [], `instance ${instance.name} logged no error`);
    }
  };
  const clientOn = (kind: ClientName, instance: Instance) => apiClient(kind, instance.endpoint, credentials);
  const query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => (await db.query(sql, params)).rows as T[];

  before(async () => {
    const schema = await freshSchema();
    drop = schema.drop;
    db = new pg.Pool({ connectionString: schema.url, max: 2 });

    // The organization and a folder of member accounts, written before any server starts.
    const store = await openStore(schema.url);
    const { account, createdKey } = await bootstrap(store, systemClock);
    folder = await addFolder(store, account.directoryId, await rootFolderOf(store, account.directoryId), 'Workloads');
    for (let i = 0; i < folderAccounts; i++) memberIds.push(await addMember(store, account.directoryId, folder, `acct${i}`));
    await store.close();
    credentials = {
      accessKeyId: createdKey!.accessKeyId,
      accessKeySecret: createdKey!.accessKeySecret,
      accountId: account.accountId,
      directoryId: account.directoryId,
    };

    sink = await startSmtpSink();
    const cwd = await tempDir('rdc-cluster-');
    const started = await Promise.all(
      (['A', 'B', 'C'] as const).map(async (name) => {
        const port = await freePort();
        const server = new ServeProcess(
          [
            '--database', schema.url, '--port', String(port), '--throttle', 'off', '--max-contacts', '100',
            // A slow deletion job (one account per step, 20 ms apart), so that it can be cut off mid-way.
            // On every instance: whichever takes the job (in practice A, which the delete wakes) is slow.
            '--deletion-batch-size', '1', '--deletion-step-delay', '20',
            // A job of an instance that vanished on another host is taken over after 2 s without a step.
            '--deletion-lease', '2',
            '--email-transport', 'smtp', '--smtp-host', '127.0.0.1', '--smtp-port', String(sink.port), '--smtp-security', 'none',
            '--mail-from', sender,
            // Retries within a fraction of a second, and enough attempts to outlast the SMTP outage.
            '--delivery-retry-base', '50', '--delivery-retry-max', '400', '--delivery-attempts', '100',
          ],
          { cwd },
        );
        return { name, port, endpoint: `127.0.0.1:${port}`, server };
      }),
    );
    instances.push(...started);
    await Promise.all(instances.map((instance) => instance.server.ready));
    clients = clientNames.map((kind, i) => clientOn(kind, instances[i % instances.length]!));
  });

  after(async () => {
    await Promise.all(instances.map((instance) => instance.server.kill()));
    await sink?.close();
    await db?.end();
    await drop?.();
    await removeTempDirs();
  });

  test('the official clients spread across the instances see one set of contacts', async () => {
    // Each client adds a contact on its instance; every client reads all of them on its own.
    const added: { id: string; name: string; email: string }[] = [];
    for (const [i, client] of clients.entries()) {
      const name = `spread${letters(i)}`;
      const email = `spread${i}@example.com`;
      const body = await client.call('AddMessageContact', { Name: name, EmailAddress: email, Title: 'Other', MessageTypes: ['FaultMessage'] });
      added.push({ id: body.Contact.ContactId as string, name, email });
    }
    for (const client of clients) {
      for (const contact of added) {
        const got = (await client.call('GetMessageContact', { ContactId: contact.id })).Contact;
        assert.equal(got.Name, contact.name, `${client.name} reads ${contact.name}`);
        assert.equal(got.EmailAddress, contact.email);
      }
      const listed = ((await client.call('ListMessageContacts', { PageSize: 100 })).Contacts as Body[]).map((c) => c.ContactId);
      for (const contact of added) assert.ok(listed.includes(contact.id), `${client.name} lists ${contact.name}`);
    }
    // Updated on one instance, read on each of the others.
    await clients[2]!.call('UpdateMessageContact', { ContactId: added[0]!.id, Title: 'FinanceDirector' }); // pop-get on C
    for (const client of clients) {
      assert.equal((await client.call('GetMessageContact', { ContactId: added[0]!.id })).Contact.Title, 'FinanceDirector');
    }
  });

  test('one contact from add to delete, every step on another instance', async () => {
    const [v3OnA, v2OnB, popGetOnC, popPostOnA] = clients as [ApiClient, ApiClient, ApiClient, ApiClient];
    const email = 'journey@example.com';
    const id = (
      await v3OnA.call('AddMessageContact', { Name: 'journey', EmailAddress: email, Title: 'TechnicalDirector', MessageTypes: ['SecurityMessage'] })
    ).Contact.ContactId as string;

    const fresh = (await v2OnB.call('GetMessageContact', { ContactId: id })).Contact;
    assert.deepEqual(
      { Name: fresh.Name, EmailAddress: fresh.EmailAddress, Title: fresh.Title, MessageTypes: fresh.MessageTypes, Status: fresh.Status },
      { Name: 'journey', EmailAddress: email, Title: 'TechnicalDirector', MessageTypes: ['SecurityMessage'], Status: 'Verifying' },
    );

    await popGetOnC.call('UpdateMessageContact', { ContactId: id, Title: 'ProjectDirector', MessageTypes: ['SecurityMessage', 'FaultMessage'] });
    const listed = ((await popPostOnA.call('ListMessageContacts', { PageSize: 100 })).Contacts as Body[]).find((c) => c.ContactId === id);
    assert.equal(listed?.Title, 'ProjectDirector');
    assert.deepEqual([...(listed?.MessageTypes as string[])].sort(), ['FaultMessage', 'SecurityMessage']);

    // The verification email, sent through B, arrives at the SMTP server; its link is confirmed on C.
    await v2OnB.call('SendEmailVerificationForMessageContact', { ContactId: id, EmailAddress: email });
    const mail = await until('the verification email', () => sink.received.find((m) => m.to.includes(email)));
    const link = /https?:\/\/\S+\/verify\/\S+/.exec(mail.text)?.[0];
    assert.ok(link, `a link in the email: ${mail.text}`);
    assert.equal(new URL(link).port, String(instances[1]!.port), 'the link names the instance that sent it (its public URL)');
    // Behind a load balancer every instance would share one public URL; here the link is opened on C.
    const onC = new URL(link);
    onC.port = String(instances[2]!.port);
    assert.equal((await openLink(onC.toString())).status, 200);
    assert.equal((await confirmLink(onC.toString())).status, 200);

    const verified = (await v3OnA.call('GetMessageContact', { ContactId: id })).Contact;
    assert.equal(verified.Status, 'Active');
    assert.equal(verified.EmailAddress, email);
    assert.equal((await popGetOnC.call('ListMessageContactVerifications', { ContactId: id })).TotalCount, 0, 'nothing left to verify');

    await popGetOnC.call('DeleteMessageContact', { ContactId: id });
    await expectError(v3OnA.call('GetMessageContact', { ContactId: id }), 'EntityNotExists.Contact', 404);
    await expectError(v2OnB.call('GetMessageContact', { ContactId: id }), 'EntityNotExists.Contact', 404);
    const after = ((await popPostOnA.call('ListMessageContacts', { PageSize: 100 })).Contacts as Body[]).map((c) => c.ContactId);
    assert.ok(!after.includes(id), 'no longer listed');
  });

  test('a signed request accepted by one instance is refused by the other two', async () => {
    const key = credentials;
    const [a, b, c] = instances.map((instance) => instance.endpoint) as [string, string, string];
    for (const method of ['GET', 'POST'] as const) {
      const rpc = signRpc({ method, key });
      assert.equal((await send(a, rpc)).status, 200, `RPC ${method} first use`);
      assert.equal(codeOf(await send(b, rpc)), 'SignatureNonceUsed');
      assert.equal(codeOf(await send(c, rpc)), 'SignatureNonceUsed');
    }
    // ACS3 signs the host header: signed for A, first used on B, replayed on A and C.
    const acs3 = signAcs3({ key, host: a });
    assert.equal((await send(b, acs3)).status, 200);
    const replayed = await send(a, acs3);
    assert.equal(replayed.status, 400);
    assert.equal(codeOf(replayed), 'SignatureNonceUsed');
    assert.equal(codeOf(await send(c, acs3)), 'SignatureNonceUsed');

    // The same request at all three at the same moment: exactly one accepts it.
    for (let round = 0; round < 8; round++) {
      const request = round % 2 ? signAcs3({ key, host: a }) : signRpc({ method: 'GET', key });
      const answers = await Promise.all([a, b, c].map((endpoint) => send(endpoint, request)));
      assert.deepEqual(answers.map(codeOf).sort(), ['SignatureNonceUsed', 'SignatureNonceUsed', undefined], `round ${round}`);
    }
  });

  test('concurrent conflicting updates on three instances: each wins or gets 429, and no update is lost', async (t) => {
    const id = (await clients[0]!.call('AddMessageContact', { Name: 'contested', EmailAddress: 'contested@example.com', Title: 'Other', MessageTypes: ['FaultMessage'] }))
      .Contact.ContactId as string;
    const titles = ['CEO', 'FinanceDirector', 'MaintenanceDirector', 'ProjectDirector', 'TechnicalDirector', 'Other'];
    const types = ['FaultMessage', 'ProductMessage', 'SecurityMessage', 'AccountExpenses'];
    // Two requests per instance per round, through all four client kinds. Every request writes a
    // name of its own, so every accepted one changes the contact and leaves one audit event.
    const senders = Array.from({ length: 6 }, (_, i) => clientOn(clientNames[i % clientNames.length]!, instances[i % instances.length]!));
    const intended = new Map<string, { Title: string; MessageTypes: string[] }>();
    const accepted: string[] = [];
    let sent = 0;
    for (let round = 0; round < 8; round++) {
      const outcomes = await Promise.all(
        senders.map((client, i) => {
          const n = sent++;
          const name = `upd${letters(n)}`;
          const update = { Title: titles[n % titles.length]!, MessageTypes: [types[n % types.length]!] };
          intended.set(name, update);
          return client.call('UpdateMessageContact', { ContactId: id, Name: name, ...update }).then(
            () => ({ name, ok: true as const }),
            (error: unknown) => ({ name, ok: false as const, error, via: `${client.name} on ${instances[i % 3]!.name}` }),
          );
        }),
      );
      for (const outcome of outcomes) {
        if (outcome.ok) continue;
        const refused = await failure(Promise.reject(outcome.error));
        assert.equal(refused.code, 'ConcurrentCallNotSupported', `round ${round}, ${outcome.via}: ${refused.message}`);
        assert.equal(refused.statusCode, 429, `round ${round}, ${outcome.via}`);
      }
      const winners = outcomes.filter((outcome) => outcome.ok).map((outcome) => outcome.name);
      assert.ok(winners.length >= 1, `round ${round}: at least one update wins`);
      accepted.push(...winners);
    }

    t.diagnostic(`${accepted.length} of ${sent} updates accepted, ${sent - accepted.length} refused with 429`);

    // The trail, read straight from the database: one event per accepted update, none for a refused one.
    const events = await query<{ changes: string }>(
      "select changes from audit_events where contact_id = $1 and action = 'UpdateMessageContact' order by seq",
      [id],
    );
    const trail = events.map((event) => JSON.parse(event.changes) as { Name: string });
    assert.equal(trail.length, accepted.length, 'as many UpdateMessageContact events as accepted updates');
    assert.deepEqual(trail.map((change) => change.Name).sort(), [...accepted].sort(), 'exactly the accepted updates are in the trail');

    // The contact, read on every instance, is what the last accepted update wrote.
    const last = trail.at(-1)!.Name;
    for (const instance of instances) {
      const contact = (await clientOn('openapi-v3', instance).call('GetMessageContact', { ContactId: id })).Contact;
      assert.deepEqual(
        { Name: contact.Name, Title: contact.Title, MessageTypes: contact.MessageTypes },
        { Name: last, ...intended.get(last)! },
        `instance ${instance.name} reads the last accepted update`,
      );
    }
    assertNoErrorsLogged();
  });

  test('the delivery worker on three instances sends each message exactly once', async (t) => {
    await sink.stop(); // refused: what is queued now piles up in the outbox
    const addresses: string[] = [];
    const contactIds: string[] = [];
    // Which instances were seen holding a delivery (a Sending row's lease owner, `host/pid/random`).
    // Only a glimpse: the owner is cleared when the attempt is recorded, so it is reported, not asserted.
    const holders = new Set<string>();
    const glimpse = async () => {
      const sending = await query<{ lease_owner: string }>("select lease_owner from outbox where status = 'Sending' and lease_owner is not null");
      for (const row of sending) holders.add(row.lease_owner.split('/')[1]!);
    };
    try {
      for (let i = 0; i < queuedMessages; i++) {
        const client = clients[i % clients.length]!; // A, B, C, A, … through all four client kinds
        const email = `pile${i}@example.com`;
        const id = (await client.call('AddMessageContact', { Name: `pile${letters(i)}`, EmailAddress: email, Title: 'Other', MessageTypes: ['FaultMessage'] }))
          .Contact.ContactId as string;
        await clients[(i + 1) % clients.length]!.call('SendEmailVerificationForMessageContact', { ContactId: id, EmailAddress: email });
        addresses.push(email);
        contactIds.push(id);
      }
      const outbox = () =>
        query<{ id: string; recipient: string; status: string; attempts: number }>(
          "select id, recipient, status, attempts from outbox where channel = 'email' and recipient = any($1)",
          [addresses],
        );
      // Every message has been tried and refused at least once: nothing can have been sent yet.
      await until('a refused attempt of every queued message', async () => {
        await glimpse();
        const rows = await outbox();
        return rows.length === queuedMessages && rows.every((row) => row.attempts > 0) ? rows : undefined;
      }, 20_000);
      const refused = await outbox();
      assert.ok(refused.every((row) => row.status === 'Queued' || row.status === 'Sending'), 'nothing sent while the SMTP server is down');
    } finally {
      await sink.start();
    }

    const rows = await until('every message recorded as Sent', async () => {
      await glimpse();
      const all = await query<{ id: string; recipient: string; status: string; sent_at: string | null; link: string }>(
        "select id, recipient, status, sent_at, link from outbox where channel = 'email' and recipient = any($1)",
        [addresses],
      );
      return all.length === queuedMessages && all.every((row) => row.status === 'Sent') ? all : undefined;
    }, 30_000);
    assert.ok(rows.every((row) => row.sent_at !== null));
    const names = instances.filter((instance) => holders.has(String(pidOf(instance.server)))).map((instance) => instance.name);
    t.diagnostic(`instances seen sending or retrying deliveries: ${names.join(', ') || 'none caught'}`);

    // Once all are Sent nothing sends them again: what the SMTP server holds now is final.
    const mails = sink.received.filter((mail) => mail.to.some((to) => addresses.includes(to)));
    const ids = mails.map((mail) => mail.messageId);
    assert.equal(mails.length, queuedMessages, `exactly ${queuedMessages} messages arrived`);
    assert.equal(new Set(ids).size, queuedMessages, 'no message arrived twice');
    assert.deepEqual(mails.flatMap((mail) => mail.to).sort(), [...addresses].sort(), 'one message to each address');
    assert.deepEqual(new Set(ids), new Set(rows.map((row) => `<${row.id}@rdcontacts>`)), 'each is its delivery, with its own Message-ID');
    for (const row of rows) {
      const [mail] = mails.filter((m) => m.to.includes(row.recipient));
      assert.equal(mail?.messageId, `<${row.id}@rdcontacts>`, `the email to ${row.recipient} is its delivery`);
      // Once Sent, the outbox keeps the link cut short (its token's first 6 characters and …).
      assert.ok(row.link.endsWith('…'), `the outbox no longer holds the token of the email to ${row.recipient}`);
      assert.ok(mail.text.includes(row.link.slice(0, -1)), `the email to ${row.recipient} carries its own verification link`);
    }

    // What a user sees through the API, on another instance than the one that queued it: Sent, once.
    for (const [i, id] of contactIds.entries()) {
      const deliveries = (await clients[(i + 2) % clients.length]!.call('ListMessageDeliveries', { ContactId: id })).Deliveries as Body[];
      assert.deepEqual(deliveries.map((d) => d.Status), ['Sent'], `the delivery to ${addresses[i]}`);
    }
    assertNoErrorsLogged();
  });

  test('a deletion job whose instance is killed with SIGKILL is finished by another instance, each account once', async (t) => {
    const [a] = instances as [Instance];
    const client = clientOn('openapi-v3', a);
    async function addVerified(name: string): Promise<string> {
      const email = `${name}@example.com`;
      const id = (await client.call('AddMessageContact', { Name: name, EmailAddress: email, Title: 'TechnicalDirector', MessageTypes: ['AccountExpenses'] }))
        .Contact.ContactId as string;
      await client.call('SendEmailVerificationForMessageContact', { ContactId: id, EmailAddress: email });
      const [row] = await query<{ link: string }>('select link from outbox where recipient = $1 order by created_at desc limit 1', [email]);
      assert.equal((await confirmLink(row!.link)).status, 200);
      return id;
    }
    // A second verified recipient on the directory, so every account can let the deleted one go.
    const backup = await addVerified('backup');
    await client.call('AssociateMembers', { ContactId: backup, Members: [credentials.directoryId] });
    const id = await addVerified('leaving');
    await client.call('AssociateMembers', { ContactId: id, Members: [folder] });

    assert.equal((await client.call('DeleteMessageContact', { ContactId: id, RetainContactInMembers: false })).Status, 'Deleting');
    const progress = async () => Number((await query<{ n: string }>('select count(*) as n from deletion_progress where contact_id = $1', [id]))[0]!.n);
    const job = async () =>
      (await query<{ status: string; lease_owner: string | null }>('select status, lease_owner from contact_deletions where contact_id = $1', [id]))[0];
    const midway = await until('some progress', async () => {
      const n = await progress();
      return n >= 3 ? n : undefined;
    });
    assert.ok(midway < folderAccounts, `mid-way (${midway} of ${folderAccounts})`);

    // The instance woken by the delete (A) takes the job at once; B and C find it at their next poll.
    // Whichever holds the lease is the one killed: lease owners are `host/pid/random`.
    const owner = (await job())?.lease_owner;
    assert.ok(owner, 'an instance holds the job');
    const holder = instances.find((instance) => owner.split('/')[1] === String(pidOf(instance.server)));
    assert.ok(holder, `the lease names one of the three instances: ${owner}`);
    // The holder is made to look as if it ran on another host, so that its pid tells the others
    // nothing and they must wait for its lease to run out (--deletion-lease 2: 2 s after its last
    // step). The lease changes hands first (a step under way finishes; the holder's next step
    // finds the lease gone), then the holder is killed.
    const elsewhere = 'instance.elsewhere.example/4242/deadbeef';
    const [{ lease_expires_at: expiresAt } = { lease_expires_at: '' }] = await query<{ lease_expires_at: string }>(
      'update contact_deletions set lease_owner = $3 where contact_id = $1 and lease_owner = $2 returning lease_expires_at',
      [id, owner, elsewhere],
    );
    assert.ok(expiresAt, 'the holder still had the lease');
    childOf(holder.server).kill('SIGKILL');
    assert.equal((await holder.server.exited).signal, 'SIGKILL');
    const atKill = await progress();
    assert.ok(atKill < folderAccounts, `the job was cut off (${atKill} of ${folderAccounts} processed)`);
    assert.equal((await job())?.status, 'Deleting');

    // A live instance takes the lease over once it has expired (runners look for jobs once a second).
    const survivors = instances.filter((instance) => instance !== holder);
    const takenBy = await until('another instance takes the job over', async () => {
      const now = await job();
      if (now === undefined) return 'finished before it was seen';
      return now.lease_owner && now.lease_owner !== elsewhere ? now.lease_owner : undefined;
    }, 10_000);
    t.diagnostic(`instance ${holder.name} killed after ${atKill} of ${folderAccounts} accounts; taken over by ${takenBy}`);
    if (takenBy !== 'finished before it was seen') {
      assert.ok(
        survivors.some((instance) => takenBy.split('/')[1] === String(pidOf(instance.server))),
        `taken over by a live instance (${takenBy})`,
      );
    }

    const reader = clientOn('pop-post', survivors[0]!);
    await until('the job finishes', async () => {
      try {
        assert.equal((await reader.call('GetMessageContactDeletionStatus', { ContactId: id })).ContactDeletionStatus.Status, 'Deleting');
        return undefined;
      } catch (error) {
        assert.equal((await failure(Promise.reject(error))).code, 'EntityNotExists.Contact');
        return true;
      }
    }, 20_000);

    const steps = (
      await query<{ changes: string }>("select changes from audit_events where contact_id = $1 and action = 'DeleteMessageContactStep' order by seq", [id])
    ).map((row) => JSON.parse(row.changes) as { AccountId: string; Outcome: string });
    assert.equal(steps.length, folderAccounts, 'one step per account: nothing done twice');
    const afterKill = await query<{ created_at: string }>(
      "select created_at from audit_events where contact_id = $1 and action = 'DeleteMessageContactStep' order by seq offset $2",
      [id, atKill],
    );
    assert.ok(afterKill.length > 0 && afterKill.every((row) => row.created_at >= expiresAt), "nobody touched the job before the vanished instance's lease ran out");
    assert.deepEqual(steps.map((s) => s.AccountId).sort(), [...memberIds].sort(), 'nothing lost');
    assert.ok(steps.every((s) => s.Outcome === 'Released'));
    const finished = await query<{ changes: string }>("select changes from audit_events where contact_id = $1 and action = 'FinishMessageContactDeletion'", [id]);
    assert.deepEqual(finished.map((row) => JSON.parse(row.changes)), [{ Status: 'Deleted' }]);
    const count = async (table: string) => Number((await query<{ n: string }>(`select count(*) as n from ${table} where contact_id = $1`, [id]))[0]!.n);
    assert.equal(await count('deletion_progress'), 0);
    assert.equal(await count('contact_deletions'), 0);
    assert.equal(await count('contact_bindings'), 0);
    for (const instance of survivors) {
      const onIt = clientOn('openapi-v2', instance);
      await expectError(onIt.call('GetMessageContact', { ContactId: id }), 'EntityNotExists.Contact', 404);
      assert.equal((await onIt.call('GetMessageContact', { ContactId: backup })).Contact.Status, 'Active');
    }
    assertNoErrorsLogged();
  });
});

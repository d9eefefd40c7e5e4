/**
 * `rdcontacts audit`: the audit trail for an operator on the machine, from a database no server
 * holds — the same events LookupEvents answers (with --json, the same objects), newest first,
 * filtered by resource, user, action, time (an ISO time, a day or an age), account and count; and
 * the `admin` commands' own events, which the account acted upon then reads with LookupEvents.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveConfig } from '../../src/config.js';
import { bootstrap, changeAccessKey, createAccessKey, createManagementAccount } from '../../src/domain/organization.js';
import { systemClock } from '../../src/domain/time.js';
import { createApp } from '../../src/server/app.js';
import { openStore } from '../../src/store/store.js';
import { type Body, type KeyPair, apiClient, failure, plain, versions } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { freshSchema } from '../support/pg-schemas.js';
import { TestClock } from '../support/test-clock.js';
import { freePort, isOneLineError, parseJson, removeTempDirs, runCli, show, tempDir } from './helpers.js';

const hour = 3_600_000;
const day = 24 * hour;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** rdcontacts serving `url` in this process, on a clock of the test's, until `close`. */
async function serveIn(url: string, clock: TestClock) {
  const store = await openStore(url);
  const port = await freePort();
  const config = resolveConfig({ port: String(port), throttle: 'off' }, {});
  const boot = await bootstrap(store, clock.now);
  const app = createApp({ config, store, clock: clock.now, signatureClock: clock.signatureNow, logger: false });
  await app.listen({ host: '127.0.0.1', port });
  return {
    store,
    config,
    boot,
    endpoint: `127.0.0.1:${port}`,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

after(removeTempDirs);

for (const backend of backends) {
  describe(`rdcontacts audit [${backend.name}]`, () => {
    // Every run of the command line is a process of its own: the options are run on the SQLite
    // file, as the other command-line suites do; on PostgreSQL, what --json prints.
    const options = { skip: backend.name === 'sqlite' ? false : 'the options run against the SQLite file' };
    let cwd: string;
    let url: string;
    let drop: () => Promise<void> = async () => {};
    let env: Record<string, string>;
    const made = {} as {
      accountId: string;
      otherAccountId: string;
      contactId: string;
      folderId: string;
      userName: string;
      /** What LookupEvents answered each account, every event of the last 10 days, newest first. */
      answered: Body[];
      otherAnswered: Body[];
      secrets: string[];
    };

    before(async () => {
      cwd = await tempDir('rdc-audit-');
      if (backend.name === 'sqlite') {
        url = `sqlite:${join(cwd, 'audit.db')}`;
      } else {
        const schema = await freshSchema();
        url = schema.url;
        drop = schema.drop;
      }
      // The first start and the first changes three days ago; a folder two hours ago; the rest now.
      const clock = new TestClock();
      clock.passTime(-3 * 86_400);
      const server = await serveIn(url, clock);
      try {
        const key = server.boot.createdKey!;
        made.accountId = server.boot.account.accountId;
        made.secrets = [key.accessKeySecret];
        const rd = plain(apiClient('openapi-v3', server.endpoint, key));
        const ram = plain(apiClient('pop-post', server.endpoint, key, versions.ram));
        made.contactId = (await rd.call('AddMessageContact', { Name: 'oldest', EmailAddress: 'oldest@example.com', Title: 'CEO', MessageTypes: ['FaultMessage'] })).Contact
          .ContactId;
        clock.passTime(3 * 86_400 - 2 * 3600);
        made.folderId = (await rd.call('CreateFolder', { FolderName: 'two-hours-ago' })).Folder.FolderId;
        clock.passTime(2 * 3600);
        await rd.call('UpdateMessageContact', { ContactId: made.contactId, Title: 'FinanceDirector' });
        made.userName = 'cli-auditor';
        await ram.call('CreateUser', { UserName: made.userName });
        const created = (await ram.call('CreateAccessKey', { UserName: made.userName })).AccessKey;
        made.secrets.push(created.AccessKeySecret);
        await ram.call('AttachPolicyToUser', { PolicyType: 'System', PolicyName: 'AliyunResourceDirectoryFullAccess', UserName: made.userName });
        const userKey: KeyPair = { accessKeyId: created.AccessKeyId, accessKeySecret: created.AccessKeySecret };
        await plain(apiClient('pop-get', server.endpoint, userKey)).call('UpdateMessageContact', { ContactId: made.contactId, Title: 'CEO' });
        // A refused call: a failed event.
        const forged = await failure(apiClient('openapi-v3', server.endpoint, { ...userKey, accessKeySecret: 'wrong' }).call('ListMessageContacts'));
        assert.equal(forged.code, 'SignatureDoesNotMatch');
        // Another account, made as `admin accounts create` and `admin keys create` do.
        const other = await createManagementAccount(server.store, clock.now, 'other');
        const otherKey = await createAccessKey(server.store, clock.now, other.accountId);
        made.otherAccountId = other.accountId;
        made.secrets.push(otherKey.accessKeySecret);
        await plain(apiClient('openapi-v2', server.endpoint, otherKey)).call('AddMessageContact', {
          Name: 'elsewhere',
          EmailAddress: 'elsewhere@example.com',
          Title: 'CEO',
          MessageTypes: ['FaultMessage'],
        });

        const everything = async (via: KeyPair) => {
          const trail = plain(apiClient('openapi-v3', server.endpoint, via, versions.actiontrail));
          const now = clock.now().getTime();
          const body = await trail.call('LookupEvents', { StartTime: iso(now - 10 * day), EndTime: iso(now + 60_000), MaxResults: '50' });
          assert.equal(body.NextToken, undefined);
          return body.Events as Body[];
        };
        made.answered = await everything(key);
        made.otherAnswered = await everything(otherKey);
        env = { RDC_DATABASE: url, RDC_PUBLIC_URL: server.config.publicUrl };
      } finally {
        await server.close();
      }
    });
    after(() => drop());

    const audit = async (...args: string[]) => {
      const result = await runCli(['audit', ...args], { cwd, env });
      for (const secret of made.secrets) assert.equal(result.stdout.includes(secret), false, 'no secret printed');
      return result;
    };
    const auditJson = async (...args: string[]): Promise<Body[]> => {
      const result = await audit(...args, '--json');
      assert.equal(result.code, 0, show(result));
      return parseJson<Body[]>(result);
    };
    const idsOf = (events: Body[]) => events.map((event) => event.eventId as string);

    // Each run of the command line starts a process: the runs of a test go together.
    test('--json prints the very events LookupEvents answers, of every account, newest first; the table says the same', async () => {
      const [printed, table, none] = await Promise.all([auditJson(), audit('--limit', '100'), audit('--action', 'NoSuchAction')]);
      const answered = [...made.answered, ...made.otherAnswered];
      assert.equal(printed.length, answered.length);
      assert.deepEqual(new Set(idsOf(printed)), new Set(idsOf(answered)));
      const times = printed.map((event) => Date.parse(event.eventTime));
      assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
      for (const event of printed) {
        const same = answered.find((a) => a.eventId === event.eventId)!;
        assert.equal(event.eventName, same.eventName);
        assert.deepEqual(event.userIdentity, same.userIdentity);
        assert.deepEqual(event.referencedResources, same.referencedResources);
        assert.deepEqual(event, same, `${event.eventName}: the whole event`);
      }
      // The account's own trail, in the same order LookupEvents gave it.
      assert.deepEqual(idsOf(printed.filter((event) => event.recipientAccountId === made.accountId)), idsOf(made.answered));
      assert.ok(printed.some((event) => event.errorCode === 'SignatureDoesNotMatch'));

      assert.equal(table.code, 0, show(table));
      const [header, ...rows] = table.stdout.trimEnd().split('\n');
      for (const column of ['Time', 'Account', 'User', 'Event', 'Resource', 'Result', 'SourceIp']) assert.match(header!, new RegExp(column));
      assert.equal(rows.length, answered.length);
      assert.ok(rows.some((row) => /ListMessageContacts/.test(row) && /SignatureDoesNotMatch/.test(row) && row.includes(made.userName)));
      assert.ok(rows.some((row) => /CreateFolder/.test(row) && row.includes(made.folderId) && /\bOK\b/.test(row) && /127\.0\.0\.1/.test(row)));

      assert.equal(none.code, 0, show(none));
      assert.equal(none.stdout, 'There is no audit event that matches.\n');
    });

    test('--resource, --user, --action: the events naming it, made by them, of that action', options, async () => {
      const [byContact, byUser, byAction] = await Promise.all([
        auditJson('--resource', made.contactId),
        auditJson('--user', made.userName),
        auditJson('--action', 'AddMessageContact'),
      ]);
      assert.deepEqual(byContact.map((e) => e.eventName), ['UpdateMessageContact', 'UpdateMessageContact', 'AddMessageContact']);
      assert.deepEqual(byContact.map((e) => e.userIdentity.userName), [made.userName, 'root', 'root']);
      assert.deepEqual(byUser.map((e) => [e.eventName, e.errorCode]), [['ListMessageContacts', 'SignatureDoesNotMatch'], ['UpdateMessageContact', undefined]]);
      assert.ok(byUser.every((e) => e.userIdentity.type === 'ram-user' && e.userIdentity.userName === made.userName));
      assert.deepEqual(byAction.map((e) => e.recipientAccountId), [made.otherAccountId, made.accountId]);
      assert.ok(byAction.every((e) => e.eventName === 'AddMessageContact'));
    });

    test('--since and --until: an age, an ISO time, a day; --account and --limit', options, async () => {
      const now = Date.now();
      const twoDaysAgo = new Date(now - 2 * day).toISOString().slice(0, 10);
      const [sinceHour, old, sinceDay, limited] = await Promise.all([
        auditJson('--since', '1h'),
        auditJson('--until', iso(now - day)),
        auditJson('--since', twoDaysAgo, '--account', made.accountId),
        auditJson('--limit', '2', '--account', made.otherAccountId),
      ]);
      const recent = [...made.answered, ...made.otherAnswered].filter((e) => Date.parse(e.eventTime) > now - hour);
      assert.ok(recent.length > 0 && sinceHour.length < made.answered.length + made.otherAnswered.length);
      assert.deepEqual(new Set(idsOf(sinceHour)), new Set(idsOf(recent)));
      assert.equal(sinceHour.some((e) => e.eventName === 'CreateFolder'), false, 'the folder is two hours old');
      // The first start and the first contact, three days ago.
      assert.deepEqual(old.map((e) => e.eventName), ['AddMessageContact', 'CreateAccessKey', 'CreateAccount']);
      assert.deepEqual(idsOf(old), idsOf(made.answered.slice(-3)));
      // A day is its start (UTC): since the day before yesterday, not three days ago; of one account only.
      assert.deepEqual(idsOf(sinceDay), idsOf(made.answered.filter((e) => Date.parse(e.eventTime) >= Date.parse(`${twoDaysAgo}T00:00:00Z`))));
      assert.ok(sinceDay.some((e) => e.eventName === 'CreateFolder'));
      assert.equal(sinceDay.some((e) => e.eventName === 'CreateAccount'), false);
      assert.deepEqual(idsOf(limited), idsOf(made.otherAnswered.slice(0, 2)));
    });

    test('bad options: one line saying what is wrong, and a non-zero exit', options, async () => {
      const [since, account] = await Promise.all([audit('--since', 'yesterday'), audit('--account', '9999999999999999')]);
      for (const result of [since, account]) {
        assert.notEqual(result.code, 0, show(result));
        assert.ok(isOneLineError(result), show(result));
        assert.equal(result.stdout, '');
      }
      assert.match(since.stderr, /--since/);
      assert.match(since.stderr, /yesterday/);
      assert.match(account.stderr, /9999999999999999/);
    });

    test('the admin commands write events of the account acted upon, which LookupEvents then answers', options, async () => {
      const run = async (...args: string[]) => {
        const result = await runCli(args, { cwd, env });
        assert.equal(result.code, 0, show(result));
        return result;
      };
      const account = parseJson<{ AccountId: string }>(await run('admin', 'accounts', 'create', '--name', 'cli-made', '--json'));
      const key = parseJson<{ AccessKeyId: string; AccessKeySecret: string }>(await run('admin', 'keys', 'create', '--account', account.AccountId, '--json'));
      made.secrets.push(key.AccessKeySecret);
      await run('admin', 'keys', 'disable', key.AccessKeyId);
      const printed = await auditJson('--user', 'rdcontacts-cli', '--account', account.AccountId);
      const expected = ['UpdateAccessKey', 'CreateAccessKey', 'CreateAccount'];
      assert.deepEqual(printed.map((e) => e.eventName), expected);
      assert.ok(printed.every((e) => e.userIdentity.type === 'system' && e.userIdentity.userName === 'rdcontacts-cli' && e.eventType === 'AliyunServiceEvent'));
      assert.deepEqual(printed[0]!.referencedResources['ACS::RAM::AccessKey'], [key.AccessKeyId]);
      assert.equal(printed[0]!.additionalEventData.Changes.Status, 'Inactive');

      // A server on the same database: the new account's key reads those events, and only its own.
      const server = await serveIn(url, new TestClock());
      try {
        // The key was disabled on the command line: enabled again through the domain, as `admin keys enable` does.
        assert.equal(await changeAccessKey(server.store, systemClock, key.AccessKeyId, 'enable'), true);
        expected.unshift('UpdateAccessKey');
        const trail = plain(apiClient('pop-get', server.endpoint, { accessKeyId: key.AccessKeyId, accessKeySecret: key.AccessKeySecret }, versions.actiontrail));
        const body = await trail.call('LookupEvents', { 'LookupAttribute.1.Key': 'User', 'LookupAttribute.1.Value': 'rdcontacts-cli' });
        assert.deepEqual(body.Events.map((e: Body) => e.eventName), expected);
        assert.ok(body.Events.every((e: Body) => e.recipientAccountId === account.AccountId && e.userIdentity.accountId === account.AccountId));
        assert.deepEqual(idsOf(body.Events).slice(1), idsOf(printed), 'the same events the command printed, and the enabling');
        assert.equal(body.Events[0].additionalEventData.Changes.Status, 'Active');
        const all = await trail.call('LookupEvents', { MaxResults: '50' });
        assert.deepEqual(idsOf(all.Events), idsOf(body.Events), 'no event of another account');
        for (const secret of made.secrets) assert.equal(JSON.stringify(all).includes(secret), false);
      } finally {
        await server.close();
      }
    });
  });
}

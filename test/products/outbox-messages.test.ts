/**
 * Extension action ListOutboxMessages, through the official clients over a real socket, once per
 * storage backend: what the `outbox` transport holds for the caller's directory (never what a
 * real transport queued or sent), with the verification link only while its token is live; the
 * Recipient and ContactId filters; PageNumber / PageSize paging, newest first; another directory's
 * messages never shown; RAM authorization on `resourcemanager:ListOutboxMessages`.
 *
 * Every send first lets one second of server time pass, so that "newest first" has one answer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { resolveConfig } from '../../src/config.js';
import { type ApiClient, type Body, type KeyPair, apiClient, clientNames, expectError, failure, plain, versions } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { startServer, type TestServer } from '../support/server.js';
import { openStore } from '../../src/store/store.js';
import { parseJson, removeTempDirs, runCli, show, tempDir } from '../cli/helpers.js';
import { join } from 'node:path';
import { type SmtpSink, sinkSmtp, startSmtpSink } from '../support/smtp-sink.js';
import { until } from '../support/until.js';
import { confirmLink, openLink } from '../support/verification-links.js';

const requestIdPattern = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const deliveryIdPattern = /^d-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const apiDatePattern = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const linkPattern = /^http:\/\/127\.0\.0\.1:\d+\/verify\/([0-9A-Za-z]{43})$/;
const sortedKeys = (value: object): string[] => Object.keys(value).sort();

/** The token at the end of a live link. */
const tokenOf = (link: string): string => linkPattern.exec(link)![1]!;

/** Checks one page's envelope and every item's shape; answers the body. */
async function listOutbox(via: ApiClient, params: Record<string, string | number | undefined> = {}): Promise<Body> {
  const body = await via.call('ListOutboxMessages', params);
  assert.deepEqual(sortedKeys(body), ['Messages', 'PageNumber', 'PageSize', 'RequestId', 'TotalCount'], `${via.name}: top-level fields`);
  assert.match(body.RequestId, requestIdPattern);
  for (const field of ['TotalCount', 'PageNumber', 'PageSize']) assert.equal(typeof body[field], 'number', `${via.name}: ${field} is a number`);
  assert.ok(Array.isArray(body.Messages), `${via.name}: Messages is an array`);
  for (const message of body.Messages as Body[]) {
    const expected = ['CreateDate', 'Channel', 'DeliveryId', 'Purpose', 'Recipient', 'Status', 'Text'];
    if (message.Channel === 'Email') expected.push('Subject');
    if (message.Link !== undefined) expected.push('Link');
    assert.deepEqual(sortedKeys(message), expected.sort(), `${via.name}: fields of ${message.Channel} ${message.Purpose}`);
    assert.match(message.DeliveryId, deliveryIdPattern);
    assert.ok(['Email', 'SMS'].includes(message.Channel), message.Channel);
    assert.equal(message.Status, 'Stored', 'the outbox transport only stores');
    assert.match(message.CreateDate, apiDatePattern);
    assert.equal(typeof message.Text, 'string');
    if (message.Link !== undefined) {
      assert.match(message.Link, linkPattern);
      assert.ok(message.Text.includes(message.Link), 'the text carries the link');
    }
  }
  return body;
}

const allMessages = async (via: ApiClient, params: Record<string, string | undefined> = {}) =>
  (await listOutbox(via, { ...params, PageSize: 100 })).Messages as Body[];

for (const backend of backends) {
  describe(`ListOutboxMessages [${backend.name}]`, () => {
    let server: TestServer;
    let client: ApiClient;
    let ram: ApiClient;
    const contacts = {} as Record<'tom' | 'ann', string>;
    const tom = { email: 'tom@example.com', phone: '86-13800138000' };
    const ann = { email: 'ann@example.com' };
    /** DeliveryIds in the order they were sent. */
    const sentIds: string[] = [];
    let users = 0;

    async function add(name: string, email: string, phone?: string): Promise<string> {
      const body = await client.call('AddMessageContact', {
        Name: name,
        EmailAddress: email,
        ...(phone ? { PhoneNumber: phone } : {}),
        Title: 'TechnicalDirector',
        MessageTypes: ['SecurityMessage'],
      });
      return body.Contact.ContactId as string;
    }

    /** Sends a verification and answers the new message's DeliveryId (newest of the contact's). */
    async function verify(via: ApiClient, contactId: string, kind: 'email' | 'phone', target: string): Promise<string> {
      server.clock.passTime(1);
      if (kind === 'email') await via.call('SendEmailVerificationForMessageContact', { ContactId: contactId, EmailAddress: target });
      else await via.call('SendPhoneVerificationForMessageContact', { ContactId: contactId, PhoneNumber: target });
      const [newest] = (await via.call('ListMessageDeliveries', { ContactId: contactId, PageSize: 1 })).Deliveries as Body[];
      return newest!.DeliveryId as string;
    }

    /** A RAM user with one AccessKey and the given custom policy (none: no permission at all). */
    async function ramUser(statements: object[] = []): Promise<KeyPair> {
      const UserName = `outbox-reader-${++users}`;
      await ram.call('CreateUser', { UserName });
      if (statements.length > 0) {
        const PolicyName = `${UserName}-policy`;
        await ram.call('CreatePolicy', { PolicyName, PolicyDocument: JSON.stringify({ Version: '1', Statement: statements }) });
        await ram.call('AttachPolicyToUser', { UserName, PolicyType: 'Custom', PolicyName });
      }
      const { AccessKey } = await ram.call('CreateAccessKey', { UserName });
      return { accessKeyId: AccessKey.AccessKeyId, accessKeySecret: AccessKey.AccessKeySecret };
    }

    before(async () => {
      server = await startServer({ backend });
      client = plain(apiClient('openapi-v3', server.endpoint, server.credentials));
      ram = plain(apiClient('openapi-v3', server.endpoint, server.credentials, versions.ram));
      contacts.tom = await add('tom', tom.email, tom.phone);
      contacts.ann = await add('ann', ann.email);
      sentIds.push(await verify(client, contacts.tom, 'email', tom.email));
      sentIds.push(await verify(client, contacts.tom, 'phone', tom.phone));
      sentIds.push(await verify(client, contacts.ann, 'email', ann.email));
    });
    after(() => server.close());

    test('every client lists the directory\'s stored messages, newest first, with the text and the live link', async () => {
      for (const name of clientNames) {
        const via = plain(apiClient(name, server.endpoint, server.credentials));
        const body = await listOutbox(via);
        assert.equal(body.TotalCount, 3, name);
        assert.equal(body.PageNumber, 1, `${name}: default PageNumber`);
        assert.equal(body.PageSize, 10, `${name}: default PageSize`);
        const messages = body.Messages as Body[];
        assert.deepEqual(messages.map((m) => m.DeliveryId), [...sentIds].reverse(), `${name}: newest first`);
        assert.deepEqual(
          messages.map((m) => [m.Channel, m.Recipient, m.Purpose]),
          [
            ['Email', ann.email, 'verification'],
            ['SMS', tom.phone, 'verification'],
            ['Email', tom.email, 'verification'],
          ],
          name,
        );
        for (const message of messages) assert.ok(message.Link, `${name}: a pending verification shows its link`);
        const [annEmail, tomSms] = messages;
        assert.ok(annEmail!.Subject, 'an email has a subject');
        assert.ok(annEmail!.Text.includes('ann'), 'the text names the contact');
        assert.ok(tomSms!.Text.length > 0 && tomSms!.Text.length < 500, 'an SMS is short');
      }
    });

    test('Recipient filters on the exact address or number', async () => {
      assert.deepEqual((await allMessages(client, { Recipient: tom.email })).map((m) => m.DeliveryId), [sentIds[0]]);
      assert.deepEqual((await allMessages(client, { Recipient: tom.phone })).map((m) => m.DeliveryId), [sentIds[1]]);
      for (const near of ['tom@example.co', 'om@example.com', 'TOM@EXAMPLE.COM ', 'nobody@example.com']) {
        const body = await listOutbox(client, { Recipient: near });
        assert.deepEqual([body.TotalCount, body.Messages.length], [0, 0], near);
      }
    });

    test('ContactId filters on the contact; a malformed one is refused, an unknown one finds nothing', async () => {
      const toms = await allMessages(client, { ContactId: contacts.tom });
      assert.deepEqual(toms.map((m) => m.DeliveryId), [sentIds[1], sentIds[0]]);
      const both = await allMessages(client, { ContactId: contacts.tom, Recipient: tom.phone });
      assert.deepEqual(both.map((m) => m.DeliveryId), [sentIds[1]], 'the filters combine');
      assert.deepEqual(await allMessages(client, { ContactId: contacts.ann, Recipient: tom.phone }), []);
      assert.deepEqual((await listOutbox(client, { ContactId: 'c-0000000000000000' })).TotalCount, 0);
      await expectError(client.call('ListOutboxMessages', { ContactId: 'not-a-contact' }), 'InvalidParameter.ContactId', 400);
    });

    test('PageNumber and PageSize page the list as the other lists do', async () => {
      for (let i = 0; i < 4; i++) sentIds.push(await verify(client, contacts.ann, 'email', ann.email));
      const everything = await allMessages(client);
      assert.equal(everything.length, 7);
      assert.deepEqual(everything.map((m) => m.DeliveryId), [...sentIds].reverse());
      const paged: string[] = [];
      for (let pageNumber = 1; pageNumber <= 3; pageNumber++) {
        const body = await listOutbox(client, { PageNumber: pageNumber, PageSize: 3 });
        assert.deepEqual([body.TotalCount, body.PageNumber, body.PageSize], [7, pageNumber, 3]);
        paged.push(...body.Messages.map((m: Body) => m.DeliveryId as string));
      }
      assert.deepEqual(paged, everything.map((m) => m.DeliveryId), 'three pages are the whole list, in order, once');
      const beyond = await listOutbox(client, { PageNumber: 4, PageSize: 3 });
      assert.deepEqual([beyond.TotalCount, beyond.Messages.length], [7, 0]);
      const annPage = await listOutbox(client, { ContactId: contacts.ann, PageNumber: 2, PageSize: 2 });
      assert.deepEqual([annPage.TotalCount, annPage.Messages.map((m: Body) => m.DeliveryId)], [5, [sentIds[4], sentIds[3]]]);
      await expectError(client.call('ListOutboxMessages', { PageSize: 101 }), 'InvalidParameter.PageSize', 400);
      await expectError(client.call('ListOutboxMessages', { PageSize: 0 }), 'InvalidParameter.PageSize', 400);
      await expectError(client.call('ListOutboxMessages', { PageNumber: 0 }), 'InvalidParameter.PageNumber', 400);
    });

    test('the link is shown only while its token is live: a superseded one and a used one are gone', async () => {
      const anns = await allMessages(client, { ContactId: contacts.ann });
      const [newest, ...older] = anns;
      assert.ok(newest!.Link, 'the newest link works');
      for (const message of older) {
        assert.equal(message.Link, undefined, 'a superseded link is not shown');
        assert.doesNotMatch(message.Text, /\/verify\/[0-9A-Za-z]{43}/, 'nor is its token in the text');
      }
      const token = tokenOf(newest!.Link);
      assert.equal((await confirmLink(newest!.Link)).status, 200);
      const used = (await allMessages(client, { ContactId: contacts.ann }))[0]!;
      assert.equal(used.DeliveryId, newest!.DeliveryId, 'a used message is still listed');
      assert.equal(used.Link, undefined, 'without its link');
      assert.ok(!used.Text.includes(token), 'its token is out of the text');
      assert.ok(used.Text.includes(`${token.slice(0, 6)}…`), 'which still says which link it was');
      assert.equal((await client.call('GetMessageContact', { ContactId: contacts.ann })).Contact.Status, 'Active');
    });

    test('another directory sees only its own messages, even naming this one\'s contacts', async () => {
      const other = plain(apiClient('openapi-v2', server.endpoint, await server.newTenant()));
      const empty = await listOutbox(other);
      assert.deepEqual([empty.TotalCount, empty.Messages], [0, []], 'nothing of the first directory');
      assert.equal((await listOutbox(other, { ContactId: contacts.tom })).TotalCount, 0);
      assert.equal((await listOutbox(other, { Recipient: tom.email })).TotalCount, 0);
      // The same address in the other directory: each sees its own message only.
      const theirs = (await other.call('AddMessageContact', { Name: 'tom', EmailAddress: tom.email, Title: 'CEO', MessageTypes: ['FaultMessage'] }))
        .Contact.ContactId as string;
      const theirId = await verify(other, theirs, 'email', tom.email);
      assert.deepEqual((await allMessages(other)).map((m) => m.DeliveryId), [theirId]);
      assert.deepEqual((await allMessages(client, { Recipient: tom.email })).map((m) => m.DeliveryId), [sentIds[0]]);
      assert.ok(!(await allMessages(client)).some((m) => m.DeliveryId === theirId));
    });

    test('a RAM user needs resourcemanager:ListOutboxMessages: NoPermission without it', async () => {
      const nothing = await ramUser();
      const deliveriesOnly = await ramUser([{ Effect: 'Allow', Action: 'resourcemanager:ListMessageDeliveries', Resource: '*' }]);
      for (const key of [nothing, deliveriesOnly]) {
        for (const name of clientNames) {
          const error = await failure(apiClient(name, server.endpoint, key).call('ListOutboxMessages', { ContactId: contacts.tom }));
          assert.equal(error.code, 'NoPermission', `${name}: ${error.message}`);
          assert.equal(error.statusCode, 403, name);
          assert.match(error.message, /Action: resourcemanager:ListOutboxMessages/, name);
        }
      }
      const denied = await ramUser([
        { Effect: 'Allow', Action: 'resourcemanager:List*', Resource: '*' },
        { Effect: 'Deny', Action: 'resourcemanager:ListOutboxMessages', Resource: '*' },
      ]);
      await expectError(apiClient('pop-post', server.endpoint, denied).call('ListOutboxMessages'), 'NoPermission', 403);
      const allowed = await ramUser([{ Effect: 'Allow', Action: 'resourcemanager:ListOutboxMessages', Resource: '*' }]);
      const body = await listOutbox(plain(apiClient('openapi-v3', server.endpoint, allowed)), { ContactId: contacts.tom });
      assert.equal(body.TotalCount, 2);
    });

    test('a link whose token expired is not shown, by the service\'s clock', async () => {
      server.clock.passTime(server.config.verificationTtlSeconds + 1);
      // Whether or not the delivery worker's sweep has taken the tokens out yet, the answer is the same.
      const messages = await allMessages(client);
      assert.ok(messages.length >= 7);
      for (const message of messages) {
        assert.equal(message.Link, undefined, `${message.Recipient}: no link once expired`);
        assert.doesNotMatch(message.Text, /\/verify\/[0-9A-Za-z]{43}/);
      }
    });
  });

  describe(`ListOutboxMessages with a real email transport [${backend.name}]`, () => {
    let sink: SmtpSink;
    let server: TestServer;
    let client: ApiClient;

    before(async () => {
      sink = await startSmtpSink();
      server = await startServer({
        backend,
        config: {
          delivery: {
            ...resolveConfig({}, {}).delivery,
            email: {
              transport: 'smtp',
              smtp: sinkSmtp(sink.port),
            },
            retryBaseMs: 20,
            retryMaxMs: 100,
          },
        },
      });
      client = plain(apiClient('openapi-v3', server.endpoint, server.credentials));
    });
    after(async () => {
      await server.close();
      await sink.close();
    });

    test('what SMTP queued or sent is never listed; the SMS the outbox transport holds is', async () => {
      const email = 'mailed@example.com';
      const phone = '86-13800138009';
      const contactId = (
        await client.call('AddMessageContact', { Name: 'mailed', EmailAddress: email, PhoneNumber: phone, Title: 'CEO', MessageTypes: ['FaultMessage'] })
      ).Contact.ContactId as string;
      await client.call('SendEmailVerificationForMessageContact', { ContactId: contactId, EmailAddress: email });
      // Listed neither while queued nor once sent.
      assert.equal((await listOutbox(client, { ContactId: contactId })).TotalCount, 0, 'a queued SMTP message is not in the outbox');
      server.clock.passTime(1);
      await client.call('SendPhoneVerificationForMessageContact', { ContactId: contactId, PhoneNumber: phone });
      const [mail] = await sink.waitFor(1);
      assert.deepEqual(mail!.to, [email]);
      await until('the email is Sent', async () => {
        const deliveries = (await client.call('ListMessageDeliveries', { ContactId: contactId })).Deliveries as Body[];
        return deliveries.some((d) => d.Transport === 'smtp' && d.Status === 'Sent') ? true : undefined;
      });
      const deliveries = (await client.call('ListMessageDeliveries', { ContactId: contactId })).Deliveries as Body[];
      assert.deepEqual(deliveries.map((d) => [d.Channel, d.Transport]), [
        ['SMS', 'outbox'],
        ['Email', 'smtp'],
      ]);
      for (const params of [{}, { ContactId: contactId }, { Recipient: email }]) {
        const messages = await allMessages(client, params);
        assert.ok(!messages.some((m) => m.Channel === 'Email'), `${JSON.stringify(params)}: no SMTP message`);
      }
      const [sms, ...rest] = await allMessages(client, { ContactId: contactId });
      assert.deepEqual(rest, []);
      assert.deepEqual([sms!.Channel, sms!.Recipient, sms!.Purpose, sms!.Subject], ['SMS', deliveries[0]!.Recipient, 'verification', undefined]);
      assert.ok(sms!.Link, 'the stored SMS shows its live link');
      assert.equal((await openLink(sms!.Link)).status, 200);
    });
  });
}

describe('rdcontacts outbox shows what ListOutboxMessages answers', () => {
  let server: TestServer;
  let database: string;
  let cwd: string;
  let client: ApiClient;
  after(async () => {
    await server?.close();
    await removeTempDirs();
  });
  before(async () => {
    cwd = await tempDir('rdc-outbox-cli-');
    database = `sqlite:${join(cwd, 'rd.db')}`;
    // A SQLite file the CLI opens beside the running server (only serve takes the one-serve lock).
    server = await startServer({ backend: { name: 'sqlite-file', open: () => openStore(database) } });
    client = plain(apiClient('openapi-v3', server.endpoint, server.credentials));
  });

  test('--contact filters; Text and Link are the API\'s, Body and the other fields are kept', async () => {
    const ids: string[] = [];
    for (const name of ['clione', 'clitwo']) {
      const email = `${name}@example.com`;
      const id = (await client.call('AddMessageContact', { Name: name, EmailAddress: email, Title: 'CEO', MessageTypes: ['FaultMessage'] })).Contact
        .ContactId as string;
      server.clock.passTime(1);
      await client.call('SendEmailVerificationForMessageContact', { ContactId: id, EmailAddress: email });
      ids.push(id);
    }
    // The first contact's link is used: it loses its token, in the API and in the command alike.
    const [first] = await allMessages(client, { ContactId: ids[0] });
    assert.equal((await confirmLink(first!.Link)).status, 200);

    for (const id of ids) {
      const result = await runCli(['outbox', '--contact', id, '--json', '--database', database], { cwd });
      assert.equal(result.code, 0, show(result));
      const rows = parseJson<Record<string, unknown>[]>(result);
      const [api] = await allMessages(client, { ContactId: id });
      assert.equal(rows.length, 1, result.stdout);
      const row = rows[0]!;
      assert.deepEqual(
        [row.DeliveryId, row.Recipient, row.Purpose, row.Subject, row.Text, row.Status, row.CreateDate, row.ContactId],
        [api!.DeliveryId, api!.Recipient, api!.Purpose, api!.Subject, api!.Text, api!.Status, api!.CreateDate, id],
      );
      assert.equal(row.Channel, 'email', 'the command keeps its own channel names');
      assert.equal(row.Body, row.Text, 'Body is still the stored text');
      if (api!.Link === undefined) assert.match(String(row.Link), /\/verify\/[0-9A-Za-z]{6}…$/, 'a used link, cut short');
      else assert.equal(row.Link, api!.Link);
    }
    const none = await runCli(['outbox', '--contact', 'c-0000000000000000', '--database', database], { cwd });
    assert.equal(none.stdout, 'There is no message of contact c-0000000000000000.\n', show(none));
    const bad = await runCli(['outbox', '--contact', 'tom', '--database', database], { cwd });
    assert.equal(bad.code, 1, show(bad));
    assert.match(bad.stderr, /--contact must be a contact ID/);
  });
});

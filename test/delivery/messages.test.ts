/**
 * Test messages, notifications and the delivery history (extension actions SendTestMessage,
 * SendMessage and ListMessageDeliveries), through the official clients over a real socket, once
 * per storage backend. The directory is built with the directory actions (CreateFolder,
 * CreateResourceAccount, AssociateMembers); contacts are verified the way a recipient does it,
 * through the link of the verification message. With the default configuration both channels use
 * the `outbox` transport: every delivery is kept (`Stored`) and never sent. One test simulates what
 * the delivery worker would have written (Sent, Failed) straight into the store, to filter on it.
 *
 * Every send first lets one second of server time pass, so that "newest first" has one answer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiClient, type Body, type ClientName, apiClient, clientNames, expectError, plain } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { startServer, type TestServer } from '../support/server.js';
import { confirmNewest } from '../support/verification-links.js';

/** The RequestId every answer carries: an upper-case UUID. */
const requestIdPattern = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const messageIdPattern = /^m-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const deliveryIdPattern = /^d-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Dates as the API shows them: `yyyy-MM-dd HH:mm:ss`. */
const apiDatePattern = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

const sortedKeys = (value: object): string[] => Object.keys(value).sort();
const byChannel = (x: Body, y: Body) => String(x.Channel).localeCompare(String(y.Channel));
const byNameThenChannel = (x: Body, y: Body) =>
  String(x.Name).localeCompare(String(y.Name)) || String(x.Channel).localeCompare(String(y.Channel));

interface Person {
  id: string;
  name: string;
  email: string;
  phone?: string;
}

/** What a successful send answered, to compare with the history and the audit trail. */
interface Sent {
  action: 'SendTestMessage' | 'SendMessage';
  requestId: string;
  messageId: string;
  deliveryIds: string[];
  contactId?: string;
  accountId?: string;
  messageType?: string;
  subject?: string;
}

for (const backend of backends) {
  describe(`test messages, notifications and their deliveries [${backend.name}]`, () => {
    let server: TestServer;
    /** Every client answers plain JSON data (pop-core builds objects without a prototype). */
    const clients = {} as Record<ClientName, ApiClient>;
    let client: ApiClient;
    const people = {} as Record<'tom' | 'erin' | 'alice' | 'bob' | 'carol' | 'dave' | 'frank' | 'pat', Person>;
    const ids = {} as Record<'directory' | 'root' | 'ops' | 'team' | 'quiet' | 'm1' | 'm2' | 'm3', string>;
    const sent: Sent[] = [];

    const folder = async (name: string, parent: string) =>
      (await client.call('CreateFolder', { FolderName: name, ParentFolderId: parent })).Folder.FolderId as string;
    const account = async (name: string, parent: string) =>
      (await client.call('CreateResourceAccount', { DisplayName: name, ParentFolderId: parent })).Account.AccountId as string;

    /** A contact; `verified` lists what is confirmed through its link, the rest stays pending. */
    async function person(name: string, types: string[], phone: string | undefined, verified: ('email' | 'phone')[]): Promise<Person> {
      const email = `${name}@example.com`;
      const body = await client.call('AddMessageContact', {
        Name: name,
        EmailAddress: email,
        ...(phone ? { PhoneNumber: phone } : {}),
        Title: 'TechnicalDirector',
        MessageTypes: types,
      });
      const id = body.Contact.ContactId as string;
      if (verified.includes('email')) {
        await client.call('SendEmailVerificationForMessageContact', { ContactId: id, EmailAddress: email });
        assert.equal((await confirmNewest(server, email)).status, 200);
      }
      if (verified.includes('phone')) {
        await client.call('SendPhoneVerificationForMessageContact', { ContactId: id, PhoneNumber: phone });
        assert.equal((await confirmNewest(server, phone!)).status, 200);
      }
      return { id, name, email, ...(phone ? { phone } : {}) };
    }

    /** The envelope of a success: a fresh RequestId, no Code, exactly these top-level fields. */
    function checkEnvelope(body: Body, fields: string[]): void {
      assert.deepEqual(sortedKeys(body), ['RequestId', ...fields].sort(), 'top-level field names');
      assert.match(body.RequestId, requestIdPattern);
    }

    async function sendTest(via: ApiClient, contact: Person, messageType?: string): Promise<Body> {
      server.clock.passTime(1);
      const body = await via.call('SendTestMessage', { ContactId: contact.id, MessageType: messageType });
      checkEnvelope(body, ['MessageId', 'Deliveries']);
      assert.match(body.MessageId, messageIdPattern);
      assert.ok(Array.isArray(body.Deliveries), `${via.name}: Deliveries is an array`);
      for (const delivery of body.Deliveries) {
        assert.deepEqual(sortedKeys(delivery), ['Channel', 'DeliveryId', 'Recipient', 'Status', 'Transport']);
        assert.match(delivery.DeliveryId, deliveryIdPattern);
        assert.equal(delivery.Transport, 'outbox');
        assert.equal(delivery.Status, 'Stored');
      }
      sent.push({
        action: 'SendTestMessage',
        requestId: body.RequestId,
        messageId: body.MessageId,
        deliveryIds: body.Deliveries.map((d: Body) => d.DeliveryId),
        contactId: contact.id,
        ...(messageType ? { messageType } : {}),
      });
      return body;
    }

    async function sendMessage(via: ApiClient, accountId: string, messageType: string, subject: string, content: string): Promise<Body> {
      server.clock.passTime(1);
      const body = await via.call('SendMessage', { AccountId: accountId, MessageType: messageType, Subject: subject, Content: content });
      checkEnvelope(body, ['MessageId', 'AccountId', 'MessageType', 'Recipients']);
      assert.match(body.MessageId, messageIdPattern);
      assert.equal(body.AccountId, accountId);
      assert.equal(body.MessageType, messageType);
      assert.ok(Array.isArray(body.Recipients), `${via.name}: Recipients is an array`);
      for (const recipient of body.Recipients) {
        assert.deepEqual(sortedKeys(recipient), ['Channel', 'ContactId', 'DeliveryId', 'Name', 'Recipient', 'Status', 'Transport']);
        assert.match(recipient.DeliveryId, deliveryIdPattern);
        assert.equal(recipient.Transport, 'outbox');
        assert.equal(recipient.Status, 'Stored');
      }
      if (body.Recipients.length > 0) {
        sent.push({
          action: 'SendMessage',
          requestId: body.RequestId,
          messageId: body.MessageId,
          deliveryIds: body.Recipients.map((r: Body) => r.DeliveryId),
          accountId,
          messageType,
          subject,
        });
      }
      return body;
    }

    async function deliveries(via: ApiClient, params: Record<string, string | number | undefined>): Promise<Body> {
      const body = await via.call('ListMessageDeliveries', params);
      checkEnvelope(body, ['TotalCount', 'PageNumber', 'PageSize', 'Deliveries']);
      for (const field of ['TotalCount', 'PageNumber', 'PageSize']) assert.equal(typeof body[field], 'number', `${field} is a number`);
      assert.ok(Array.isArray(body.Deliveries), `${via.name}: Deliveries is an array`);
      for (const delivery of body.Deliveries) {
        assert.match(delivery.DeliveryId, deliveryIdPattern);
        assert.ok(['verification', 'test', 'notification'].includes(delivery.Purpose), delivery.Purpose);
        assert.ok(['Email', 'SMS'].includes(delivery.Channel), delivery.Channel);
        assert.equal(typeof delivery.Attempts, 'number');
        assert.match(delivery.CreateDate, apiDatePattern);
      }
      return body;
    }

    /** Every delivery of the caller's directory that matches, newest first (all pages). */
    const allDeliveries = async (params: Record<string, string | undefined> = {}, via: ApiClient = client) =>
      (await deliveries(via, { ...params, PageSize: 100 })).Deliveries as Body[];
    const totalDeliveries = async (params: Record<string, string | undefined> = {}, via: ApiClient = client) =>
      (await deliveries(via, { ...params, PageSize: 1 })).TotalCount as number;
    const auditEvents = () => server.store.audit.list({ directoryId: server.credentials.directoryId, limit: 100_000 });

    before(async () => {
      server = await startServer({ backend });
      for (const name of clientNames) clients[name] = plain(apiClient(name, server.endpoint, server.credentials));
      client = clients['openapi-v3'];
      const rd = (await client.call('GetResourceDirectory')).ResourceDirectory;
      ids.directory = rd.ResourceDirectoryId as string;
      ids.root = rd.RootFolderId as string;
      assert.equal(ids.directory, server.credentials.directoryId);
      ids.ops = await folder('ops', ids.root);
      ids.team = await folder('team', ids.ops);
      ids.quiet = await folder('quiet', ids.root);
      ids.m1 = await account('one', ids.team);
      ids.m2 = await account('two', ids.root);
      ids.m3 = await account('three', ids.quiet);

      people.tom = await person('tom', ['SecurityMessage'], '86-13800138000', ['email', 'phone']);
      people.erin = await person('erin', ['SecurityMessage'], '86-13800138001', ['phone']);
      people.alice = await person('alice', ['SecurityMessage', 'AccountExpenses'], '86-13800138002', ['email', 'phone']);
      people.bob = await person('bob', ['SecurityMessage'], undefined, ['email']);
      people.carol = await person('carol', ['SecurityMessage', 'FaultMessage'], '86-13800138003', []);
      people.dave = await person('dave', ['ProductMessage', 'AccountExpenses'], undefined, ['email']);
      people.frank = await person('frank', ['ServiceMessage'], undefined, []);
      people.pat = await person('pat', ['ServiceMessage'], '86-13800138004', ['email', 'phone']);

      // alice and erin on m1's grandparent folder (alice on m1 as well: two sources, one recipient),
      // bob on the whole directory, carol and dave on m1.
      await client.call('AssociateMembers', { ContactId: people.alice.id, Members: [ids.ops, ids.m1] });
      await client.call('AssociateMembers', { ContactId: people.erin.id, Members: [ids.ops] });
      await client.call('AssociateMembers', { ContactId: people.bob.id, Members: [ids.directory] });
      await client.call('AssociateMembers', { ContactId: people.carol.id, Members: [ids.m1] });
      await client.call('AssociateMembers', { ContactId: people.dave.id, Members: [ids.m1] });
    });
    after(() => server.close());

    test('SendTestMessage, through all four clients: one Email and one SMS delivery, to exactly the verified values', async () => {
      const { tom } = people;
      for (const name of clientNames) {
        const body = await sendTest(clients[name], tom);
        assert.deepEqual(
          body.Deliveries.map((d: Body) => [d.Channel, d.Recipient, d.Transport, d.Status]).sort(),
          [
            ['Email', tom.email, 'outbox', 'Stored'],
            ['SMS', tom.phone, 'outbox', 'Stored'],
          ],
          name,
        );
        assert.notEqual(body.Deliveries[0].DeliveryId, body.Deliveries[1].DeliveryId);
      }
      const messageIds = sent.map((s) => s.messageId);
      assert.equal(new Set(messageIds).size, messageIds.length, 'every message has its own MessageId');

      // A contact with only its phone verified: one SMS delivery, still an array for every client.
      for (const name of clientNames) {
        const body = await sendTest(clients[name], people.erin, 'SecurityMessage');
        assert.deepEqual(body.Deliveries.map((d: Body) => [d.Channel, d.Recipient]), [['SMS', people.erin.phone]], name);
      }
    });

    test('after UpdateMessageContact to a new email, the test message still goes to the old verified one', async () => {
      const { tom } = people;
      const newEmail = 'tom.new@example.com';
      await client.call('UpdateMessageContact', { ContactId: tom.id, EmailAddress: newEmail });
      await client.call('SendEmailVerificationForMessageContact', { ContactId: tom.id, EmailAddress: newEmail });
      const contact = (await client.call('GetMessageContact', { ContactId: tom.id })).Contact;
      assert.equal(contact.Status, 'Verifying', 'the new email is pending');

      for (const via of [clients['openapi-v2'], clients['pop-post']]) {
        const body = await sendTest(via, tom, 'SecurityMessage');
        assert.deepEqual(
          body.Deliveries.map((d: Body) => [d.Channel, d.Recipient]).sort(),
          [
            ['Email', tom.email],
            ['SMS', tom.phone],
          ],
          `${via.name}: the verified email and phone, not ${newEmail}`,
        );
      }
      const toNew = await allDeliveries({ ContactId: tom.id });
      assert.deepEqual(
        toNew.filter((d) => d.Recipient === newEmail).map((d) => d.Purpose),
        ['verification'],
        'the pending address got its verification link and nothing else',
      );
    });

    test('ListMessageDeliveries by ContactId shows the test deliveries: Purpose test, Stored, Attempts 0, their MessageId, a CreateDate', async () => {
      const { tom } = people;
      const tests = sent.filter((s) => s.action === 'SendTestMessage' && s.contactId === tom.id);
      assert.equal(tests.length, 6);
      // Two verification links when added, one to the pending new email, two deliveries per test message.
      const expectedTotal = 2 + 1 + 2 * tests.length;
      for (const name of clientNames) {
        const body = await deliveries(clients[name], { ContactId: tom.id, PageSize: 100 });
        assert.equal(body.TotalCount, expectedTotal, name);
        assert.equal(body.PageNumber, 1);
        assert.equal(body.PageSize, 100);
        assert.equal(body.Deliveries.length, expectedTotal, name);
        assert.ok(body.Deliveries.every((d: Body) => d.ContactId === tom.id), `${name}: only tom's deliveries`);
        const testDeliveries = body.Deliveries.filter((d: Body) => d.Purpose === 'test');
        assert.equal(testDeliveries.length, 2 * tests.length, name);
        for (const delivery of testDeliveries) {
          const expectedKeys = ['DeliveryId', 'MessageId', 'Purpose', 'ContactId', 'Channel', 'Recipient', 'Transport', 'Status', 'Attempts', 'CreateDate'];
          if (delivery.Channel === 'Email') expectedKeys.push('Subject');
          assert.deepEqual(sortedKeys(delivery), expectedKeys.sort(), `${name}: ${delivery.Channel} delivery fields`);
          assert.equal(delivery.Status, 'Stored');
          assert.equal(delivery.Transport, 'outbox');
          assert.equal(delivery.Attempts, 0);
          assert.match(delivery.CreateDate, apiDatePattern);
          assert.equal(delivery.Recipient, delivery.Channel === 'Email' ? tom.email : tom.phone);
        }
        // The same MessageId and the same DeliveryIds as the answers of SendTestMessage.
        for (const message of tests) {
          const own = testDeliveries.filter((d: Body) => d.MessageId === message.messageId);
          assert.deepEqual(own.map((d: Body) => d.DeliveryId).sort(), [...message.deliveryIds].sort(), `${name}: ${message.messageId}`);
          assert.deepEqual(own.map((d: Body) => d.Channel).sort(), ['Email', 'SMS']);
          assert.equal(own[0].CreateDate, own[1].CreateDate, 'one message, one CreateDate');
          const email = own.find((d: Body) => d.Channel === 'Email');
          if (message.messageType) assert.match(email.Subject, /Security message/, 'the subject names the type');
        }
        const verifications = body.Deliveries.filter((d: Body) => d.Purpose === 'verification');
        assert.deepEqual(verifications.map((d: Body) => d.Recipient).sort(), [tom.phone, tom.email, 'tom.new@example.com'].sort());
        // Newest first: the test messages in the reverse order of sending.
        const order = [...new Set(testDeliveries.map((d: Body) => d.MessageId as string))];
        assert.deepEqual(order, tests.map((t) => t.messageId).reverse(), `${name}: newest first`);
      }
    });

    test('SendMessage, through all four clients, reaches exactly the verified effective recipients of the type, once per channel', async () => {
      const { alice, bob, erin } = people;
      const subject = 'Login from a new place: 北京 +1 & more';
      const content = 'Someone signed in to account one.\nIf it was not you, act now: 100% of keys rotated?';
      for (const name of clientNames) {
        const body = await sendMessage(clients[name], ids.m1, 'SecurityMessage', `${subject} (${name})`, content);
        // alice via the folder ops (both channels), bob via the directory (email only), erin via ops
        // (phone only); not carol (nothing verified), not dave (no SecurityMessage).
        assert.deepEqual(
          [...body.Recipients].sort(byNameThenChannel).map((r: Body) => [r.Name, r.ContactId, r.Channel, r.Recipient]),
          [
            ['alice', alice.id, 'Email', alice.email],
            ['alice', alice.id, 'SMS', alice.phone],
            ['bob', bob.id, 'Email', bob.email],
            ['erin', erin.id, 'SMS', erin.phone],
          ],
          name,
        );
        assert.equal(new Set(body.Recipients.map((r: Body) => r.DeliveryId)).size, 4, 'a delivery each');
      }

      // Only bob (bound to the directory) reaches an account outside ops: one recipient, still an array.
      for (const name of clientNames) {
        const body = await sendMessage(clients[name], ids.m2, 'SecurityMessage', 'Password changed', 'The password of account two changed.');
        assert.deepEqual(body.Recipients.map((r: Body) => [r.Name, r.Channel, r.Recipient]), [['bob', 'Email', bob.email]], name);
      }

      // The type decides: AccountExpenses reaches alice (folder) and dave (account), not bob.
      const expenses = await sendMessage(client, ids.m1, 'AccountExpenses', 'Invoice ready', 'Your invoice for May is ready.');
      assert.deepEqual(
        [...expenses.Recipients].sort(byNameThenChannel).map((r: Body) => [r.Name, r.Channel, r.Recipient]),
        [
          ['alice', 'Email', alice.email],
          ['alice', 'SMS', alice.phone],
          ['dave', 'Email', people.dave.email],
        ],
      );
      // The same people ListEffectiveMessageContacts names with a verified address.
      const effective = await client.call('ListEffectiveMessageContacts', { AccountId: ids.m1, MessageType: 'SecurityMessage' });
      assert.deepEqual(
        effective.Contacts.filter((c: Body) => c.EmailAddress || c.PhoneNumber).map((c: Body) => c.Name).sort(),
        ['alice', 'bob', 'erin'],
      );
      const aliceEntry = effective.Contacts.find((c: Body) => c.Name === 'alice');
      assert.equal(aliceEntry.Sources.length, 2, 'alice reaches m1 twice, and still got one delivery per channel');
    });

    test('ListMessageDeliveries by AccountId shows the notifications with Purpose, Subject and AccountId', async () => {
      const toM1 = sent.filter((s) => s.action === 'SendMessage' && s.accountId === ids.m1);
      assert.equal(toM1.length, 5);
      const expectedTotal = toM1.reduce((sum, s) => sum + s.deliveryIds.length, 0);
      assert.equal(expectedTotal, 4 * 4 + 3);
      for (const name of clientNames) {
        const body = await deliveries(clients[name], { AccountId: ids.m1, PageSize: 100 });
        assert.equal(body.TotalCount, expectedTotal, name);
        assert.equal(body.Deliveries.length, expectedTotal, name);
        for (const delivery of body.Deliveries) {
          const expectedKeys = ['DeliveryId', 'MessageId', 'Purpose', 'ContactId', 'AccountId', 'Channel', 'Recipient', 'Transport', 'Status', 'Attempts', 'CreateDate'];
          if (delivery.Channel === 'Email') expectedKeys.push('Subject');
          assert.deepEqual(sortedKeys(delivery), expectedKeys.sort(), `${name}: ${delivery.Channel} notification fields`);
          assert.equal(delivery.Purpose, 'notification');
          assert.equal(delivery.AccountId, ids.m1);
          assert.equal(delivery.Status, 'Stored');
          assert.equal(delivery.Attempts, 0);
          const message = toM1.find((s) => s.messageId === delivery.MessageId);
          assert.ok(message, `${name}: ${delivery.MessageId} is one of the messages sent to m1`);
          assert.ok(message.deliveryIds.includes(delivery.DeliveryId));
          if (delivery.Channel === 'Email') assert.ok(String(delivery.Subject).includes(message.subject!), `${delivery.Subject} shows ${message.subject}`);
        }
        assert.deepEqual(
          [...new Set(body.Deliveries.map((d: Body) => d.MessageId as string))],
          toM1.map((s) => s.messageId).reverse(),
          `${name}: newest first`,
        );
        const recipients = body.Deliveries.filter((d: Body) => d.MessageId === toM1[0]!.messageId).map((d: Body) => [d.ContactId, d.Channel, d.Recipient]);
        assert.deepEqual(recipients.sort(), [
          [people.alice.id, 'Email', people.alice.email],
          [people.alice.id, 'SMS', people.alice.phone],
          [people.bob.id, 'Email', people.bob.email],
          [people.erin.id, 'SMS', people.erin.phone],
        ].sort());
      }
      // bob's deliveries: his verification link and his notifications to m1 and m2.
      const bobs = await allDeliveries({ ContactId: people.bob.id });
      assert.deepEqual(
        bobs.map((d) => d.Purpose).sort(),
        ['verification', ...Array<string>(4 + 4).fill('notification')].sort(),
      );
      assert.equal(await totalDeliveries({ AccountId: ids.m2 }), 4);
    });

    test('nobody reachable: Recipients [] and nothing stored for the account', async () => {
      const before = await totalDeliveries();
      for (const name of clientNames) {
        // m3 is reached by bob only (SecurityMessage); carol (FaultMessage) is bound to m1 and unverified.
        for (const [accountId, type] of [
          [ids.m3, 'FaultMessage'],
          [ids.m3, 'ActivityMessage'],
          [ids.m1, 'FaultMessage'],
          [ids.m1, 'ServiceMessage'],
        ] as const) {
          const body = await sendMessage(clients[name], accountId, type, 'Nobody listens', 'Nobody receives this.');
          assert.deepEqual(body.Recipients, [], `${name}: ${type} to ${accountId}`);
        }
        const m3 = await deliveries(clients[name], { AccountId: ids.m3 });
        assert.equal(m3.TotalCount, 0);
        assert.deepEqual(m3.Deliveries, [], `${name}: an empty list is an array`);
      }
      assert.equal(await totalDeliveries(), before, 'nothing was stored');
      assert.equal(await totalDeliveries({ ContactId: people.carol.id, Status: 'Stored' }), 0, 'carol never got anything');
    });

    test('a retained recipient (deleted contact kept by the account) still receives SendMessage; SendTestMessage to it is refused', async () => {
      const rita = await person('rita', ['FaultMessage'], '86-13800138005', ['email', 'phone']);
      await client.call('AssociateMembers', { ContactId: rita.id, Members: [ids.m3] });
      await client.call('DeleteMessageContact', { ContactId: rita.id });
      const effective = await client.call('ListEffectiveMessageContacts', { AccountId: ids.m3, MessageType: 'FaultMessage' });
      assert.deepEqual(effective.Contacts.map((c: Body) => [c.Name, c.Status]), [['rita', 'Retained']]);

      const messages: Sent[] = [];
      for (const name of clientNames) {
        const body = await sendMessage(clients[name], ids.m3, 'FaultMessage', 'Disk failure', 'A disk of account three failed.');
        assert.deepEqual(
          [...body.Recipients].sort(byChannel).map((r: Body) => [r.ContactId, r.Name, r.Channel, r.Recipient]),
          [
            [rita.id, 'rita', 'Email', rita.email],
            [rita.id, 'rita', 'SMS', rita.phone],
          ],
          name,
        );
        messages.push(sent.at(-1)!);
      }
      const m3 = await allDeliveries({ AccountId: ids.m3 });
      assert.equal(m3.length, 2 * clientNames.length);
      assert.ok(m3.every((d) => d.ContactId === rita.id && d.Purpose === 'notification' && d.AccountId === ids.m3));
      assert.deepEqual([...new Set(m3.map((d) => d.MessageId as string))], messages.map((m) => m.messageId).reverse());
      // Only SecurityMessage reaches m3 otherwise (bob), and a deleted contact is gone for a test message.
      assert.deepEqual((await sendMessage(client, ids.m3, 'ActivityMessage', 'Nobody', 'Nobody.')).Recipients, []);
      await expectError(client.call('SendTestMessage', { ContactId: rita.id }), 'EntityNotExists.Contact', 404);
    });

    test('filters and paging: Status, ContactId with Status, PageSize and PageNumber, TotalCount, newest first', async () => {
      const { pat } = people;
      const messages: string[] = [];
      for (const type of ['ServiceMessage', undefined, 'FaultMessage']) messages.push((await sendTest(client, pat, type)).MessageId);
      // Two verification links, then three test messages of two deliveries each.
      const all = await allDeliveries({ ContactId: pat.id });
      assert.equal(all.length, 8);
      assert.deepEqual(
        all.map((d) => d.MessageId),
        [messages[2], messages[2], messages[1], messages[1], messages[0], messages[0], all[6]!.MessageId, all[7]!.MessageId],
        'newest first',
      );
      assert.deepEqual(all.slice(6).map((d) => d.Purpose), ['verification', 'verification']);
      for (let i = 1; i < all.length; i++) assert.ok(all[i - 1]!.CreateDate >= all[i]!.CreateDate, 'CreateDate never grows down the list');

      const defaults = await deliveries(client, { ContactId: pat.id });
      assert.deepEqual([defaults.TotalCount, defaults.PageNumber, defaults.PageSize, defaults.Deliveries.length], [8, 1, 10, 8], 'default paging');
      for (const name of clientNames) {
        const pages: Body[] = [];
        for (const pageNumber of [1, 2, 3, 4]) {
          const body = await deliveries(clients[name], { ContactId: pat.id, PageSize: 3, PageNumber: pageNumber });
          assert.deepEqual([body.TotalCount, body.PageNumber, body.PageSize], [8, pageNumber, 3], name);
          assert.equal(body.Deliveries.length, [3, 3, 2, 0][pageNumber - 1], `${name}: page ${pageNumber}`);
          pages.push(...body.Deliveries);
        }
        assert.deepEqual(pages.map((d) => d.DeliveryId), all.map((d) => d.DeliveryId), `${name}: the pages add up to the list`);
      }
      // The whole directory, newest first: pat's last test message is the newest delivery.
      const newest = await deliveries(client, { PageSize: 2 });
      assert.deepEqual(newest.Deliveries.map((d: Body) => d.MessageId), [messages[2], messages[2]]);
      assert.equal(newest.TotalCount, await totalDeliveries());

      // With the outbox transport everything is Stored.
      const total = await totalDeliveries();
      assert.equal(await totalDeliveries({ Status: 'Stored' }), total);
      for (const status of ['Queued', 'Sending', 'Sent', 'Failed']) assert.equal(await totalDeliveries({ Status: status }), 0, status);
      assert.equal(await totalDeliveries({ ContactId: pat.id, Status: 'Stored' }), 8);
      assert.equal(await totalDeliveries({ ContactId: pat.id, Status: 'Sent' }), 0);

      // What the delivery worker would have written for a real transport: one SMS Sent, one email Failed.
      const db = server.store.tree.db;
      const sms = all.find((d) => d.MessageId === messages[1] && d.Channel === 'SMS')!;
      const email = all.find((d) => d.MessageId === messages[0] && d.Channel === 'Email')!;
      const at = server.clock.now().toISOString();
      await db.updateTable('outbox').set({ status: 'Sent', attempts: 1, last_attempt_at: at, sent_at: at }).where('id', '=', sms.DeliveryId).execute();
      await db
        .updateTable('outbox')
        .set({ status: 'Failed', attempts: 3, last_attempt_at: at, last_error: '550 mailbox unavailable' })
        .where('id', '=', email.DeliveryId)
        .execute();
      for (const name of clientNames) {
        const sentOnes = await deliveries(clients[name], { ContactId: pat.id, Status: 'Sent' });
        assert.equal(sentOnes.TotalCount, 1);
        assert.equal(sentOnes.Deliveries.length, 1, `${name}: one element, still an array`);
        const [shown] = sentOnes.Deliveries;
        assert.deepEqual([shown.DeliveryId, shown.Status, shown.Attempts, shown.Channel], [sms.DeliveryId, 'Sent', 1, 'SMS']);
        assert.match(shown.SentDate, apiDatePattern);
        assert.match(shown.LastAttemptDate, apiDatePattern);
        assert.ok(!('LastError' in shown) && !('NextAttemptDate' in shown));
        const failed = await deliveries(clients[name], { ContactId: pat.id, Status: 'Failed' });
        assert.deepEqual(
          failed.Deliveries.map((d: Body) => [d.DeliveryId, d.Status, d.Attempts, d.LastError, 'SentDate' in d]),
          [[email.DeliveryId, 'Failed', 3, '550 mailbox unavailable', false]],
          name,
        );
      }
      assert.equal(await totalDeliveries({ ContactId: pat.id, Status: 'Stored' }), 6);
      assert.equal(await totalDeliveries({ Status: 'Stored' }), total - 2);
      assert.equal(await totalDeliveries({ Status: 'Sent' }), 1);
      assert.equal(await totalDeliveries({ ContactId: people.tom.id, Status: 'Sent' }), 0, 'ContactId and Status together');
      assert.equal(await totalDeliveries({ AccountId: ids.m1, Status: 'Failed' }), 0, 'AccountId and Status together');
      // Filters that name nothing of this directory find nothing.
      assert.equal(await totalDeliveries({ ContactId: 'c-0000000000000000' }), 0);
      assert.equal(await totalDeliveries({ AccountId: '1000000000000000' }), 0);
    });

    test('another tenant sees none of these deliveries and cannot send to our contact or account', async () => {
      const ours = await totalDeliveries();
      const strangerCredentials = await server.newTenant();
      for (const name of clientNames) {
        const stranger = plain(apiClient(name, server.endpoint, strangerCredentials));
        for (const filter of [{}, { ContactId: people.tom.id }, { AccountId: ids.m1 }, { Status: 'Stored' }, { ContactId: people.pat.id, Status: 'Stored' }]) {
          const body = await deliveries(stranger, { ...filter, PageSize: 100 });
          assert.equal(body.TotalCount, 0, `${name}: ${JSON.stringify(filter)}`);
          assert.deepEqual(body.Deliveries, []);
        }
        await expectError(stranger.call('SendTestMessage', { ContactId: people.tom.id }), 'EntityNotExists.Contact', 404);
        await expectError(
          stranger.call('SendMessage', { AccountId: ids.m1, MessageType: 'SecurityMessage', Subject: 'Hi', Content: 'Hello' }),
          'EntityNotExists.Account',
          404,
        );
      }
      // In its own directory, without contacts, nobody is reachable.
      const stranger = apiClient('openapi-v3', server.endpoint, strangerCredentials);
      const rd = (await stranger.call('GetResourceDirectory')).ResourceDirectory;
      const own = (await stranger.call('CreateResourceAccount', { DisplayName: 'stranger', ParentFolderId: rd.RootFolderId })).Account.AccountId;
      const body = await stranger.call('SendMessage', { AccountId: own, MessageType: 'SecurityMessage', Subject: 'Hi', Content: 'Hello' });
      assert.deepEqual(body.Recipients, []);
      assert.equal(await totalDeliveries(), ours, 'our history did not change');
    });

    test('every error of the three actions, with its HTTP status; a refused call writes no delivery and no audit event', async () => {
      const { tom, frank } = people;
      // frank has nothing verified; a new pending email after an update does not count either.
      await client.call('UpdateMessageContact', { ContactId: frank.id, EmailAddress: 'frank.new@example.com' });
      const deliveriesBefore = await totalDeliveries();
      const auditBefore = (await auditEvents()).length;
      const send = { AccountId: ids.m1, MessageType: 'SecurityMessage', Subject: 'Hello', Content: 'World' };
      for (const name of clientNames) {
        const via = clients[name];
        const cases: [string, Record<string, string | number | undefined>, string, number][] = [
          ['SendTestMessage', {}, 'MissingParameter.ContactId', 400],
          ['SendTestMessage', { ContactId: 'c-123' }, 'InvalidParameter.ContactId', 400],
          ['SendTestMessage', { ContactId: 'tom' }, 'InvalidParameter.ContactId', 400],
          ['SendTestMessage', { ContactId: 'c-0000000000000000' }, 'EntityNotExists.Contact', 404],
          ['SendTestMessage', { ContactId: tom.id, MessageType: 'Spam' }, 'InvalidParameter.MessageType', 400],
          ['SendTestMessage', { ContactId: tom.id, MessageType: 'securitymessage' }, 'InvalidParameter.MessageType', 400],
          ['SendTestMessage', { ContactId: frank.id }, 'OperationDenied.ContactNotVerified', 400],
          ['SendTestMessage', { ContactId: frank.id, MessageType: 'ServiceMessage' }, 'OperationDenied.ContactNotVerified', 400],
          ['SendTestMessage', { ContactId: people.carol.id }, 'OperationDenied.ContactNotVerified', 400],
          ['SendMessage', { ...send, AccountId: undefined }, 'MissingParameter.AccountId', 400],
          ['SendMessage', { ...send, AccountId: '12345' }, 'InvalidParameter.AccountId', 400],
          ['SendMessage', { ...send, AccountId: 'a234567890123456' }, 'InvalidParameter.AccountId', 400],
          ['SendMessage', { ...send, AccountId: '1000000000000000' }, 'EntityNotExists.Account', 404],
          ['SendMessage', { ...send, AccountId: server.credentials.accountId }, 'EntityNotExists.Account', 404],
          ['SendMessage', { ...send, MessageType: undefined }, 'MissingParameter.MessageType', 400],
          ['SendMessage', { ...send, MessageType: 'Spam' }, 'InvalidParameter.MessageType', 400],
          ['SendMessage', { ...send, Subject: undefined }, 'MissingParameter.Subject', 400],
          ['SendMessage', { ...send, Subject: '   ' }, 'MissingParameter.Subject', 400],
          ['SendMessage', { ...send, Subject: 'x'.repeat(257) }, 'InvalidParameter.Subject.Length', 400],
          ['SendMessage', { ...send, Content: undefined }, 'MissingParameter.Content', 400],
          ['SendMessage', { ...send, Content: '  ' }, 'MissingParameter.Content', 400],
          ['SendMessage', { ...send, Content: 'x'.repeat(4001) }, 'InvalidParameter.Content.Length', 400],
          ['ListMessageDeliveries', { ContactId: 'c-1' }, 'InvalidParameter.ContactId', 400],
          ['ListMessageDeliveries', { AccountId: '123' }, 'InvalidParameter.AccountId', 400],
          ['ListMessageDeliveries', { Status: 'Delivered' }, 'InvalidParameter.Status', 400],
          ['ListMessageDeliveries', { Status: 'stored' }, 'InvalidParameter.Status', 400],
          ['ListMessageDeliveries', { ContactId: tom.id, Status: 'Pending' }, 'InvalidParameter.Status', 400],
          ['ListMessageDeliveries', { PageSize: 0 }, 'InvalidParameter.PageSize', 400],
          ['ListMessageDeliveries', { PageSize: 101 }, 'InvalidParameter.PageSize', 400],
          ['ListMessageDeliveries', { PageSize: 'ten' }, 'InvalidParameter.PageSize', 400],
          ['ListMessageDeliveries', { PageNumber: 0 }, 'InvalidParameter.PageNumber', 400],
          ['ListMessageDeliveries', { PageNumber: -1 }, 'InvalidParameter.PageNumber', 400],
        ];
        for (const [action, params, code, status] of cases) {
          await expectError(via.call(action, params), code, status).catch((error: unknown) => {
            throw new Error(`${name} ${action} ${JSON.stringify(params).slice(0, 120)}: ${String(error)}`);
          });
        }
      }
      assert.equal(await totalDeliveries(), deliveriesBefore, 'no delivery was written');
      assert.equal((await auditEvents()).length, auditBefore, 'no audit event was written');
      // Still the verified values only: frank has none, his pending addresses receive nothing.
      assert.deepEqual((await allDeliveries({ ContactId: frank.id })).map((d) => d.Purpose), []);
    });

    test('Subject and Content limits count characters: 256 Chinese characters pass, 257 fail; 4000 and 4001 in Content', async () => {
      const deliveriesBefore = await totalDeliveries();
      const auditBefore = (await auditEvents()).length;
      const han = (n: number) => '通知'.repeat(Math.ceil(n / 2)).slice(0, n);
      const emoji = (n: number) => '🔔'.repeat(n);
      assert.equal(han(256).length, 256);
      const refused: [ApiClient, Record<string, string>, string][] = [
        [clients['openapi-v3'], { Subject: han(257), Content: 'ok' }, 'InvalidParameter.Subject.Length'],
        [clients['pop-get'], { Subject: han(257), Content: 'ok' }, 'InvalidParameter.Subject.Length'],
        [clients['openapi-v2'], { Subject: emoji(257), Content: 'ok' }, 'InvalidParameter.Subject.Length'],
        // 4001 Chinese characters are over 16 KiB in a query string: sent in a POST body.
        [clients['pop-post'], { Subject: 'ok', Content: han(4001) }, 'InvalidParameter.Content.Length'],
        [clients['openapi-v3'], { Subject: 'ok', Content: 'y'.repeat(4001) }, 'InvalidParameter.Content.Length'],
      ];
      for (const [via, params, code] of refused) {
        await expectError(via.call('SendMessage', { AccountId: ids.m2, MessageType: 'SecurityMessage', ...params }), code, 400);
      }
      assert.equal(await totalDeliveries(), deliveriesBefore);
      assert.equal((await auditEvents()).length, auditBefore);

      // At the limits: accepted, and bob's delivery carries the whole subject.
      const accepted: [ApiClient, string, string][] = [
        [clients['openapi-v3'], han(256), 'ok'],
        [clients['pop-get'], han(256), 'y'.repeat(4000)],
        [clients['openapi-v2'], emoji(256), 'ok'],
        [clients['pop-post'], 'ok', han(4000)],
      ];
      for (const [via, subject, content] of accepted) {
        const body = await sendMessage(via, ids.m2, 'SecurityMessage', subject, content);
        assert.deepEqual(body.Recipients.map((r: Body) => r.Name), ['bob'], via.name);
        const [delivery] = (await allDeliveries({ AccountId: ids.m2 })).filter((d) => d.MessageId === body.MessageId);
        assert.ok(delivery, via.name);
        assert.ok(String(delivery.Subject).includes(subject), `${via.name}: the whole subject is kept`);
      }
      assert.equal(await totalDeliveries(), deliveriesBefore + accepted.length);
    });

    test('the audit trail has a SendTestMessage and a SendMessage event per message, with its MessageId', async () => {
      const events = await auditEvents();
      const tests = sent.filter((s) => s.action === 'SendTestMessage');
      const notifications = sent.filter((s) => s.action === 'SendMessage');
      assert.ok(tests.length > 0 && notifications.length > 0);
      assert.equal(events.filter((e) => e.action === 'SendTestMessage').length, tests.length, 'one event per test message');
      assert.equal(events.filter((e) => e.action === 'SendMessage').length, notifications.length, 'one event per notification that reached someone');
      for (const message of sent) {
        const matching = events.filter((e) => e.action === message.action && JSON.parse(e.changes).MessageId === message.messageId);
        assert.equal(matching.length, 1, `${message.action} ${message.messageId}`);
        const [event] = matching;
        const changes = JSON.parse(event!.changes);
        assert.equal(event!.request_id, message.requestId, 'the RequestId of the call');
        assert.equal(event!.actor, server.credentials.accessKeyId);
        assert.equal(event!.directory_id, server.credentials.directoryId);
        if (message.action === 'SendTestMessage') {
          assert.equal(event!.contact_id, message.contactId);
          assert.equal(changes.ContactId, message.contactId);
          assert.equal(changes.MessageType, message.messageType);
        } else {
          assert.equal(changes.AccountId, message.accountId);
          assert.equal(changes.MessageType, message.messageType);
          assert.equal(changes.Subject, message.subject);
        }
      }
      // The other tenant's refused calls and sends left nothing in our trail (beside our own calls, the
      // confirmations and the service's own events of its first start).
      const strangers = events.filter((e) => ![server.credentials.accessKeyId, 'verification-link', 'rdcontacts'].includes(e.actor));
      assert.deepEqual(strangers.map((e) => `${e.action} by ${e.actor}`), []);
    });
  });
}

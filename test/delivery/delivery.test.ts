/**
 * Real delivery over SMTP: rdcontacts, configured with the smtp transport, sends to a real SMTP
 * server on 127.0.0.1 (test/support/smtp-sink.ts). The message arrives whole and its link works;
 * temporary failures are retried until they pass, permanent ones stop at once, and the attempts
 * run out into Failed; the API call that queued a message never fails because of its delivery.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Config, resolveConfig } from '../../src/config.js';
import { type ApiClient, type Body, apiClient } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { startServer, type TestServer } from '../support/server.js';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.js';
import { confirmLink, openLink } from '../support/verification-links.js';
import { until } from '../support/until.js';

const sender = 'noreply@rdcontacts.example';

function smtpDelivery(port: number, overrides: Partial<Config['delivery']> = {}): Config['delivery'] {
  return {
    ...resolveConfig({}, {}).delivery,
    email: {
      transport: 'smtp',
      smtp: { host: '127.0.0.1', port, security: 'none', from: sender, fromName: 'Cloud Contacts', timeoutMs: 5000 },
    },
    // Retries within milliseconds, so that the tests wait on outcomes, not on the clock.
    retryBaseMs: 20,
    retryMaxMs: 100,
    attempts: 4,
    ...overrides,
  };
}

for (const backend of backends) {
  describe(`delivery over SMTP [${backend.name}]`, () => {
    let sink: SmtpSink;
    let server: TestServer;
    let client: ApiClient;
    let names = 0;
    const nextName = () => `mail${String.fromCharCode(97 + (names % 26))}${String.fromCharCode(97 + Math.floor(names++ / 26))}`;

    before(async () => {
      sink = await startSmtpSink();
      server = await startServer({ backend, config: { maxContactsPerDirectory: 100, delivery: smtpDelivery(sink.port) } });
      client = apiClient('openapi-v3', server.endpoint, server.credentials);
    });
    after(async () => {
      await server.close();
      await sink.close();
    });

    /** A new contact with a pending email, and its verification sent: the delivery's row. */
    async function sendVerification(email: string): Promise<{ contactId: string; delivery: Body }> {
      const contactId = (
        await client.call('AddMessageContact', { Name: nextName(), EmailAddress: email, Title: 'TechnicalDirector', MessageTypes: ['SecurityMessage'] })
      ).Contact.ContactId as string;
      // Answers at once, whatever happens to the delivery afterwards.
      await client.call('SendEmailVerificationForMessageContact', { ContactId: contactId, EmailAddress: email });
      const [delivery] = (await client.call('ListMessageDeliveries', { ContactId: contactId })).Deliveries as Body[];
      assert.ok(delivery);
      return { contactId, delivery };
    }

    const deliveryOf = async (contactId: string) => ((await client.call('ListMessageDeliveries', { ContactId: contactId })).Deliveries as Body[])[0]!;
    const settled = (contactId: string, status: 'Sent' | 'Failed') =>
      until(`delivery to ${contactId} ${status}`, async () => {
        const delivery = await deliveryOf(contactId);
        return delivery.Status === status ? delivery : undefined;
      });
    const mailsTo = (address: string) => sink.received.filter((mail) => mail.to.includes(address));

    test('a verification email arrives whole, and following its link verifies the address', async () => {
      const email = 'whole@example.com';
      const { contactId, delivery } = await sendVerification(email);
      assert.equal(delivery.Transport, 'smtp');
      assert.equal(delivery.Channel, 'Email');
      const sent = await settled(contactId, 'Sent');
      assert.equal(sent.Attempts, 1);
      assert.match(sent.SentDate, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      assert.equal(sent.LastError, undefined);

      const [mail] = mailsTo(email);
      assert.ok(mail, 'the SMTP server got the message');
      assert.equal(mail.from, `"Cloud Contacts" <${sender}>`);
      assert.deepEqual(mail.to, [email]);
      assert.deepEqual(mail.envelope, { from: sender, to: [email] });
      assert.equal(mail.subject, 'Verify your email address for notifications');
      assert.equal(mail.messageId, `<${delivery.DeliveryId}@rdcontacts>`);
      const link = /https?:\/\/\S+\/verify\/\S+/.exec(mail.text)?.[0];
      assert.ok(link, `a link in the text part: ${mail.text}`);
      assert.ok(mail.html.includes(`href="${link}"`), 'the same link in the HTML part');
      assert.ok(mail.html.includes(email) && mail.text.includes(email), 'both parts name the address');

      assert.equal((await openLink(link)).status, 200);
      assert.equal((await confirmLink(link)).status, 200);
      const contact = (await client.call('GetMessageContact', { ContactId: contactId })).Contact;
      assert.equal(contact.EmailAddress, email);
      assert.equal(contact.Status, 'Active');
    });

    test('the SMTP server down, then up: the message is sent once it is back', async () => {
      await sink.stop();
      const email = 'down-then-up@example.com';
      let contactId: string;
      try {
        ({ contactId } = await sendVerification(email));
        const failedOnce = await until('a refused attempt', async () => {
          const delivery = await deliveryOf(contactId);
          return delivery.Attempts >= 1 && delivery.Status === 'Queued' ? delivery : undefined;
        });
        assert.match(failedOnce.LastError, /refused|ECONNREFUSED/i);
        assert.ok(failedOnce.NextAttemptDate, 'a next attempt is planned');
      } finally {
        await sink.start();
      }
      const sent = await settled(contactId, 'Sent');
      assert.ok(sent.Attempts >= 2, `sent after a retry (${sent.Attempts} attempts)`);
      assert.equal(mailsTo(email).length, 1, 'sent once');
    });

    test('4xx twice, then accepted: three attempts, sent once', async () => {
      sink.failNext(2, 451, 'Greylisted, try again later');
      const email = 'greylisted@example.com';
      const { contactId } = await sendVerification(email);
      const sent = await settled(contactId, 'Sent');
      assert.equal(sent.Attempts, 3);
      assert.equal(mailsTo(email).length, 1);
    });

    test('5xx: Failed at once with the server’s answer, never tried again', async () => {
      sink.failNext(1, 550, 'Mailbox unavailable');
      const email = 'nobody@example.com';
      const attemptsBefore = sink.attempts;
      const { contactId } = await sendVerification(email);
      const failed = await settled(contactId, 'Failed');
      assert.equal(failed.Attempts, 1);
      assert.match(failed.LastError, /550/);
      // Another message goes through after it: the worker has moved on and did not retry the failed one.
      const { contactId: next } = await sendVerification('after-failure@example.com');
      await settled(next, 'Sent');
      assert.equal(sink.attempts - attemptsBefore, 2, 'one attempt for each of the two messages');
      assert.equal(mailsTo(email).length, 0);
    });

    test('temporary failures until the attempts run out: Failed with the last error', async () => {
      sink.failNext(4, 452, 'Insufficient system storage');
      const { contactId } = await sendVerification('full@example.com');
      const failed = await settled(contactId, 'Failed');
      assert.equal(failed.Attempts, 4);
      assert.match(failed.LastError, /452/);
      sink.failNext(0, 250);
    });

    test('SendTestMessage reaches the verified address over SMTP; its delivery is listed as Sent', async () => {
      const email = 'tested@example.com';
      const { contactId } = await sendVerification(email);
      await settled(contactId, 'Sent');
      const link = /https?:\/\/\S+\/verify\/\S+/.exec(mailsTo(email)[0]!.text)![0];
      await confirmLink(link);

      const answer = await client.call('SendTestMessage', { ContactId: contactId, MessageType: 'SecurityMessage' });
      assert.equal(answer.Deliveries.length, 1);
      assert.equal(answer.Deliveries[0].Status, 'Queued');
      await sink.waitFor(sink.received.length + 1);
      const test = mailsTo(email).at(-1)!;
      assert.notEqual(test.subject, mailsTo(email)[0]!.subject);
      assert.equal(test.messageId, `<${answer.Deliveries[0].DeliveryId}@rdcontacts>`);
      const listed = await until('the test delivery Sent', async () => {
        const deliveries = (await client.call('ListMessageDeliveries', { ContactId: contactId, Status: 'Sent' })).Deliveries as Body[];
        return deliveries.find((d) => d.DeliveryId === answer.Deliveries[0].DeliveryId);
      });
      assert.equal(listed.Purpose, 'test');
      assert.equal(listed.MessageId, answer.MessageId);
    });
  });
}

/**
 * Verification completes for real: Send*Verification puts a link into the outbox, the recipient
 * opens it (GET changes nothing) and confirms it (POST). Links are single-use, expire, and stop
 * working when cancelled or superseded. Runs once per storage backend.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type ApiClient, apiClient, failure } from './support/clients.js';
import { backends } from './support/backends.js';
import { startServer, type TestServer } from './support/server.js';
import { confirmLink, newestLink, openLink } from './support/verification-links.js';

for (const backend of backends) {
  describe(`verification [${backend.name}]`, () => {
    let server: TestServer;
    let client: ApiClient;
    let count = 0;
    const unique = () => {
      count += 1;
      return { name: `ver${String.fromCharCode(97 + (count % 26))}${String.fromCharCode(97 + Math.floor(count / 26))}`, email: `user${count}@example.com` };
    };

    before(async () => {
      server = await startServer({ backend, config: { maxContactsPerDirectory: 1000 } });
      client = apiClient('openapi-v3', server.endpoint, server.credentials);
    });
    after(() => server.close());

    async function addContact(phone?: string) {
      const { name, email } = unique();
      const body = await client.call('AddMessageContact', {
        Name: name,
        EmailAddress: email,
        ...(phone ? { PhoneNumber: phone } : {}),
        Title: 'Other',
        MessageTypes: ['SecurityMessage'],
      });
      return { id: body.Contact.ContactId as string, name, email };
    }
    const status = async (id: string) => (await client.call('GetMessageContact', { ContactId: id })).Contact.Status;
    const sendEmail = (id: string, email: string) =>
      client.call('SendEmailVerificationForMessageContact', { ContactId: id, EmailAddress: email });

    test('the link opens a page naming the contact and the address; only POST confirms', async () => {
      const contact = await addContact();
      await sendEmail(contact.id, contact.email);
      const [message] = await server.store.outbox.list({ recipient: contact.email, limit: 5 });
      assert.equal(message?.channel, 'email');
      assert.equal(message?.purpose, 'verification');
      const link = message!.link!;
      assert.match(link, new RegExp(`^${server.config.publicUrl}/verify/[0-9A-Za-z]{43}$`));
      assert.ok(message!.body.includes(link), 'the message carries the link');

      const page = await openLink(link);
      assert.equal(page.status, 200);
      assert.ok(page.html.includes(contact.name) && page.html.includes(contact.email));
      assert.match(page.html, /<form method="post"[^>]*>\s*<button type="submit">Confirm<\/button>/);
      await openLink(link);
      assert.equal(await status(contact.id), 'Verifying', 'opening the link twice confirms nothing');

      const confirmed = await confirmLink(link);
      assert.equal(confirmed.status, 200);
      assert.match(confirmed.html, /is verified/);
      assert.equal(await status(contact.id), 'Active');
      assert.equal((await client.call('ListMessageContactVerifications', { ContactId: contact.id })).TotalCount, 0);

      const again = await confirmLink(link);
      assert.equal(again.status, 410);
      assert.match(again.html, /already been used/);
    });

    test('tokens are stored hashed, never as they are', async () => {
      const contact = await addContact();
      await sendEmail(contact.id, contact.email);
      const token = (await newestLink(server, contact.email)).split('/').at(-1)!;
      const hash = createHash('sha256').update(token).digest('hex');
      assert.ok(await server.store.tokens.findByHash(hash));
      assert.equal(await server.store.tokens.findByHash(token), undefined);
    });

    test('a contact with email and phone is Active only when both are verified', async () => {
      const contact = await addContact('86-13700000002');
      await sendEmail(contact.id, contact.email);
      await confirmLink(await newestLink(server, contact.email));
      assert.equal(await status(contact.id), 'Verifying');
      await client.call('SendPhoneVerificationForMessageContact', { ContactId: contact.id, PhoneNumber: '86-13700000002' });
      const [sms] = await server.store.outbox.list({ recipient: '86-13700000002', limit: 1 });
      assert.equal(sms?.channel, 'sms');
      assert.ok(sms!.body.length <= 160 && sms!.body.includes(sms!.link!), 'a short text with the link');
      await confirmLink(sms!.link!);
      assert.equal(await status(contact.id), 'Active');
    });

    test('an expired link shows a clear page and changes nothing', async () => {
      const contact = await addContact();
      await sendEmail(contact.id, contact.email);
      const link = await newestLink(server, contact.email);
      server.clock.passTime(server.config.verificationTtlSeconds + 1);
      const page = await openLink(link);
      assert.equal(page.status, 410);
      assert.match(page.html, /expired/);
      assert.equal((await confirmLink(link)).status, 410);
      assert.equal(await status(contact.id), 'Verifying');
    });

    test('a newer message supersedes the older link; an update of the address does too', async () => {
      const contact = await addContact();
      await sendEmail(contact.id, contact.email);
      const older = await newestLink(server, contact.email);
      await sendEmail(contact.id, contact.email);
      const newer = await newestLink(server, contact.email);
      assert.notEqual(older, newer);
      const stale = await confirmLink(older);
      assert.equal(stale.status, 410);
      assert.match(stale.html, /newer verification message/);
      assert.equal(await status(contact.id), 'Verifying');

      await client.call('UpdateMessageContact', { ContactId: contact.id, EmailAddress: 'moved@example.com' });
      assert.equal((await confirmLink(newer)).status, 410);
      assert.equal((await client.call('GetMessageContact', { ContactId: contact.id })).Contact.EmailAddress, 'moved@example.com');
    });

    test('cancel and delete turn the links into "cancelled" pages', async () => {
      const first = await addContact('86-13700000003');
      await sendEmail(first.id, first.email);
      await confirmLink(await newestLink(server, first.email));
      await client.call('SendPhoneVerificationForMessageContact', { ContactId: first.id, PhoneNumber: '86-13700000003' });
      const phoneLink = await newestLink(server, '86-13700000003');
      await client.call('CancelMessageContactUpdate', { ContactId: first.id, PhoneNumber: '86-13700000003' });
      const cancelled = await confirmLink(phoneLink);
      assert.equal(cancelled.status, 410);
      assert.match(cancelled.html, /cancelled/);
      const afterCancel = (await client.call('GetMessageContact', { ContactId: first.id })).Contact;
      assert.equal(afterCancel.PhoneNumber, undefined, 'a never-verified phone is simply dropped');
      assert.equal(afterCancel.Status, 'Active');

      const second = await addContact();
      await sendEmail(second.id, second.email);
      const link = await newestLink(server, second.email);
      await client.call('DeleteMessageContact', { ContactId: second.id });
      assert.match((await openLink(link)).html, /cancelled/);
    });

    test('Send accepts only a pending target of the contact', async () => {
      const contact = await addContact();
      const wrong = await failure(sendEmail(contact.id, 'someone-else@example.com'));
      assert.equal(wrong.code, 'EntityNotExists.Contact.Verification');
      assert.equal(wrong.statusCode, 404);
      const noPhone = await failure(
        client.call('SendPhoneVerificationForMessageContact', { ContactId: contact.id, PhoneNumber: '86-13700000004' }),
      );
      assert.equal(noPhone.code, 'EntityNotExists.Contact.Verification');
      await sendEmail(contact.id, contact.email);
      await confirmLink(await newestLink(server, contact.email));
      const verified = await failure(sendEmail(contact.id, contact.email));
      assert.equal(verified.code, 'EntityNotExists.Contact.Verification', 'a verified address is no longer pending');
    });

    test('cancel: nothing pending, a different target, or the first email → ContactStatusMismatchAction', async () => {
      const contact = await addContact();
      const firstEmail = await failure(client.call('CancelMessageContactUpdate', { ContactId: contact.id }));
      assert.equal(firstEmail.code, 'ContactStatusMismatchAction', 'the first email has nothing to fall back to');
      await sendEmail(contact.id, contact.email);
      await confirmLink(await newestLink(server, contact.email));
      const nothing = await failure(client.call('CancelMessageContactUpdate', { ContactId: contact.id }));
      assert.equal(nothing.code, 'ContactStatusMismatchAction');
      await client.call('UpdateMessageContact', { ContactId: contact.id, EmailAddress: 'next@example.com' });
      const other = await failure(
        client.call('CancelMessageContactUpdate', { ContactId: contact.id, EmailAddress: 'not-pending@example.com' }),
      );
      assert.equal(other.code, 'ContactStatusMismatchAction');
      await client.call('CancelMessageContactUpdate', { ContactId: contact.id });
      assert.equal(await status(contact.id), 'Active');
    });

    test('at most 10 messages a minute to one address; the next minute allows more', async () => {
      const contact = await addContact();
      for (let i = 0; i < 10; i += 1) await sendEmail(contact.id, contact.email);
      const refused = await failure(sendEmail(contact.id, contact.email));
      assert.equal(refused.code, 'SendValidateCodeExceedsLimitForAccount');
      assert.equal(refused.statusCode, 409);
      assert.equal((await server.store.outbox.list({ recipient: contact.email, limit: 100 })).length, 10);
      server.clock.passTime(61);
      await sendEmail(contact.id, contact.email);
      // The newest link still works after the refusals.
      assert.equal((await confirmLink(await newestLink(server, contact.email))).status, 200);
    });

    test('the per-address limit counts one directory only: another tenant can neither use it up nor watch it', async () => {
      const address = `shared${count}@example.com`;
      const mine = (await client.call('AddMessageContact', { Name: 'sharedmine', EmailAddress: address, Title: 'Other', MessageTypes: ['SecurityMessage'] }))
        .Contact.ContactId as string;
      const other = apiClient('openapi-v2', server.endpoint, await server.newTenant());
      const theirs = (await other.call('AddMessageContact', { Name: 'sharedtheirs', EmailAddress: address, Title: 'Other', MessageTypes: ['SecurityMessage'] }))
        .Contact.ContactId as string;
      const sendMine = () => sendEmail(mine, address);
      const sendTheirs = () => other.call('SendEmailVerificationForMessageContact', { ContactId: theirs, EmailAddress: address });

      // Sends of this directory first: they do not change what the other one is allowed.
      for (let i = 0; i < 4; i += 1) await sendMine();
      // The other tenant points its contact at this address and sends its whole minute's worth.
      for (let i = 0; i < 10; i += 1) await sendTheirs();
      const theirRefusal = await failure(sendTheirs());
      assert.equal(theirRefusal.code, 'SendValidateCodeExceedsLimitForAccount', 'its own 11th is refused, after exactly 10');
      // This directory's own sends still go out: 6 more make its 10.
      for (let i = 0; i < 6; i += 1) await sendMine();
      assert.equal((await failure(sendMine())).code, 'SendValidateCodeExceedsLimitForAccount');
      // And the newest link still verifies the address.
      assert.equal((await confirmLink(await newestLink(server, address))).status, 200);
    });

    test('at most N messages a day per account, counted across contacts', async () => {
      const limited = await startServer({ backend, config: { sendsPerDayPerAccount: 3 } });
      try {
        const own = apiClient('pop-post', limited.endpoint, limited.credentials);
        const ids: string[] = [];
        for (const name of ['daya', 'dayb']) {
          const body = await own.call('AddMessageContact', {
            Name: name,
            EmailAddress: `${name}@example.com`,
            Title: 'Other',
            MessageTypes: ['SecurityMessage'],
          });
          ids.push(body.Contact.ContactId);
        }
        const send = (i: number) =>
          own.call('SendEmailVerificationForMessageContact', { ContactId: ids[i % 2], EmailAddress: `day${'ab'[i % 2]}@example.com` });
        for (let i = 0; i < 3; i += 1) await send(i);
        assert.equal((await failure(send(3))).code, 'SendValidateCodeExceedsLimitForAccount');
        const stranger = apiClient('openapi-v2', limited.endpoint, await limited.newTenant());
        const theirs = await stranger.call('AddMessageContact', {
          Name: 'daya',
          EmailAddress: 'other@example.com',
          Title: 'Other',
          MessageTypes: ['SecurityMessage'],
        });
        await stranger.call('SendEmailVerificationForMessageContact', {
          ContactId: theirs.Contact.ContactId,
          EmailAddress: 'other@example.com',
        });
        limited.clock.passTime(86_401);
        await send(4);
      } finally {
        await limited.close();
      }
    });

    test('a link that does not exist shows a not-found page', async () => {
      const page = await openLink(`${server.baseUrl}/verify/${'A'.repeat(43)}`);
      assert.equal(page.status, 404);
      assert.equal((await confirmLink(`${server.baseUrl}/verify/not-a-token`)).status, 404);
    });

    test('the page escapes what it shows', async () => {
      const email = "o'neil&co@example.com";
      const { name } = unique();
      const body = await client.call('AddMessageContact', { Name: name, EmailAddress: email, Title: 'Other', MessageTypes: ['SecurityMessage'] });
      await sendEmail(body.Contact.ContactId, email);
      const page = await openLink(await newestLink(server, email));
      assert.ok(page.html.includes('o&#39;neil&amp;co@example.com'), 'the address is shown escaped');
      assert.ok(!page.html.includes("o'neil&co"));
    });
  });
}

/**
 * Verification tokens at rest: a row of the database holds a token in clear only while the token
 * can still be used and its message has not left through a real transport. After each event that
 * ends that (Sent by SMTP; the link used, superseded by a newer message or an update, cancelled,
 * the contact deleted, the token expired) every row of every table is read from outside the
 * store, and the token appears nowhere. Before the event, the link works. Runs once per store.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { type Config, resolveConfig } from '../src/config.js';
import { openStore, type Store } from '../src/store/store.js';
import { type ApiClient, type Body, apiClient, failure } from './support/clients.js';
import { type Backend, backends } from './support/backends.js';
import { freshSchema } from './support/pg-schemas.js';
import { startServer, type TestServer } from './support/server.js';
import { type SmtpSink, sinkSmtp, startSmtpSink } from './support/smtp-sink.js';
import { until } from './support/until.js';
import { confirmLink, newestLink, openLink } from './support/verification-links.js';

/** A store of `name`'s kind, and every row of every table of it, read over a connection of its own. */
function dumpable(name: string): { backend: Backend; dump: () => Promise<string> } {
  let dump: () => Promise<string> = async () => {
    throw new Error('no store opened yet');
  };
  if (name === 'sqlite') {
    const backend: Backend = {
      name,
      async open() {
        const dir = mkdtempSync(join(tmpdir(), 'rdc-tokens-'));
        const file = join(dir, 'tokens.db');
        const store = await openStore(`sqlite:${file}`);
        dump = async () => {
          const db = new SQLite(file, { readonly: true, fileMustExist: true });
          try {
            const tables = db.prepare("select name from sqlite_master where type = 'table'").pluck().all() as string[];
            return JSON.stringify(tables.map((table) => [table, db.prepare(`select * from "${table}"`).all()]));
          } finally {
            db.close();
          }
        };
        const close = store.close.bind(store);
        store.close = async () => {
          await close();
          rmSync(dir, { recursive: true, force: true });
        };
        return store;
      },
    };
    return { backend, dump: () => dump() };
  }
  const backend: Backend = {
    name,
    async open(): Promise<Store> {
      const schema = await freshSchema();
      const store = await openStore(schema.url);
      dump = async () => {
        const client = new pg.Client({ connectionString: schema.url });
        await client.connect();
        try {
          const tables = await client.query<{ table_name: string }>(
            "select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'",
          );
          const rows = [];
          for (const { table_name } of tables.rows) rows.push([table_name, (await client.query(`select * from "${table_name}"`)).rows]);
          return JSON.stringify(rows);
        } finally {
          await client.end();
        }
      };
      const close = store.close.bind(store);
      store.close = async () => {
        await close();
        await schema.drop();
      };
      return store;
    },
  };
  return { backend, dump: () => dump() };
}

const tokenOf = (link: string): string => link.split('/').at(-1)!;
const maskedLink = /\/verify\/[0-9A-Za-z]{6}…$/;

for (const { name } of backends) {
  describe(`verification tokens at rest, outbox transport [${name}]`, () => {
    const { backend, dump } = dumpable(name);
    let server: TestServer;
    let client: ApiClient;
    let count = 0;
    const unique = () => {
      count += 1;
      return { name: `rest${String.fromCharCode(97 + (count % 26))}${String.fromCharCode(97 + Math.floor(count / 26))}`, email: `rest${count}@example.com` };
    };

    before(async () => {
      server = await startServer({ backend, config: { maxContactsPerDirectory: 100 } });
      client = apiClient('openapi-v3', server.endpoint, server.credentials);
    });
    after(() => server.close());

    async function addContact(phone?: string) {
      const { name: contactName, email } = unique();
      const body = await client.call('AddMessageContact', {
        Name: contactName,
        EmailAddress: email,
        ...(phone ? { PhoneNumber: phone } : {}),
        Title: 'Other',
        MessageTypes: ['SecurityMessage'],
      });
      return { id: body.Contact.ContactId as string, email };
    }
    const sendEmail = async (id: string, email: string) => {
      await client.call('SendEmailVerificationForMessageContact', { ContactId: id, EmailAddress: email });
      return newestLink(server, email);
    };
    const sendPhone = async (id: string, phone: string) => {
      await client.call('SendPhoneVerificationForMessageContact', { ContactId: id, PhoneNumber: phone });
      return newestLink(server, phone);
    };
    /** The link works (its page opens, nothing changes) and the database holds its token. */
    async function usable(link: string): Promise<void> {
      assert.equal((await openLink(link)).status, 200, `${link} opens`);
      assert.ok((await dump()).includes(tokenOf(link)), 'a stored message keeps its link while the token is usable');
    }
    async function nowhere(link: string, event: string): Promise<void> {
      assert.ok(!(await dump()).includes(tokenOf(link)), `after ${event}, no row holds the token of ${link}`);
    }

    test('a stored message keeps a working link until it is used; then no row holds its token', async () => {
      const contact = await addContact();
      const link = await sendEmail(contact.id, contact.email);
      const [row] = await server.store.outbox.list({ recipient: contact.email, limit: 1 });
      assert.equal(row?.status, 'Stored');
      await usable(link);

      assert.equal((await confirmLink(link)).status, 200);
      await nowhere(link, 'the link was used');
      const [scrubbed] = await server.store.outbox.list({ recipient: contact.email, limit: 1 });
      assert.match(scrubbed!.link!, maskedLink, 'the outbox still shows which link it was');
      const shown = scrubbed!.link!;
      assert.ok(scrubbed!.body.includes(shown) && scrubbed!.html_body!.includes(shown), 'the text and the HTML name it the same way');
      assert.equal(scrubbed!.status, 'Stored');
      assert.equal((await confirmLink(link)).status, 410, 'the used link still shows its page');
    });

    test('a newer message, an update of the address, a cancel and a delete each take the token out', async () => {
      const phone = '86-13700000011';
      const contact = await addContact(phone);

      const firstSms = await sendPhone(contact.id, phone);
      await usable(firstSms);
      const secondSms = await sendPhone(contact.id, phone);
      await nowhere(firstSms, 'a newer message');
      const [older] = (await server.store.outbox.list({ recipient: phone, limit: 2 })).slice(1);
      assert.match(older!.link!, maskedLink);
      assert.ok(older!.body.includes(older!.link!) && older!.sms_params!.includes(older!.link!), 'the text and the SMS values too');
      await usable(secondSms);
      await client.call('CancelMessageContactUpdate', { ContactId: contact.id, PhoneNumber: phone });
      await nowhere(secondSms, 'CancelMessageContactUpdate');

      const firstEmail = await sendEmail(contact.id, contact.email);
      await usable(firstEmail);
      const moved = `moved-${contact.email}`;
      await client.call('UpdateMessageContact', { ContactId: contact.id, EmailAddress: moved });
      await nowhere(firstEmail, 'an update of the address');

      const movedEmail = await sendEmail(contact.id, moved);
      await usable(movedEmail);
      await client.call('DeleteMessageContact', { ContactId: contact.id });
      await nowhere(movedEmail, 'DeleteMessageContact');

      const other = await addContact();
      const otherLink = await sendEmail(other.id, other.email);
      await usable(otherLink);
      assert.equal((await client.call('DeleteMessageContact', { ContactId: other.id, RetainContactInMembers: false })).Status, 'Deleting');
      await until('the deletion job finished', async () => {
        try {
          await client.call('GetMessageContact', { ContactId: other.id });
          return undefined;
        } catch (error) {
          return (await failure(Promise.reject(error))).code === 'EntityNotExists.Contact' ? true : undefined;
        }
      });
      await nowhere(otherLink, 'the asynchronous delete');
    });

    test('tokens that expire are swept out of the outbox; the links still say "expired"', async () => {
      const phone = '86-13700000012';
      const contact = await addContact(phone);
      const email = await sendEmail(contact.id, contact.email);
      const sms = await sendPhone(contact.id, phone);
      await usable(email);
      await usable(sms);
      server.clock.passTime(server.config.verificationTtlSeconds + 1);
      await until('the sweep took the expired tokens out', async () => {
        const all = await dump();
        return all.includes(tokenOf(email)) || all.includes(tokenOf(sms)) ? undefined : true;
      });
      const page = await openLink(email);
      assert.equal(page.status, 410);
      assert.match(page.html, /expired/);
      for (const row of await server.store.outbox.list({ recipient: phone, limit: 1 })) {
        assert.match(row.link!, maskedLink);
        assert.equal(row.status, 'Stored');
      }
    });
  });

  describe(`verification tokens at rest, SMTP [${name}]`, () => {
    const { backend, dump } = dumpable(name);
    let sink: SmtpSink;
    let server: TestServer;
    let client: ApiClient;
    let names = 0;
    const nextName = () => `smtp${String.fromCharCode(97 + (names % 26))}${String.fromCharCode(97 + Math.floor(names++ / 26))}`;

    before(async () => {
      sink = await startSmtpSink();
      const delivery: Config['delivery'] = {
        ...resolveConfig({}, {}).delivery,
        email: {
          transport: 'smtp',
          smtp: sinkSmtp(sink.port),
        },
        // Retries within milliseconds, and enough of them to outlast a stopped SMTP server.
        retryBaseMs: 20,
        retryMaxMs: 100,
        attempts: 1000,
      };
      server = await startServer({ backend, config: { maxContactsPerDirectory: 100, delivery } });
      client = apiClient('openapi-v3', server.endpoint, server.credentials);
    });
    after(async () => {
      await server.close();
      await sink.close();
    });

    const deliveries = async (contactId: string) => (await client.call('ListMessageDeliveries', { ContactId: contactId })).Deliveries as Body[];
    const mailsTo = (address: string) => sink.received.filter((mail) => mail.to.includes(address));
    const linkIn = (text: string) => /https?:\/\/\S+\/verify\/[0-9A-Za-z]{43}/.exec(text)?.[0];

    async function pendingContact(email: string): Promise<string> {
      const body = await client.call('AddMessageContact', { Name: nextName(), EmailAddress: email, Title: 'Other', MessageTypes: ['SecurityMessage'] });
      return body.Contact.ContactId as string;
    }
    const refusedOnce = (contactId: string) =>
      until('an attempt refused by the stopped SMTP server', async () => {
        const [newest] = await deliveries(contactId);
        return newest?.Status === 'Queued' && newest.Attempts >= 1 ? newest : undefined;
      });

    test('once the SMTP server accepted the message, no row holds its token; the emailed link works', async () => {
      const email = 'accepted@example.com';
      const contactId = await pendingContact(email);
      await sink.stop();
      try {
        await client.call('SendEmailVerificationForMessageContact', { ContactId: contactId, EmailAddress: email });
        await refusedOnce(contactId);
        // In transit: the worker needs the message whole to send it.
        const link = await newestLink(server, email);
        assert.ok((await dump()).includes(tokenOf(link)), 'a queued message is still whole');
        assert.equal((await openLink(link)).status, 200);
      } finally {
        await sink.start();
      }
      await until('Sent', async () => ((await deliveries(contactId))[0]?.Status === 'Sent' ? true : undefined));
      const [mail] = mailsTo(email);
      const link = linkIn(mail!.text);
      assert.ok(link && mail!.html.includes(link), 'the email carries the whole link');
      await until('no row holds the token', async () => ((await dump()).includes(tokenOf(link)) ? undefined : true));
      assert.match((await newestLink(server, email)), maskedLink);
      assert.equal((await openLink(link)).status, 200, 'the recipient’s link still works');
      assert.equal((await confirmLink(link)).status, 200);
      assert.equal((await client.call('GetMessageContact', { ContactId: contactId })).Contact.Status, 'Active');
    });

    test('a message still queued when a newer one supersedes it is never sent, and loses its token', async () => {
      const email = 'superseded-in-transit@example.com';
      const contactId = await pendingContact(email);
      let older: string;
      await sink.stop();
      try {
        await client.call('SendEmailVerificationForMessageContact', { ContactId: contactId, EmailAddress: email });
        const queued = await refusedOnce(contactId);
        older = await newestLink(server, email);
        await client.call('SendEmailVerificationForMessageContact', { ContactId: contactId, EmailAddress: email });
        const failed = await until('the older delivery Failed', async () => {
          const row = (await deliveries(contactId)).find((d) => d.DeliveryId === queued.DeliveryId);
          return row?.Status === 'Failed' ? row : undefined;
        });
        assert.match(failed.LastError, /^not sent: /);
        await until('no row holds the older token', async () => ((await dump()).includes(tokenOf(older)) ? undefined : true));
      } finally {
        await sink.start();
      }
      await until('the newer one Sent', async () => ((await deliveries(contactId))[0]?.Status === 'Sent' ? true : undefined));
      const mails = mailsTo(email);
      assert.equal(mails.length, 1, 'only the newer message went out');
      const sentLink = linkIn(mails[0]!.text)!;
      assert.notEqual(tokenOf(sentLink), tokenOf(older!));
      await until('no row holds the newer token', async () => ((await dump()).includes(tokenOf(sentLink)) ? undefined : true));
      assert.equal((await confirmLink(sentLink)).status, 200);
    });

    test('a message being sent when it is superseded loses its token, and is not tried again after a failure', async () => {
      const email = 'superseded-while-sending@example.com';
      const contactId = await pendingContact(email);
      // Its first attempt is held by the SMTP server, then refused with a temporary error.
      sink.setDelay(1500);
      sink.failNext(1, 451, 'Try again later');
      try {
        const attemptsBefore = sink.attempts;
        await client.call('SendEmailVerificationForMessageContact', { ContactId: contactId, EmailAddress: email });
        const sending = await until('the first attempt at the SMTP server', async () => {
          const [newest] = await deliveries(contactId);
          return newest?.Status === 'Sending' && sink.attempts > attemptsBefore ? newest : undefined;
        });
        const older = await newestLink(server, email);
        await client.call('SendEmailVerificationForMessageContact', { ContactId: contactId, EmailAddress: email });
        assert.ok(!(await dump()).includes(tokenOf(older)), 'the row being sent holds the token no more');
        const failed = await until('the older delivery Failed', async () => {
          const row = (await deliveries(contactId)).find((d) => d.DeliveryId === sending.DeliveryId);
          return row?.Status === 'Failed' ? row : undefined;
        });
        assert.match(failed.LastError, /^not sent: /);
        await until('the newer one Sent', async () => ((await deliveries(contactId))[0]?.Status === 'Sent' ? true : undefined));
        const mails = mailsTo(email);
        assert.equal(mails.length, 1, 'the refused message was not tried again');
        assert.ok(linkIn(mails[0]!.text), 'what went out carries a whole link');
      } finally {
        sink.setDelay(0);
      }
    });
  });
}

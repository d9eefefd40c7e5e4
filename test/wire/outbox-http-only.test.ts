/**
 * A test written in any language can finish a verification with HTTP alone: `rdcontacts serve` on
 * `sqlite::memory:` as a child process, then plain `fetch` with an RPC 1.0 HMAC-SHA1 signer written
 * out here from node:crypto (no SDK, none of the service's own code, no store access): add a
 * contact, send its verification, read the link with ListOutboxMessages, open the confirmation
 * page, submit its form, and read the contact back as verified. What docs/outbox.md describes.
 */
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ServeProcess, removeTempDirs, tempDir } from '../cli/helpers.js';

/** RFC 3986 percent-encoding, as the RPC signature wants it (space %20, `*` %2A, `~` kept). */
const encode = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The body of a signed RPC 1.0 POST: the common parameters and the action's, sorted by name,
 * `name=value` encoded and joined by `&`; the string to sign is `POST&%2F&` + that text encoded
 * once more; the signature is base64 HMAC-SHA1 keyed with the secret followed by `&`.
 */
function signedForm(key: { id: string; secret: string }, action: string, params: Record<string, string>): string {
  const all: Record<string, string> = {
    Action: action,
    Version: '2022-04-19',
    Format: 'JSON',
    AccessKeyId: key.id,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: randomUUID(),
    Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...params,
  };
  const canonical = Object.keys(all)
    .sort()
    .map((name) => `${encode(name)}=${encode(all[name]!)}`)
    .join('&');
  const signature = createHmac('sha1', `${key.secret}&`).update(`POST&${encode('/')}&${encode(canonical)}`).digest('base64');
  return `${canonical}&Signature=${encode(signature)}`;
}

after(removeTempDirs);

describe('a verification finished over HTTP only, against sqlite::memory:', () => {
  let server: ServeProcess;
  let baseUrl: string;
  let key: { id: string; secret: string };

  /** One signed call; a failure throws with the answer's Code and Message. */
  async function call(action: string, params: Record<string, string> = {}): Promise<any> {
    const response = await fetch(`${baseUrl}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: signedForm(key, action, params),
    });
    const body = (await response.json()) as any;
    if (!response.ok) throw new Error(`${action}: HTTP ${response.status} ${body.Code}: ${body.Message}`);
    return body;
  }

  before(async () => {
    server = await ServeProcess.start(['--database', 'sqlite::memory:', '--port', '0'], { cwd: await tempDir('rdc-outbox-http-') });
    // The first start prints the bootstrap key once; the ready line names where the links point.
    const printed = server.plainLines().join('\n');
    key = { id: /AccessKeyId:\s*(\S+)/.exec(printed)![1]!, secret: /AccessKeySecret:\s*(\S+)/.exec(printed)![1]! };
    baseUrl = String(server.logLines().find((line) => line.msg === 'rdcontacts ready')?.publicUrl);
    assert.match(baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  });
  after(() => server?.kill());

  test('AddMessageContact, ListOutboxMessages by ContactId, the link\'s page and form, GetMessageContact', async () => {
    const email = 'http-only@example.com';
    const added = await call('AddMessageContact', {
      Name: 'httponly',
      EmailAddress: email,
      Title: 'TechnicalDirector',
      'MessageTypes.1': 'SecurityMessage',
    });
    const contactId: string = added.Contact.ContactId;
    assert.match(contactId, /^c-/);
    await call('SendEmailVerificationForMessageContact', { ContactId: contactId, EmailAddress: email });

    const listed = await call('ListOutboxMessages', { ContactId: contactId });
    assert.equal(listed.TotalCount, 1);
    const [message] = listed.Messages;
    assert.deepEqual([message.Channel, message.Recipient, message.Purpose, message.Status], ['Email', email, 'verification', 'Stored']);
    assert.ok(message.Text.includes(message.Link), 'the text carries the link');
    const link: string = message.Link;
    assert.ok(link.startsWith(`${baseUrl}/verify/`), link);

    // GET shows the confirmation page; it changes nothing.
    const page = await fetch(link);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.ok(html.includes(email), 'the page names the address');
    assert.equal((await call('GetMessageContact', { ContactId: contactId })).Contact.Status, 'Verifying', 'a GET never confirms');

    // The page's form POSTs to the link: that confirms.
    const action = /<form[^>]*method="post"[^>]*action="([^"]+)"/i.exec(html)?.[1];
    assert.ok(action, 'the page has a POST form');
    const confirmed = await fetch(new URL(action.replace(/&amp;/g, '&'), link), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    assert.equal(confirmed.status, 200);
    assert.match(await confirmed.text(), /Confirmed/);

    const contact = (await call('GetMessageContact', { ContactId: contactId })).Contact;
    assert.equal(contact.Status, 'Active');
    assert.equal(contact.EmailAddress, email);

    // A used link is no longer listed.
    const afterwards = await call('ListOutboxMessages', { ContactId: contactId });
    assert.equal(afterwards.Messages[0].Link, undefined);
  });
});

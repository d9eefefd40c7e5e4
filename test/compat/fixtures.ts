/**
 * Shared helpers of the compatibility suites (test/compat/*.test.ts): unique names and addresses,
 * an openapi-client call that also hands back the response headers, and completing a verification
 * through the outbox link, as a recipient would.
 */
import assert from 'node:assert/strict';
import { type ApiClient, apiClient, type Body, type ClientName, type Params } from '../support/clients.js';
import type { Credentials, TestServer } from '../support/server.js';

/** The RequestId every answer carries: an upper-case UUID. */
export const requestIdPattern = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
/** `CreateDate` as the API shows it: `yyyy-MM-dd HH:mm:ss`. */
export const createDatePattern = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
/** `c-` plus 16 base62 characters. */
export const contactIdPattern = /^c-[0-9A-Za-z]{16}$/;

// ── Unique values: every suite in the process draws from one counter ──────────────────────────

let counter = 0;
const letters = 'abcdefghijklmnopqrstuvwxyz';

/** `n` written with letters only (a = 0), at least one letter. */
function letterDigits(n: number): string {
  let text = '';
  do {
    text = letters[n % 26] + text;
    n = Math.floor(n / 26);
  } while (n > 0);
  return text;
}

/** A contact name that is valid (Latin letters, 2–12 characters) and unique in this process. */
export function uniqueName(prefix = 'Ct'): string {
  const name = `${prefix}${letterDigits(counter++)}`;
  assert.ok(name.length >= 2 && name.length <= 12, `generated name ${name} is not 2-12 letters`);
  return name;
}

/** An email address unique in this process (the per-minute send limit counts per address, across tenants). */
export function uniqueEmail(tag = 'user'): string {
  return `${tag}.${counter++}@example.com`;
}

/** A valid mainland mobile number (`86-1xxxxxxxxxx`) unique in this process. */
export function uniquePhone(): string {
  return `86-139${String(counter++ + 10_000_000).padStart(8, '0').slice(-8)}`;
}

// ── Clients that also return headers ─────────────────────────────────────────────────────────

export interface Answer {
  body: Body;
  /** Response headers, when the client exposes them (openapi-client does; pop-core does not). */
  headers: Record<string, string> | undefined;
}

export interface HeaderClient {
  name: ClientName;
  call(action: string, params?: Params): Promise<Answer>;
}

/** A client whose calls also return the response headers (openapi-client only; pop-core has none). */
export function headerClient(name: ClientName, endpoint: string, credentials: Credentials): HeaderClient {
  const client = apiClient(name, endpoint, credentials);
  return { name, call: (action, params) => client.exchange(action, params) };
}

// ── Verification, completed the way a recipient completes it ─────────────────────────────────

/** The link of the newest verification message sent to `recipient`. */
export async function latestLink(server: TestServer, recipient: string): Promise<string> {
  const [message] = await server.store.outbox.list({ recipient, limit: 1 });
  assert.ok(message, `no message was sent to ${recipient}`);
  assert.ok(message.link, `the message to ${recipient} has no link`);
  return message.link;
}

/** Opens the newest link sent to `recipient` and presses Confirm (POST). */
export async function confirmLatest(server: TestServer, recipient: string): Promise<void> {
  const link = await latestLink(server, recipient);
  assert.ok(link.startsWith(`${server.baseUrl}/verify/`), `unexpected link ${link}`);
  const response = await fetch(link, { method: 'POST' });
  await response.text();
  assert.equal(response.status, 200, `confirming ${recipient} answered ${response.status}`);
}

// ── Contacts ─────────────────────────────────────────────────────────────────────────────────

export interface NewContact {
  contactId: string;
  name: string;
  emailAddress: string;
  phoneNumber: string | undefined;
}

/** Adds a valid contact through `client`; `fields` override the generated ones. */
export async function addContact(
  client: ApiClient,
  fields: { Name?: string; EmailAddress?: string; PhoneNumber?: string | undefined; Title?: string; MessageTypes?: string[] } = {},
): Promise<NewContact> {
  const params = {
    Name: uniqueName(),
    EmailAddress: uniqueEmail(),
    PhoneNumber: uniquePhone() as string | undefined,
    Title: 'TechnicalDirector',
    MessageTypes: ['AccountExpenses'],
    ...fields,
  };
  const body = await client.call('AddMessageContact', params);
  const contactId = body.Contact?.ContactId;
  assert.match(String(contactId), contactIdPattern);
  return { contactId, name: params.Name, emailAddress: params.EmailAddress, phoneNumber: params.PhoneNumber };
}

/** Adds a contact and verifies its email and phone, so that nothing is pending and it is Active. */
export async function addVerifiedContact(server: TestServer, client: ApiClient): Promise<NewContact> {
  const contact = await addContact(client);
  await client.call('SendEmailVerificationForMessageContact', {
    ContactId: contact.contactId,
    EmailAddress: contact.emailAddress,
  });
  await confirmLatest(server, contact.emailAddress);
  await client.call('SendPhoneVerificationForMessageContact', {
    ContactId: contact.contactId,
    PhoneNumber: contact.phoneNumber,
  });
  await confirmLatest(server, contact.phoneNumber!);
  const got = await client.call('GetMessageContact', { ContactId: contact.contactId });
  assert.equal(got.Contact.Status, 'Active');
  return contact;
}

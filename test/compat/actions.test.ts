/**
 * Every contact action, called successfully through each of the four official clients over a real
 * socket, with the exact response shape each client read back (spec/api.md §4, §7.1, §7.2).
 *
 * openapi-v3 / openapi-v2 go through `callApi` (see fixtures.ts) so that the `x-acs-request-id`
 * header can be compared with the body's RequestId; pop-core exposes no headers on success.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Body, type ClientName, clientNames, failure } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { startServer, type TestServer } from '../support/server.js';
import {
  type Answer,
  confirmLatest,
  contactIdPattern,
  createDatePattern,
  type HeaderClient,
  headerClient,
  requestIdPattern,
  uniqueName,
  uniquePhone,
} from './fixtures.js';

/** A JSON round trip, so that objects built by json-bigint (pop-core) compare like plain ones. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const sortedKeys = (value: object): string[] => Object.keys(value).sort();

/** Every RequestId seen in this file: each answer has its own. */
const requestIds = new Set<string>();

/** The envelope every success shares, and the exact top-level field names of this answer. */
function checkEnvelope(answer: Answer, fields: string[]): Body {
  const body = answer.body;
  assert.equal(typeof body, 'object');
  assert.deepEqual(sortedKeys(body), ['RequestId', ...fields].sort(), 'top-level field names');
  assert.ok(!('Code' in body), 'a success body has no Code');
  assert.equal(typeof body.RequestId, 'string');
  assert.match(body.RequestId, requestIdPattern);
  assert.ok(!requestIds.has(body.RequestId), `RequestId ${body.RequestId} was seen before`);
  requestIds.add(body.RequestId);
  if (answer.headers !== undefined) {
    assert.equal(answer.headers['x-acs-request-id'], body.RequestId, 'x-acs-request-id header equals RequestId');
    assert.match(String(answer.headers['content-type']), /^application\/json/);
  }
  return body;
}

const contactFields = ['ContactId', 'Name', 'EmailAddress', 'Title', 'MessageTypes', 'Members', 'Status', 'CreateDate'];

/** A contact as Get and List show it: exact names, arrays as arrays, the documented formats. */
function checkContact(contact: Body, hasPhone: boolean): void {
  assert.equal(typeof contact, 'object');
  // PhoneNumber may be left out when the contact has none (spec §7.2: missing fields are fine).
  const keys = sortedKeys(contact).filter((key) => hasPhone || key !== 'PhoneNumber');
  assert.deepEqual(keys, [...contactFields, ...(hasPhone ? ['PhoneNumber'] : [])].sort(), 'contact field names');
  if (!hasPhone && 'PhoneNumber' in contact) assert.equal(contact.PhoneNumber, '');
  assert.match(contact.ContactId, contactIdPattern);
  for (const field of ['Name', 'EmailAddress', 'Title', 'Status', 'CreateDate']) {
    assert.equal(typeof contact[field], 'string', `${field} is a string`);
  }
  if (hasPhone) assert.match(contact.PhoneNumber, /^86-1\d{10}$/);
  assert.ok(Array.isArray(contact.MessageTypes), 'MessageTypes is an array');
  assert.ok(Array.isArray(contact.Members), 'Members is an array');
  assert.ok(['Verifying', 'Active', 'Deleting'].includes(contact.Status), `Status ${contact.Status}`);
  assert.match(contact.CreateDate, createDatePattern);
}

/** The paging fields: JSON numbers, equal to what was asked. */
function checkPaging(body: Body, expected: { TotalCount: number; PageNumber: number; PageSize: number }): void {
  for (const field of ['TotalCount', 'PageNumber', 'PageSize'] as const) {
    assert.equal(typeof body[field], 'number', `${field} is a JSON number`);
    assert.equal(body[field], expected[field], field);
  }
}

for (const backend of backends) {
  describe(`contact actions through the official clients [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend });
    });
    after(() => server.close());

    for (const clientName of clientNames) {
      describe(clientName, () => {
        let client: HeaderClient;
        const tag = clientName.replace('-', '');
        // Characters that must be percent-encoded when signed: CJK, '+', "'" and '*'.
        const name = '张三李四';
        const email = `zhang.san+${tag}@example.com`;
        const phone = uniquePhone();
        const messageTypes = ['SecurityMessage', 'AccountExpenses', 'ServiceMessage'];
        const newName = '王五赵六';
        const newEmail = `o'neil+${tag}*rd@example.com`;
        const newPhone = uniquePhone();
        const allTypesScrambled = [
          'ProductMessage',
          'FaultMessage',
          'ActivityMessage',
          'SecurityMessage',
          'ServiceMessage',
          'AccountExpenses',
        ];
        let contactId = '';
        let createDate = '';
        const extraIds: string[] = [];

        const get = async (): Promise<Body> => {
          const body = checkEnvelope(await client.call('GetMessageContact', { ContactId: contactId }), ['Contact']);
          checkContact(body.Contact, true);
          return plain(body.Contact);
        };
        const pendingTargets = async (): Promise<Body> => {
          const body = checkEnvelope(await client.call('ListMessageContactVerifications', { ContactId: contactId }), [
            'TotalCount',
            'PageNumber',
            'PageSize',
            'ContactVerifications',
          ]);
          assert.ok(Array.isArray(body.ContactVerifications), 'ContactVerifications is an array');
          for (const item of body.ContactVerifications) assert.deepEqual(sortedKeys(item), ['ContactId', 'Target']);
          return plain(body);
        };

        before(async () => {
          // A tenant per client, so counts and names are this client's alone.
          const inner = headerClient(clientName, server.endpoint, await server.newTenant());
          client = {
            name: inner.name,
            async call(action, params) {
              const answer = await inner.call(action, params);
              // openapi-client hands back the response headers; pop-core does not.
              assert.equal(answer.headers !== undefined, clientName.startsWith('openapi'), 'headers exposed');
              return answer;
            },
          };
        });

        test('AddMessageContact answers {RequestId, Contact: {ContactId, CreateDate}}', async () => {
          const body = checkEnvelope(
            await client.call('AddMessageContact', {
              Name: name,
              EmailAddress: email,
              PhoneNumber: phone,
              Title: 'TechnicalDirector',
              MessageTypes: messageTypes,
            }),
            ['Contact'],
          );
          assert.deepEqual(sortedKeys(body.Contact), ['ContactId', 'CreateDate']);
          assert.match(body.Contact.ContactId, contactIdPattern);
          assert.match(body.Contact.CreateDate, createDatePattern);
          contactId = body.Contact.ContactId;
          createDate = body.Contact.CreateDate;
        });

        test('GetMessageContact reads back every field, the CJK name and the + address intact', async () => {
          assert.deepEqual(await get(), {
            ContactId: contactId,
            Name: name,
            EmailAddress: email,
            PhoneNumber: phone,
            Title: 'TechnicalDirector',
            MessageTypes: messageTypes,
            Members: [],
            Status: 'Verifying',
            CreateDate: createDate,
          });
        });

        test('ListMessageContactVerifications lists the pending email and phone, with paging', async () => {
          const all = await pendingTargets();
          checkPaging(all, { TotalCount: 2, PageNumber: 1, PageSize: 10 });
          assert.deepEqual(
            all.ContactVerifications.map((item: Body) => item.Target).sort(),
            [email, phone].sort(),
          );
          assert.ok(all.ContactVerifications.every((item: Body) => item.ContactId === contactId));

          const pages: string[] = [];
          for (const pageNumber of [1, 2, 3]) {
            const body = checkEnvelope(
              await client.call('ListMessageContactVerifications', { ContactId: contactId, PageNumber: pageNumber, PageSize: 1 }),
              ['TotalCount', 'PageNumber', 'PageSize', 'ContactVerifications'],
            );
            checkPaging(body, { TotalCount: 2, PageNumber: pageNumber, PageSize: 1 });
            assert.ok(Array.isArray(body.ContactVerifications));
            assert.equal(body.ContactVerifications.length, pageNumber <= 2 ? 1 : 0);
            pages.push(...body.ContactVerifications.map((item: Body) => item.Target as string));
          }
          assert.deepEqual(pages.sort(), [email, phone].sort());
        });

        test('UpdateMessageContact answers {RequestId}; MessageTypes.1..6 keep their order', async () => {
          const body = checkEnvelope(
            await client.call('UpdateMessageContact', {
              ContactId: contactId,
              Name: newName,
              EmailAddress: newEmail,
              Title: 'CEO',
              MessageTypes: allTypesScrambled,
            }),
            [],
          );
          assert.equal(Object.keys(body).length, 1);
          assert.deepEqual(await get(), {
            ContactId: contactId,
            Name: newName,
            EmailAddress: newEmail,
            PhoneNumber: phone,
            Title: 'CEO',
            MessageTypes: allTypesScrambled,
            Members: [],
            Status: 'Verifying',
            CreateDate: createDate,
          });
          const targets = await pendingTargets();
          assert.deepEqual(targets.ContactVerifications.map((item: Body) => item.Target).sort(), [newEmail, phone].sort());

          // Re-sending every unchanged field (as Terraform does) changes nothing and answers the same shape.
          checkEnvelope(
            await client.call('UpdateMessageContact', {
              ContactId: contactId,
              Name: newName,
              EmailAddress: newEmail,
              PhoneNumber: phone,
              Title: 'CEO',
              MessageTypes: allTypesScrambled,
            }),
            [],
          );
          assert.equal((await pendingTargets()).TotalCount, 2);
        });

        test('SendEmailVerificationForMessageContact answers {RequestId}; the link verifies the address', async () => {
          checkEnvelope(
            await client.call('SendEmailVerificationForMessageContact', { ContactId: contactId, EmailAddress: newEmail }),
            [],
          );
          await confirmLatest(server, newEmail);
          const contact = await get();
          assert.equal(contact.EmailAddress, newEmail);
          assert.equal(contact.Status, 'Verifying', 'the phone is still pending');
          const targets = await pendingTargets();
          assert.deepEqual(targets.ContactVerifications, [{ ContactId: contactId, Target: phone }]);
        });

        test('SendPhoneVerificationForMessageContact answers {RequestId}; the contact becomes Active', async () => {
          checkEnvelope(
            await client.call('SendPhoneVerificationForMessageContact', { ContactId: contactId, PhoneNumber: phone }),
            [],
          );
          await confirmLatest(server, phone);
          assert.equal((await get()).Status, 'Active');
          const targets = await pendingTargets();
          checkPaging(targets, { TotalCount: 0, PageNumber: 1, PageSize: 10 });
          assert.deepEqual(targets.ContactVerifications, [], 'an empty list is still an array');
        });

        test('CancelMessageContactUpdate answers {RequestId}; the verified values come back', async () => {
          const thirdEmail = `third+${tag}@example.com`;
          checkEnvelope(
            await client.call('UpdateMessageContact', { ContactId: contactId, EmailAddress: thirdEmail, PhoneNumber: newPhone }),
            [],
          );
          let contact = await get();
          assert.equal(contact.EmailAddress, thirdEmail);
          assert.equal(contact.PhoneNumber, newPhone);
          assert.equal(contact.Status, 'Verifying');
          assert.deepEqual(
            (await pendingTargets()).ContactVerifications.map((item: Body) => item.Target).sort(),
            [newPhone, thirdEmail].sort(),
          );

          checkEnvelope(
            await client.call('CancelMessageContactUpdate', { ContactId: contactId, EmailAddress: thirdEmail }),
            [],
          );
          contact = await get();
          assert.equal(contact.EmailAddress, newEmail);
          assert.equal(contact.PhoneNumber, newPhone);
          assert.equal(contact.Status, 'Verifying');

          checkEnvelope(await client.call('CancelMessageContactUpdate', { ContactId: contactId, PhoneNumber: newPhone }), []);
          contact = await get();
          assert.equal(contact.PhoneNumber, phone);
          assert.equal(contact.Status, 'Active');
          assert.equal((await pendingTargets()).TotalCount, 0);
        });

        test('ListMessageContacts answers arrays and numeric paging that reads back page by page', async () => {
          for (let index = 0; index < 4; index++) {
            const body = checkEnvelope(
              await client.call('AddMessageContact', {
                Name: uniqueName(),
                EmailAddress: `extra${index}+${tag}@example.com`,
                Title: 'Other',
                MessageTypes: ['FaultMessage', 'ServiceMessage'],
              }),
              ['Contact'],
            );
            extraIds.push(body.Contact.ContactId);
          }
          const everyId = [contactId, ...extraIds];
          const listFields = ['TotalCount', 'PageNumber', 'PageSize', 'Contacts'];

          const whole = checkEnvelope(await client.call('ListMessageContacts', {}), listFields);
          checkPaging(whole, { TotalCount: 5, PageNumber: 1, PageSize: 10 });
          assert.ok(Array.isArray(whole.Contacts), 'Contacts is an array');
          assert.equal(whole.Contacts.length, 5);
          for (const contact of whole.Contacts) checkContact(contact, contact.ContactId === contactId);
          const first = plain(whole.Contacts.find((contact: Body) => contact.ContactId === contactId));
          assert.deepEqual(first, {
            ContactId: contactId,
            Name: newName,
            EmailAddress: newEmail,
            PhoneNumber: phone,
            Title: 'CEO',
            MessageTypes: allTypesScrambled,
            Members: [],
            Status: 'Active',
            CreateDate: createDate,
          });
          const extra = plain(whole.Contacts.find((contact: Body) => contact.ContactId === extraIds[0]));
          assert.deepEqual(extra.MessageTypes, ['FaultMessage', 'ServiceMessage']);
          assert.equal(extra.Status, 'Verifying');

          const seen: string[] = [];
          for (const [pageNumber, expected] of [
            [1, 2],
            [2, 2],
            [3, 1],
            [4, 0],
          ] as const) {
            const body = checkEnvelope(await client.call('ListMessageContacts', { PageNumber: pageNumber, PageSize: 2 }), listFields);
            checkPaging(body, { TotalCount: 5, PageNumber: pageNumber, PageSize: 2 });
            assert.ok(Array.isArray(body.Contacts));
            assert.equal(body.Contacts.length, expected, `page ${pageNumber}`);
            seen.push(...body.Contacts.map((contact: Body) => contact.ContactId as string));
          }
          assert.deepEqual([...seen].sort(), [...everyId].sort(), 'the pages together hold every contact once');

          const one = checkEnvelope(await client.call('ListMessageContacts', { ContactId: extraIds[1] }), listFields);
          checkPaging(one, { TotalCount: 1, PageNumber: 1, PageSize: 10 });
          assert.deepEqual(
            one.Contacts.map((contact: Body) => contact.ContactId),
            [extraIds[1]],
          );
        });

        test('DeleteMessageContact answers {RequestId, Status}; the contact is gone', async () => {
          const deleted = checkEnvelope(await client.call('DeleteMessageContact', { ContactId: extraIds[0] }), ['Status']);
          assert.equal(deleted.Status, 'Deleted');
          const retained = checkEnvelope(
            await client.call('DeleteMessageContact', { ContactId: extraIds[1], RetainContactInMembers: true }),
            ['Status'],
          );
          assert.equal(retained.Status, 'Deleted');

          for (const id of extraIds.slice(0, 2)) {
            const gone = await failure(client.call('GetMessageContact', { ContactId: id }));
            assert.equal(gone.code, 'EntityNotExists.Contact');
          }
          const list = checkEnvelope(await client.call('ListMessageContacts', {}), [
            'TotalCount',
            'PageNumber',
            'PageSize',
            'Contacts',
          ]);
          checkPaging(list, { TotalCount: 3, PageNumber: 1, PageSize: 10 });
          assert.deepEqual(
            list.Contacts.map((contact: Body) => contact.ContactId).sort(),
            [contactId, extraIds[2], extraIds[3]].sort(),
          );
        });
      });
    }
  });
}

/** Names the clients used above, so a missing one fails loudly rather than silently skipping. */
test('the suite covers the four official clients', () => {
  assert.deepEqual([...clientNames].sort(), (['openapi-v2', 'openapi-v3', 'pop-get', 'pop-post'] satisfies ClientName[]).sort());
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiClient, clientNames } from './support/clients.js';
import { startServer, type TestServer } from './support/server.js';

describe('smoke', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  for (const [index, name] of clientNames.entries()) {
    test(`${name}: add then get`, async () => {
      const client = apiClient(name, server.endpoint, server.credentials);
      const added = await client.call('AddMessageContact', {
        Name: `tom${'ABCD'[index]}`,
        EmailAddress: 'tom@example.com',
        Title: 'TechnicalDirector',
        MessageTypes: ['AccountExpenses', 'SecurityMessage'],
      });
      const got = await client.call('GetMessageContact', { ContactId: added.Contact.ContactId });
      assert.equal(got.Contact.EmailAddress, 'tom@example.com');
      assert.deepEqual(got.Contact.MessageTypes, ['AccountExpenses', 'SecurityMessage']);
      assert.equal(got.Contact.Status, 'Verifying');
    });
  }
});

/**
 * Two instances on one PostgreSQL database (two apps, each with its own store and connection
 * pool): a signed request accepted by one is refused by the other within the replay window, also
 * when both receive it at the same moment; what one writes the other reads at once; the contact
 * quota, throttling and the verification send limits count across both.
 * Runs when the PostgreSQL pass runs (test/support/backends.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { resolveConfig } from '../../src/config.js';
import { TestClock } from '../support/test-clock.js';
import { createApp } from '../../src/server/app.js';
import { apiClient } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { type Instance, type Instances, startInstances } from '../support/instances.js';
import { freePort } from '../support/ports.js';
import { type RawResponse, type SigningKey, send, signAcs3, signRpc } from './raw-request.js';

const codeOf = (response: RawResponse): string | undefined => (response.status === 200 ? undefined : response.json().Code);
const maxContacts = 6;

describe('several instances on one PostgreSQL database', { skip: !backends.some((b) => b.name === 'postgres') && 'no PostgreSQL pass' }, () => {
  let running: Instances;
  let instances: Instance[];
  let key: SigningKey;

  before(async () => {
    running = await startInstances(2, { maxContacts: String(maxContacts) });
    ({ instances, rootKey: key } = running);
  });
  after(() => running?.close());

  test('a request accepted by one instance is refused by the other (RPC and ACS3)', async () => {
    const [a, b] = instances as [(typeof instances)[0], (typeof instances)[0]];
    const rpc = signRpc({ method: 'GET', key });
    assert.equal((await send(a.endpoint, rpc)).status, 200);
    assert.equal(codeOf(await send(b.endpoint, rpc)), 'SignatureNonceUsed');

    // ACS3 signs the host header: signed for one instance, replayed against both.
    const acs3 = signAcs3({ key, host: a.endpoint });
    assert.equal((await send(b.endpoint, acs3)).status, 200);
    assert.equal(codeOf(await send(a.endpoint, acs3)), 'SignatureNonceUsed');
    assert.equal(codeOf(await send(b.endpoint, acs3)), 'SignatureNonceUsed');
  });

  test('the same request at both instances at once: exactly one accepts it', async () => {
    for (let round = 0; round < 10; round++) {
      const request = signRpc({ method: 'GET', key });
      const answers = await Promise.all(instances.map((instance) => send(instance.endpoint, request)));
      const codes = answers.map(codeOf).sort();
      assert.deepEqual(codes, ['SignatureNonceUsed', undefined], `round ${round}`);
    }
  });

  test('what one instance writes, the other reads at once', async () => {
    const [a, b] = instances.map((instance) => apiClient('openapi-v3', instance.endpoint, { ...key, accountId: '', directoryId: '' }));
    const id = (await a!.call('AddMessageContact', { Name: 'shared', EmailAddress: 'shared@example.com', Title: 'CEO', MessageTypes: ['FaultMessage'] }))
      .Contact.ContactId as string;
    assert.equal((await b!.call('GetMessageContact', { ContactId: id })).Contact.Name, 'shared');
    await b!.call('UpdateMessageContact', { ContactId: id, Title: 'FinanceDirector' });
    assert.equal((await a!.call('GetMessageContact', { ContactId: id })).Contact.Title, 'FinanceDirector');
  });

  test('the contact quota holds across instances: concurrent adds on both never go past it', async () => {
    const clients = instances.map((instance) => apiClient('openapi-v3', instance.endpoint, { ...key, accountId: '', directoryId: '' }));
    const before = (await clients[0]!.call('ListMessageContacts', {})).TotalCount as number;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        clients[i % 2]!.call('AddMessageContact', {
          Name: `quota${String.fromCharCode(97 + i)}`,
          EmailAddress: `quota${i}@example.com`,
          Title: 'Other',
          MessageTypes: ['FaultMessage'],
        }),
      ),
    );
    const added = outcomes.filter((o) => o.status === 'fulfilled').length;
    assert.equal(added, maxContacts - before, 'exactly up to the quota');
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') assert.match(String(outcome.reason), /LimitExceeded\.Contacts/);
    }
    assert.equal((await clients[1]!.call('ListMessageContacts', {})).TotalCount, maxContacts);
  });

  test('throttling counts across instances: two calls a second between both, not two each', async () => {
    // Two more instances on the same database with throttling on, their time stopped so that
    // buckets cannot refill during the test however slow the machine.
    const clock = new TestClock();
    clock.freeze();
    const throttled: FastifyInstance[] = [];
    try {
      const endpoints: string[] = [];
      for (const { store } of instances) {
        const port = await freePort();
        const config = resolveConfig({ port: String(port), throttle: '2' }, {});
        const app = createApp({ config, store, clock: clock.now, signatureClock: clock.signatureNow, logger: false });
        await app.listen({ host: '127.0.0.1', port });
        throttled.push(app);
        endpoints.push(`127.0.0.1:${port}`);
      }
      const codes: (string | undefined)[] = [];
      for (let i = 0; i < 6; i++) codes.push(codeOf(await send(endpoints[i % 2]!, signRpc({ method: 'GET', key }))));
      assert.deepEqual(codes, [undefined, undefined, 'Throttling.User', 'Throttling.User', 'Throttling.User', 'Throttling.User']);
      // Another action has a bucket of its own, counted across instances too.
      const someContact = (await send(instances[0]!.endpoint, signRpc({ method: 'GET', key }))).json().Contacts[0].ContactId as string;
      const get = (endpoint: string) => send(endpoint, signRpc({ method: 'GET', key, action: 'GetMessageContact', params: { ContactId: someContact } }));
      assert.deepEqual(
        [codeOf(await get(endpoints[1]!)), codeOf(await get(endpoints[0]!)), codeOf(await get(endpoints[1]!))],
        [undefined, undefined, 'Throttling.User'],
      );
    } finally {
      for (const app of throttled) await app.close();
    }
  });

  test('the verification send limit counts across instances: 10 a minute to one address', async () => {
    const clients = instances.map((instance) => apiClient('openapi-v3', instance.endpoint, { ...key, accountId: '', directoryId: '' }));
    const contact = (await clients[0]!.call('ListMessageContacts', {})).Contacts[0] as { ContactId: string; EmailAddress: string };
    // One after another, alternating: each instance sees 7 sends, the address gets 10.
    const outcomes: PromiseSettledResult<unknown>[] = [];
    for (let i = 0; i < 14; i++) {
      const call = clients[i % 2]!.call('SendEmailVerificationForMessageContact', { ContactId: contact.ContactId, EmailAddress: contact.EmailAddress });
      outcomes.push(...(await Promise.allSettled([call])));
    }
    const sent = outcomes.filter((o) => o.status === 'fulfilled').length;
    assert.equal(sent, 10, 'exactly the limit, though each instance saw only 7');
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') assert.match(String(outcome.reason), /SendValidateCodeExceedsLimitForAccount/);
    }
  });
});

/**
 * PostgreSQL runs the store's queries as named prepared statements. A statement prepared before a
 * newer release added a column (a rolling upgrade: the old instances keep running) keeps working:
 * every query shape that reads whole rows answers with the rows as they are, on every connection.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createManagementAccount } from '../../src/domain/organization.js';
import { systemClock } from '../../src/domain/time.js';
import { createServices } from '../../src/server/app.js';
import { resolveConfig } from '../../src/config.js';
import type { Tenant } from '../../src/domain/tenant.js';
import { openStore, type Store } from '../../src/store/store.js';
import { backends } from '../support/backends.js';
import { freshSchema } from '../support/pg-schemas.js';

describe('named prepared statements (PostgreSQL)', { skip: !backends.some((b) => b.name === 'postgres') && 'no PostgreSQL pass' }, () => {
  let store: Store;
  let exec: (statement: string) => Promise<void>;
  let drop: () => Promise<void>;
  before(async () => {
    const schema = await freshSchema();
    ({ exec, drop } = schema);
    store = await openStore(schema.url);
  });
  after(async () => {
    await store.close();
    await drop();
  });

  test('statements prepared before a column was added answer with the new rows, on every connection', async () => {
    const account = await createManagementAccount(store, systemClock);
    const tenant: Tenant = { accountId: account.accountId, directoryId: account.directoryId, actor: 'test' };
    const services = createServices(store, resolveConfig({}, {}), systemClock);
    const { id } = await services.contacts.add(tenant, { name: 'before', emailAddress: 'before@example.com', title: 'CEO', messageTypes: ['FaultMessage'] });
    // Read on many connections at once, so that most of the pool has the shapes prepared.
    const readAll = () =>
      Promise.all(Array.from({ length: 20 }, () => services.contacts.get(tenant, id)));
    for (const contact of await readAll()) assert.equal(contact.name, 'before');

    // What a newer release's migration might do while this instance runs.
    await exec('alter table contacts add column added_by_a_newer_release text');
    await exec('alter table access_keys add column added_by_a_newer_release text');

    for (const contact of await readAll()) assert.equal(contact.name, 'before', 'reads still answer');
    await services.contacts.update(tenant, id, { name: 'after' });
    for (const contact of await readAll()) assert.equal(contact.name, 'after', 'and see writes');
    assert.ok(await store.accessKeys.list());
  });
});

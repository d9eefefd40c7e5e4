/**
 * The rows the SQLite store keeps in memory (AccessKeys, contacts, a contact's bindings) never show
 * anything but what is committed: a write through any query of this process, a rolled-back
 * transaction, and a commit by another process are all seen by the next read. Another process's
 * commits are looked for once per turn of the event loop (what arrives in one turn is concurrent
 * with them); the second store here stands for another process, so the tests let a turn pass
 * after its writes, as a request arriving after them would.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveConfig } from '../../src/config.js';
import { createManagementAccount, createAccessKey } from '../../src/domain/organization.js';
import { systemClock } from '../../src/domain/time.js';
import type { Tenant } from '../../src/domain/tenant.js';
import { createServices } from '../../src/server/app.js';
import { openStore, type Store } from '../../src/store/store.js';

describe('rows kept in memory by the SQLite store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rdcontacts-cache-'));
  const url = `sqlite:${join(dir, 'cache.db')}`;
  let store: Store;
  /** The same database opened a second time: another process, as far as SQLite can tell. */
  let other: Store;
  let tenant: Tenant;
  const config = resolveConfig({}, {});

  before(async () => {
    store = await openStore(url);
    other = await openStore(url);
    const account = await createManagementAccount(store, systemClock);
    tenant = { accountId: account.accountId, directoryId: account.directoryId, actor: 'test' };
  });
  after(async () => {
    await store.close();
    await other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Lets the event loop turn, as it does before any request that arrives after another process's commit. */
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

  async function addContact(name: string): Promise<string> {
    const services = createServices(store, config, systemClock);
    const { id } = await services.contacts.add(tenant, {
      name,
      emailAddress: `${name}@example.com`,
      title: 'CEO',
      messageTypes: ['AccountExpenses'],
    });
    return id;
  }

  test('a contact changed by another process is read as changed', async () => {
    const id = await addContact('cachea');
    const here = createServices(store, config, systemClock);
    assert.equal((await here.contacts.get(tenant, id)).title, 'CEO');
    assert.equal((await here.contacts.get(tenant, id)).title, 'CEO');

    await createServices(other, config, systemClock).contacts.update(tenant, id, { title: 'FinanceDirector' });
    await nextTurn();
    assert.equal((await here.contacts.get(tenant, id)).title, 'FinanceDirector');
  });

  test('a contact deleted by another process is gone at once', async () => {
    const id = await addContact('cacheb');
    const here = createServices(store, config, systemClock);
    await here.contacts.get(tenant, id);
    await createServices(other, config, systemClock).contacts.delete(tenant, id, true);
    await nextTurn();
    await assert.rejects(here.contacts.get(tenant, id), { code: 'EntityNotExists.Contact' });
  });

  test("a contact's bindings changed by another process are read as changed", async () => {
    const id = await addContact('cachee');
    const here = createServices(store, config, systemClock);
    assert.deepEqual((await here.contacts.get(tenant, id)).members, []);
    await createServices(other, config, systemClock).bindings.associate(tenant, id, [tenant.directoryId]);
    await nextTurn();
    assert.deepEqual((await here.contacts.get(tenant, id)).members, [tenant.directoryId]);
    await here.bindings.disassociate(tenant, id, [tenant.directoryId]);
    assert.deepEqual((await here.contacts.get(tenant, id)).members, []);
  });

  test('a write rolled back is never read, inside or after its transaction', async () => {
    const id = await addContact('cachec');
    const before = await store.contacts.findVisible(tenant.directoryId, id);
    assert.ok(before);
    await assert.rejects(
      store.transaction(async (tx) => {
        assert.ok(await tx.contacts.updateIfVersion(id, before.version, { title: 'CEO2' }));
        assert.equal((await tx.contacts.findVisible(tenant.directoryId, id))?.title, 'CEO2');
        throw new Error('roll back');
      }),
      /roll back/,
    );
    const after = await store.contacts.findVisible(tenant.directoryId, id);
    assert.equal(after?.title, before.title);
    assert.equal(after?.version, before.version);
  });

  test('a row handed out is a copy: changing it changes nothing kept', async () => {
    const id = await addContact('cached');
    const first = await store.contacts.findVisible(tenant.directoryId, id);
    assert.ok(first);
    first.title = 'changed by the caller';
    assert.equal((await store.contacts.findVisible(tenant.directoryId, id))?.title, 'CEO');
  });

  test('an AccessKey disabled through any query of this process or another is read as disabled', async () => {
    const key = await createAccessKey(store, systemClock, tenant.accountId);
    assert.equal((await store.accessKeys.find(key.accessKeyId))?.status, 'Active');
    await store.accessKeys.setStatus(key.accessKeyId, 'Inactive');
    assert.equal((await store.accessKeys.find(key.accessKeyId))?.status, 'Inactive');
    await other.accessKeys.setStatus(key.accessKeyId, 'Active');
    await nextTurn();
    assert.equal((await store.accessKeys.find(key.accessKeyId))?.status, 'Active');
    await other.accessKeys.remove(key.accessKeyId);
    await nextTurn();
    assert.equal(await store.accessKeys.find(key.accessKeyId), undefined);
  });
});

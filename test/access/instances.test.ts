/**
 * Two instances on one PostgreSQL database: a change to a policy, an attachment, a membership, a
 * user or a key made through one instance is in force on the next call to the other, although each
 * keeps its users' policies compiled between changes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { resolveConfig } from '../../src/config.js';
import { createRamServices, type RamServices } from '../../src/domain/identities/services.js';
import { bootstrap } from '../../src/domain/organization.js';
import type { Tenant } from '../../src/domain/tenant.js';
import { systemClock } from '../../src/domain/time.js';
import { createApp } from '../../src/server/app.js';
import { openStore, type Store } from '../../src/store/store.js';
import { type ApiClient, apiClient, failure, type KeyPair } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { freshSchema } from '../support/pg-schemas.js';
import { freePort } from '../support/ports.js';

const policy = (...statements: object[]): string => JSON.stringify({ Version: '1', Statement: statements });

describe('authorization across instances on one PostgreSQL database', { skip: !backends.some((b) => b.name === 'postgres') && 'no PostgreSQL pass' }, () => {
  const instances: { app: FastifyInstance; store: Store; endpoint: string }[] = [];
  let drop: () => Promise<void>;
  let root: KeyPair;
  let tenant: Tenant;
  /** RAM changes made through the first instance's store. */
  let ram: RamServices;

  before(async () => {
    const schema = await freshSchema();
    drop = schema.drop;
    for (let i = 0; i < 2; i++) {
      const store = await openStore(schema.url);
      const port = await freePort();
      if (i === 0) {
        const { account, createdKey } = await bootstrap(store, systemClock);
        root = { accessKeyId: createdKey!.accessKeyId, accessKeySecret: createdKey!.accessKeySecret };
        tenant = { accountId: account.accountId, directoryId: account.directoryId, actor: 'test' };
        ram = createRamServices(store, systemClock, { passwordHashing: { logN: 4, r: 8, p: 1 } });
      }
      const app = createApp({ config: resolveConfig({ port: String(port), throttle: 'off' }, {}), store, logger: false });
      await app.listen({ host: '127.0.0.1', port });
      instances.push({ app, store, endpoint: `127.0.0.1:${port}` });
    }
  });
  after(async () => {
    for (const { app, store } of instances) {
      await app.close();
      await store.close();
    }
    await drop?.();
  });

  async function allowed(client: ApiClient): Promise<boolean> {
    try {
      await client.call('ListMessageContacts');
      return true;
    } catch (error) {
      const refused = await failure(Promise.reject(error));
      assert.equal(refused.code, 'NoPermission', refused.message);
      return false;
    }
  }

  test('each change made on one instance decides the next call on the other', async () => {
    await ram.users.create(tenant, { userName: 'roaming' });
    const created = await ram.accessKeys.create(tenant, { userName: 'roaming' });
    const key = { accessKeyId: created.accessKeyId, accessKeySecret: created.accessKeySecret };
    const [a, b] = instances.map((instance) => apiClient('openapi-v3', instance.endpoint, key)) as [ApiClient, ApiClient];
    assert.equal(await allowed(b), false);

    await ram.policies.create(tenant, { policyName: 'list-contacts', policyDocument: policy({ Effect: 'Allow', Action: 'resourcemanager:List*', Resource: '*' }) });
    await ram.attachments.attachPolicyToUser(tenant, { policyType: 'Custom', policyName: 'list-contacts', userName: 'roaming' });
    assert.equal(await allowed(b), true, 'attached');
    assert.equal(await allowed(a), true);

    await ram.policyVersions.create(tenant, { policyName: 'list-contacts', policyDocument: policy({ Effect: 'Allow', Action: 'resourcemanager:Get*', Resource: '*' }), setAsDefault: true });
    assert.equal(await allowed(b), false, 'a new default version');
    await ram.policyVersions.setDefault(tenant, { policyName: 'list-contacts', versionId: 'v1' });
    assert.equal(await allowed(b), true, 'the old default again');

    await ram.groups.create(tenant, { groupName: 'deniers' });
    await ram.policies.create(tenant, { policyName: 'deny-all', policyDocument: policy({ Effect: 'Deny', Action: '*', Resource: '*' }) });
    await ram.attachments.attachPolicyToGroup(tenant, { policyType: 'Custom', policyName: 'deny-all', groupName: 'deniers' });
    assert.equal(await allowed(b), true);
    await ram.memberships.addUserToGroup(tenant, { groupName: 'deniers', userName: 'roaming' });
    assert.equal(await allowed(b), false, 'joined a group whose policy denies');
    await ram.memberships.removeUserFromGroup(tenant, { groupName: 'deniers', userName: 'roaming' });
    assert.equal(await allowed(b), true, 'left it');

    await ram.attachments.detachPolicyFromUser(tenant, { policyType: 'Custom', policyName: 'list-contacts', userName: 'roaming' });
    assert.equal(await allowed(b), false, 'detached');

    await ram.accessKeys.update(tenant, { userName: 'roaming', userAccessKeyId: key.accessKeyId, status: 'Inactive' });
    assert.equal((await failure(b.call('ListMessageContacts'))).code, 'InvalidAccessKeyId.Inactive');
    await ram.accessKeys.delete(tenant, { userName: 'roaming', userAccessKeyId: key.accessKeyId });
    assert.equal((await failure(b.call('ListMessageContacts'))).code, 'InvalidAccessKeyId.NotFound');
    // The root key was never evaluated meanwhile.
    await apiClient('openapi-v3', instances[1]!.endpoint, root).call('ListMessageContacts');
  });
});

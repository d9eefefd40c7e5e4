/**
 * Two instances on one PostgreSQL database: a change to a policy, an attachment, a membership, a
 * user or a key made through one instance is in force on the next call to the other, although each
 * keeps its users' policies compiled between changes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRamServices, type RamServices } from '../../src/domain/identities/services.js';
import type { Tenant } from '../../src/domain/tenant.js';
import { systemClock } from '../../src/domain/time.js';
import { type ApiClient, apiClient, failure, type KeyPair } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { type Instance, type Instances, startInstances } from '../support/instances.js';

const policy = (...statements: object[]): string => JSON.stringify({ Version: '1', Statement: statements });

describe('authorization across instances on one PostgreSQL database', { skip: !backends.some((b) => b.name === 'postgres') && 'no PostgreSQL pass' }, () => {
  let running: Instances;
  let instances: Instance[];
  let root: KeyPair;
  let tenant: Tenant;
  /** RAM changes made through the first instance's store. */
  let ram: RamServices;

  before(async () => {
    running = await startInstances(2);
    ({ instances, rootKey: root } = running);
    const { accountId, directoryId } = running.account;
    tenant = { accountId, directoryId, actor: 'test' };
    ram = createRamServices(instances[0]!.store, systemClock, { passwordHashing: { logN: 4, r: 8, p: 1 } });
  });
  after(() => running?.close());

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

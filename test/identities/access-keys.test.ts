/**
 * AccessKeys through the RAM domain (spec ram.md §3.4, §9) on every storage backend: root keys and
 * RAM users' keys, whose keys a request means (UserName, or the caller's own), the per-user quota,
 * status changes, the last-active-root-key guard, listings without secrets, the last-used time
 * (written at most once a minute), and the authenticator's single-query row with the key's user
 * and the account's RAM revision.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../support/backends.js';
import { type RamWorld, auditOf, failingAtAudit, ramWorld, rejectsWith, revisionOf } from './support.js';

for (const backend of backends) {
  describe(`RAM AccessKeys [${backend.name}]`, () => {
    let world: RamWorld;
    before(async () => {
      world = await ramWorld(backend);
    });
    after(() => world.close());

    test('root creates root keys without UserName and a user’s keys with it; the key is found at once, with its owner', async () => {
      const account = await world.newAccount();
      const { ram, store } = world;
      const rootKey = await ram.accessKeys.create(account.root, {});
      assert.match(rootKey.accessKeyId, /^LTAI[0-9A-Za-z]{20}$/);
      assert.match(rootKey.accessKeySecret, /^[0-9A-Za-z]{30}$/);
      assert.equal(rootKey.status, 'Active');
      const user = await ram.users.create(account.root, { userName: 'keyholder' });
      const userKey = await ram.accessKeys.create(account.root, { userName: 'KeyHolder' });

      const revision = await revisionOf(world, account.accountId);
      const rootRow = await store.accessKeys.find(rootKey.accessKeyId);
      assert.deepEqual(
        { id: rootRow?.id, secret: rootRow?.secret, user_id: rootRow?.user_id, user_name: rootRow?.user_name, ram_revision: rootRow?.ram_revision, directory_id: rootRow?.directory_id },
        { id: rootKey.accessKeyId, secret: rootKey.accessKeySecret, user_id: null, user_name: null, ram_revision: revision, directory_id: account.directoryId },
      );
      const userRow = await store.accessKeys.find(userKey.accessKeyId);
      assert.deepEqual([userRow?.user_id, userRow?.user_name, userRow?.status, userRow?.last_used_at], [user.userId, 'keyholder', 'Active', null]);

      assert.deepEqual(
        (await ram.accessKeys.list(account.root, {})).map((k) => k.accessKeyId),
        [account.rootKeyId, rootKey.accessKeyId],
        'without UserName, root lists the root keys',
      );
      assert.deepEqual((await ram.accessKeys.list(account.root, { userName: '' })).length, 2, 'an empty UserName is none');
      const listed = await ram.accessKeys.list(account.root, { userName: 'keyholder' });
      assert.deepEqual(listed, [{ accessKeyId: userKey.accessKeyId, status: 'Active', createdAt: userKey.createdAt }]);
      assert.ok(!JSON.stringify(listed).includes(userKey.accessKeySecret));
    });

    test('the row the authenticator reads follows the user and the revision (also when kept in memory)', async () => {
      const account = await world.newAccount();
      const { ram, store } = world;
      await ram.users.create(account.root, { userName: 'cached' });
      const key = await ram.accessKeys.create(account.root, { userName: 'cached' });
      const first = await store.accessKeys.find(key.accessKeyId);
      assert.deepEqual(await store.accessKeys.find(key.accessKeyId), first);
      await ram.users.update(account.root, { userName: 'cached', newUserName: 'renamed' });
      const after = await store.accessKeys.find(key.accessKeyId);
      assert.equal(after?.user_name, 'renamed');
      assert.ok(after !== undefined && first !== undefined && after.ram_revision > first.ram_revision);
      await ram.accessKeys.update(account.root, { userName: 'renamed', userAccessKeyId: key.accessKeyId, status: 'Inactive' });
      assert.equal((await store.accessKeys.find(key.accessKeyId))?.status, 'Inactive');
      await ram.accessKeys.delete(account.root, { userName: 'renamed', userAccessKeyId: key.accessKeyId });
      assert.equal(await store.accessKeys.find(key.accessKeyId), undefined);
    });

    test('a RAM user without UserName acts on its own keys; at most two keys per user', async () => {
      const account = await world.newAccount();
      const { ram } = world;
      const user = await ram.users.create(account.root, { userName: 'self' });
      const asUser = account.as(user);
      const own = await ram.accessKeys.create(asUser, {});
      assert.equal((await world.store.accessKeys.find(own.accessKeyId))?.user_id, user.userId);
      await ram.accessKeys.create(asUser, { userName: '' });
      await rejectsWith(ram.accessKeys.create(asUser, {}), 'LimitExceeded.User.AccessKey');
      await rejectsWith(ram.accessKeys.create(account.root, { userName: 'self' }), 'LimitExceeded.User.AccessKey');
      assert.equal((await ram.accessKeys.list(asUser, {})).length, 2);
      // Root keys are not limited.
      for (let i = 0; i < 3; i++) await ram.accessKeys.create(account.root, {});
      assert.equal((await ram.accessKeys.list(account.root, {})).length, 4);
      // A user that is gone has no keys to act on.
      await rejectsWith(ram.accessKeys.list(account.as({ userId: '1999999999999999', userName: 'gone' }), {}), 'EntityNotExist.User');
      await rejectsWith(ram.accessKeys.create(account.root, { userName: 'nobody' }), 'EntityNotExist.User');
      await rejectsWith(ram.accessKeys.create(account.root, { userName: 'bad name' }), 'InvalidParameter.UserName.InvalidChars');
      const quota = world.withOptions({ quotas: { accessKeysPerUser: 3 } });
      await quota.accessKeys.create(asUser, {});
    });

    test('UpdateAccessKey: required parameters, formats, then the key must be the named owner’s', async () => {
      const account = await world.newAccount();
      const other = await world.newAccount();
      const { ram } = world;
      await ram.users.create(account.root, { userName: 'u1' });
      await ram.users.create(account.root, { userName: 'u2' });
      const key1 = await ram.accessKeys.create(account.root, { userName: 'u1' });
      const cases: [Record<string, string | undefined>, string][] = [
        [{ status: 'Inactive' }, 'MissingUserAccessKeyId'],
        [{ userAccessKeyId: key1.accessKeyId }, 'MissingStatus'],
        [{ userAccessKeyId: 'k'.repeat(65), status: 'Active' }, 'InvalidParameter.UserAccessKeyId'],
        [{ userAccessKeyId: key1.accessKeyId, status: 'Active', userName: 'u 1' }, 'InvalidParameter.UserName.InvalidChars'],
        [{ userAccessKeyId: key1.accessKeyId, status: 'active', userName: 'u1' }, 'InvalidParameter.Status'],
        [{ userAccessKeyId: key1.accessKeyId, status: 'Disabled', userName: 'nobody' }, 'InvalidParameter.Status'],
        [{ userAccessKeyId: key1.accessKeyId, status: 'Inactive', userName: 'nobody' }, 'EntityNotExist.User'],
        [{ userAccessKeyId: key1.accessKeyId, status: 'Inactive', userName: 'u2' }, 'EntityNotExist.User.AccessKey'],
        [{ userAccessKeyId: key1.accessKeyId, status: 'Inactive' }, 'EntityNotExist.User.AccessKey'],
        [{ userAccessKeyId: 'LTAInothing', status: 'Inactive', userName: 'u1' }, 'EntityNotExist.User.AccessKey'],
      ];
      for (const [input, code] of cases) await rejectsWith(ram.accessKeys.update(account.root, input), code, JSON.stringify(input));
      // Another account's root cannot reach the key, whatever it names.
      await rejectsWith(ram.accessKeys.update(other.root, { userAccessKeyId: key1.accessKeyId, status: 'Inactive' }), 'EntityNotExist.User.AccessKey');
      await rejectsWith(ram.accessKeys.delete(other.root, { userAccessKeyId: account.rootKeyId }), 'EntityNotExist.User.AccessKey');

      await ram.accessKeys.update(account.root, { userAccessKeyId: key1.accessKeyId, status: 'Inactive', userName: 'U1' });
      assert.equal((await ram.accessKeys.list(account.root, { userName: 'u1' }))[0]?.status, 'Inactive');
      await ram.accessKeys.update(account.as(await ram.users.get(account.root, 'u1')), { userAccessKeyId: key1.accessKeyId, status: 'Active' });
      assert.equal((await ram.accessKeys.list(account.root, { userName: 'u1' }))[0]?.status, 'Active');
    });

    test('the last active root key can be neither disabled nor deleted', async () => {
      const account = await world.newAccount();
      const { ram } = world;
      const guard = 'DeleteConflict.AccessKey.LastActiveRootKey';
      await rejectsWith(ram.accessKeys.update(account.root, { userAccessKeyId: account.rootKeyId, status: 'Inactive' }), guard);
      await rejectsWith(ram.accessKeys.delete(account.root, { userAccessKeyId: account.rootKeyId }), guard);
      const spare = await ram.accessKeys.create(account.root, {});
      await ram.accessKeys.update(account.root, { userAccessKeyId: spare.accessKeyId, status: 'Inactive' });
      await rejectsWith(ram.accessKeys.update(account.root, { userAccessKeyId: account.rootKeyId, status: 'Inactive' }), guard);
      // Re-disabling the inactive key, or deleting it, leaves the active one: allowed.
      await ram.accessKeys.update(account.root, { userAccessKeyId: spare.accessKeyId, status: 'Inactive' });
      await ram.accessKeys.update(account.root, { userAccessKeyId: spare.accessKeyId, status: 'Active' });
      await ram.accessKeys.delete(account.root, { userAccessKeyId: account.rootKeyId });
      await rejectsWith(ram.accessKeys.delete(account.root, { userAccessKeyId: spare.accessKeyId }), guard);
      assert.deepEqual((await ram.accessKeys.list(account.root, {})).map((k) => k.accessKeyId), [spare.accessKeyId]);
      // RAM users' keys are not guarded: a user may lose all of its keys.
      await ram.users.create(account.root, { userName: 'plain' });
      const userKey = await ram.accessKeys.create(account.root, { userName: 'plain' });
      await ram.accessKeys.update(account.root, { userName: 'plain', userAccessKeyId: userKey.accessKeyId, status: 'Inactive' });
      await ram.accessKeys.delete(account.root, { userName: 'plain', userAccessKeyId: userKey.accessKeyId });
    });

    test('GetAccessKeyLastUsed: nothing before any use; touchLastUsed writes at most once a minute per key', async () => {
      const account = await world.newAccount();
      const { ram, store } = world;
      await ram.users.create(account.root, { userName: 'busy' });
      const key = await ram.accessKeys.create(account.root, { userName: 'busy' });
      const input = { userName: 'busy', userAccessKeyId: key.accessKeyId };
      assert.deepEqual(await ram.accessKeys.lastUsed(account.root, input), { lastUsedAt: null });
      const t0 = new Date('2026-04-01T10:00:00.000Z');
      await ram.accessKeys.touchLastUsed(key.accessKeyId, t0);
      assert.deepEqual(await ram.accessKeys.lastUsed(account.root, input), { lastUsedAt: t0.toISOString() });
      await ram.accessKeys.touchLastUsed(key.accessKeyId, new Date(t0.getTime() + 59_000));
      assert.deepEqual(await ram.accessKeys.lastUsed(account.root, input), { lastUsedAt: t0.toISOString() });
      // Another instance (its own memory) is held back by the database's guard.
      const otherInstance = world.withOptions({});
      await otherInstance.accessKeys.touchLastUsed(key.accessKeyId, new Date(t0.getTime() + 30_000));
      assert.equal((await store.accessKeys.findInAccount(account.accountId, key.accessKeyId))?.last_used_at, t0.toISOString());
      const t1 = new Date(t0.getTime() + 61_000);
      await ram.accessKeys.touchLastUsed(key.accessKeyId, t1);
      assert.deepEqual(await ram.accessKeys.lastUsed(account.root, input), { lastUsedAt: t1.toISOString() });
      // Root keys are recorded the same way.
      await ram.accessKeys.touchLastUsed(account.rootKeyId, t1);
      assert.deepEqual(await ram.accessKeys.lastUsed(account.root, { userAccessKeyId: account.rootKeyId }), { lastUsedAt: t1.toISOString() });
      await rejectsWith(ram.accessKeys.lastUsed(account.root, { userAccessKeyId: key.accessKeyId }), 'EntityNotExist.User.AccessKey');
      await rejectsWith(ram.accessKeys.lastUsed(account.root, { userName: 'nobody', userAccessKeyId: key.accessKeyId }), 'EntityNotExist.User');
      await rejectsWith(ram.accessKeys.lastUsed(account.root, { userName: 'busy' }), 'MissingUserAccessKeyId');
      // Touching a key that is gone writes nothing and fails nothing.
      await ram.accessKeys.touchLastUsed('LTAIdeleted', t1);
    });

    test('key changes are audited without secrets; a failing one changes nothing', async () => {
      const account = await world.newAccount();
      const { ram } = world;
      const user = await ram.users.create(account.root, { userName: 'audited' });
      const key = await ram.accessKeys.create(account.root, { userName: 'audited' });
      await ram.accessKeys.update(account.root, { userName: 'audited', userAccessKeyId: key.accessKeyId, status: 'Inactive' });
      await ram.accessKeys.delete(account.root, { userName: 'audited', userAccessKeyId: key.accessKeyId });
      const rootKey = await ram.accessKeys.create(account.root, {});
      const events = (await auditOf(world, account.directoryId)).filter((e) => e.action.includes('AccessKey'));
      assert.deepEqual(
        events.map((e) => [e.action, e.changes]),
        [
          ['CreateAccessKey', { AccessKeyId: key.accessKeyId, UserId: user.userId, UserName: 'audited' }],
          ['UpdateAccessKey', { AccessKeyId: key.accessKeyId, Status: 'Inactive', UserId: user.userId, UserName: 'audited' }],
          ['DeleteAccessKey', { AccessKeyId: key.accessKeyId, UserId: user.userId, UserName: 'audited' }],
          ['CreateAccessKey', { AccessKeyId: rootKey.accessKeyId, Owner: 'root' }],
        ],
      );
      const trail = JSON.stringify(await world.store.audit.list({ directoryId: account.directoryId, limit: 100 }));
      assert.ok(!trail.includes(key.accessKeySecret) && !trail.includes(rootKey.accessKeySecret));

      const broken = world.withOptions({}, failingAtAudit(world.store));
      await assert.rejects(broken.accessKeys.create(account.root, { userName: 'audited' }), /audit write failed/);
      assert.deepEqual(await ram.accessKeys.list(account.root, { userName: 'audited' }), []);
      await assert.rejects(broken.accessKeys.delete(account.root, { userAccessKeyId: rootKey.accessKeyId }), /audit write failed/);
      assert.equal((await ram.accessKeys.list(account.root, {})).length, 2);
    });
  });
}

/**
 * RAM users in the domain (spec ram.md §3.2, §3.3) on every storage backend: the field rules and
 * their check order, names unique per account case-insensitively and kept as given, renames that
 * keep everything, deletion conflicts in their order, Marker paging, IDs never reused, one
 * transaction per write, revision bumps, isolation between accounts and the audit trail.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../support/backends.js';
import { type RamWorld, auditOf, failingAtAudit, ramWorld, rejectsWith, revisionOf } from './support.js';

for (const backend of backends) {
  describe(`RAM users [${backend.name}]`, () => {
    let world: RamWorld;
    before(async () => {
      world = await ramWorld(backend);
    });
    after(() => world.close());

    test('CreateUser answers a 16-digit UserId and the fields as given; GetUser finds the name in any case', async () => {
      const account = await world.newAccount();
      const user = await world.ram.users.create(account.root, {
        userName: 'Alice.Ops-1_x',
        displayName: '爱丽丝 Alice',
        mobilePhone: '86-18688888888',
        email: 'alice@example.com',
        comments: 'on call',
      });
      assert.match(user.userId, /^[1-9][0-9]{15}$/);
      assert.deepEqual(
        { ...user, userId: undefined },
        {
          userId: undefined,
          userName: 'Alice.Ops-1_x',
          displayName: '爱丽丝 Alice',
          mobilePhone: '86-18688888888',
          email: 'alice@example.com',
          comments: 'on call',
          createdAt: user.createdAt,
          updatedAt: user.createdAt,
          lastLoginAt: null,
        },
      );
      assert.match(user.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.deepEqual(await world.ram.users.get(account.root, 'alice.ops-1_X'), user);
      // Optional fields given empty are not set.
      const bare = await world.ram.users.create(account.root, { userName: 'bare', displayName: '', email: '', mobilePhone: '', comments: '' });
      assert.deepEqual([bare.displayName, bare.email, bare.mobilePhone, bare.comments], [null, null, null, null]);
    });

    test('CreateUser refuses each bad field with its own code, before any existence or conflict check', async () => {
      const account = await world.newAccount();
      const { users } = world.ram;
      await users.create(account.root, { userName: 'taken' });
      const cases: [Record<string, string | undefined>, string][] = [
        [{}, 'MissingUserName'],
        [{ userName: '' }, 'MissingUserName'],
        [{ userName: 'al ice' }, 'InvalidParameter.UserName.InvalidChars'],
        [{ userName: 'alice@corp' }, 'InvalidParameter.UserName.InvalidChars'],
        [{ userName: 'a'.repeat(65) }, 'InvalidParameter.UserName.Length'],
        [{ userName: 'taken', displayName: 'bell\u0007' }, 'InvalidParameter.DisplayName.InvalidChars'],
        [{ userName: 'taken', displayName: '名'.repeat(129) }, 'InvalidParameter.DisplayName.Length'],
        [{ userName: 'taken', mobilePhone: '18688888888' }, 'InvalidParameter.MobilePhone.Format'],
        [{ userName: 'taken', mobilePhone: '86-123' }, 'InvalidParameter.MobilePhone.Format'],
        [{ userName: 'taken', email: 'not-an-address' }, 'InvalidParameter.Email.Format'],
        [{ userName: 'taken', comments: 'c'.repeat(129) }, 'InvalidParameter.Comments.Length'],
        [{ userName: 'TAKEN' }, 'EntityAlreadyExists.User'],
      ];
      for (const [input, code] of cases) await rejectsWith(users.create(account.root, input), code, JSON.stringify(input));
      // The limits of the spec are inclusive.
      const longest = await users.create(account.root, { userName: 'b'.repeat(64), displayName: '名'.repeat(128), comments: 'c'.repeat(128) });
      assert.equal(longest.userName.length, 64);
    });

    test('the user quota: LimitExceeded.User past it, and a name conflict is reported before the limit', async () => {
      const ram = world.withOptions({ quotas: { usersPerAccount: 2 } });
      const account = await world.newAccount();
      await ram.users.create(account.root, { userName: 'one' });
      await ram.users.create(account.root, { userName: 'two' });
      await rejectsWith(ram.users.create(account.root, { userName: 'three' }), 'LimitExceeded.User');
      await rejectsWith(ram.users.create(account.root, { userName: 'One' }), 'EntityAlreadyExists.User');
      await ram.users.delete(account.root, 'two');
      await ram.users.create(account.root, { userName: 'three' });
    });

    test('UpdateUser: New* fields change, an empty one clears, an absent one stays; the same name is no rename', async () => {
      const account = await world.newAccount();
      const { users } = world.ram;
      const created = await users.create(account.root, { userName: 'bob', displayName: 'Bob', email: 'bob@example.com', comments: 'first' });
      const revision = await revisionOf(world, account.accountId);
      const updated = await users.update(account.root, {
        userName: 'BOB',
        newUserName: 'bob',
        newDisplayName: '',
        newMobilePhone: '1-5551234',
        newEmail: '',
      });
      assert.deepEqual(
        { ...updated, updatedAt: undefined },
        { ...created, displayName: null, mobilePhone: '1-5551234', email: null, comments: 'first', updatedAt: undefined },
      );
      assert.ok(updated.updatedAt > created.updatedAt);
      assert.equal(await revisionOf(world, account.accountId), revision, 'no rename, no revision bump');
      assert.deepEqual(await users.get(account.root, 'bob'), updated);
      // Nothing to change writes nothing.
      const unchanged = await users.update(account.root, { userName: 'bob', newUserName: 'bob', newComments: 'first' });
      assert.equal(unchanged.updatedAt, updated.updatedAt);
    });

    test('UpdateUser checks formats before existence, and refuses a name another user has in any case', async () => {
      const account = await world.newAccount();
      const { users } = world.ram;
      await users.create(account.root, { userName: 'carol' });
      await users.create(account.root, { userName: 'dave' });
      const cases: [Record<string, string | undefined>, string][] = [
        [{ newUserName: 'x' }, 'MissingUserName'],
        [{ userName: 'ghost', newUserName: 'bad name' }, 'InvalidParameter.NewUserName.InvalidChars'],
        [{ userName: 'ghost', newUserName: 'n'.repeat(65) }, 'InvalidParameter.NewUserName.Length'],
        [{ userName: 'ghost', newDisplayName: 'tab\u0009' }, 'InvalidParameter.NewDisplayName.InvalidChars'],
        [{ userName: 'ghost', newDisplayName: 'd'.repeat(129) }, 'InvalidParameter.NewDisplayName.Length'],
        [{ userName: 'ghost', newMobilePhone: '+86 1868' }, 'InvalidParameter.NewMobilePhone.Format'],
        [{ userName: 'ghost', newEmail: 'a@b' }, 'InvalidParameter.NewEmail.Format'],
        [{ userName: 'ghost', newComments: 'c'.repeat(129) }, 'InvalidParameter.NewComments.Length'],
        [{ userName: 'ghost', newComments: 'fine' }, 'EntityNotExist.User'],
        [{ userName: 'carol', newUserName: 'DAVE' }, 'EntityAlreadyExists.User'],
      ];
      for (const [input, code] of cases) await rejectsWith(users.update(account.root, input), code, JSON.stringify(input));
    });

    test('a rename keeps the UserId, keys, login profile, groups and policies, and moves the revision', async () => {
      const account = await world.newAccount();
      const { ram } = world;
      const user = await ram.users.create(account.root, { userName: 'erin' });
      const key = await ram.accessKeys.create(account.root, { userName: 'erin' });
      await ram.loginProfiles.create(account.root, { userName: 'erin', password: 'Passw0rd!' });
      await ram.groups.create(account.root, { groupName: 'ops' });
      await ram.memberships.addUserToGroup(account.root, { groupName: 'ops', userName: 'erin' });
      await ram.attachments.attachPolicyToUser(account.root, { policyType: 'System', policyName: 'AliyunRAMReadOnlyAccess', userName: 'erin' });
      const revision = await revisionOf(world, account.accountId);

      const renamed = await ram.users.update(account.root, { userName: 'erin', newUserName: 'Erin2' });
      assert.equal(renamed.userId, user.userId);
      assert.equal(renamed.userName, 'Erin2');
      assert.ok((await revisionOf(world, account.accountId)) > revision);
      await rejectsWith(ram.users.get(account.root, 'erin'), 'EntityNotExist.User');
      assert.deepEqual((await ram.accessKeys.list(account.root, { userName: 'erin2' })).map((k) => k.accessKeyId), [key.accessKeyId]);
      assert.equal((await ram.loginProfiles.get(account.root, 'erin2')).userName, 'Erin2');
      assert.deepEqual((await ram.memberships.groupsForUser(account.root, 'erin2')).map((g) => g.groupName), ['ops']);
      assert.deepEqual((await ram.attachments.policiesForUser(account.root, 'erin2')).map((p) => p.policyName), ['AliyunRAMReadOnlyAccess']);
      assert.deepEqual((await ram.policiesInForce(account.accountId, user.userId)).length, 1);
      // The authenticator's row follows the new name.
      assert.equal((await world.store.accessKeys.find(key.accessKeyId))?.user_name, 'Erin2');
      // A case-only rename is a rename of the user to itself.
      assert.equal((await ram.users.update(account.root, { userName: 'erin2', newUserName: 'ERIN2' })).userName, 'ERIN2');
    });

    test('DeleteUser is refused while anything refers to the user, in the order AccessKey, LoginProfile, Group, Policy', async () => {
      const account = await world.newAccount();
      const { ram } = world;
      const user = await ram.users.create(account.root, { userName: 'frank' });
      const key = await ram.accessKeys.create(account.root, { userName: 'frank' });
      await ram.loginProfiles.create(account.root, { userName: 'frank', password: 'Passw0rd!' });
      await ram.groups.create(account.root, { groupName: 'devs' });
      await ram.memberships.addUserToGroup(account.root, { groupName: 'devs', userName: 'frank' });
      await ram.attachments.attachPolicyToUser(account.root, { policyType: 'System', policyName: 'AdministratorAccess', userName: 'frank' });

      await rejectsWith(ram.users.delete(account.root, 'frank'), 'DeleteConflict.User.AccessKey');
      await ram.accessKeys.delete(account.root, { userName: 'frank', userAccessKeyId: key.accessKeyId });
      await rejectsWith(ram.users.delete(account.root, 'frank'), 'DeleteConflict.User.LoginProfile');
      await ram.loginProfiles.delete(account.root, 'frank');
      await rejectsWith(ram.users.delete(account.root, 'frank'), 'DeleteConflict.User.Group');
      await ram.memberships.removeUserFromGroup(account.root, { groupName: 'devs', userName: 'frank' });
      await rejectsWith(ram.users.delete(account.root, 'frank'), 'DeleteConflict.User.Policy');
      await ram.attachments.detachPolicyFromUser(account.root, { policyType: 'System', policyName: 'AdministratorAccess', userName: 'frank' });

      const revision = await revisionOf(world, account.accountId);
      await ram.users.delete(account.root, 'FRANK');
      assert.ok((await revisionOf(world, account.accountId)) > revision);
      await rejectsWith(ram.users.get(account.root, 'frank'), 'EntityNotExist.User');
      await rejectsWith(ram.users.delete(account.root, 'frank'), 'EntityNotExist.User');
      await rejectsWith(ram.users.delete(account.root, 'bad name'), 'InvalidParameter.UserName.InvalidChars');
      // The name is free again; the UserId is not.
      const again = await ram.users.create(account.root, { userName: 'frank' });
      assert.notEqual(again.userId, user.userId);
      assert.equal(await world.store.ram.accounts.claimId(user.userId, 'user', new Date().toISOString()), false);
    });

    test('ListUsers pages in creation order with an opaque Marker, present only while truncated', async () => {
      const account = await world.newAccount();
      const { users } = world.ram;
      const names = ['u1', 'u2', 'u3', 'u4', 'u5'];
      for (const userName of names) await users.create(account.root, { userName });

      const first = await users.list(account.root, { maxItems: 2 });
      assert.deepEqual([first.items.map((u) => u.userName), first.isTruncated], [['u1', 'u2'], true]);
      assert.ok(first.marker);
      const second = await users.list(account.root, { maxItems: 2, marker: first.marker });
      assert.deepEqual(second.items.map((u) => u.userName), ['u3', 'u4']);
      // The page goes on after the last item shown, even when that item is gone meanwhile.
      await users.delete(account.root, 'u4');
      const third = await users.list(account.root, { maxItems: 2, marker: second.marker });
      assert.deepEqual([third.items.map((u) => u.userName), third.isTruncated, 'marker' in third], [['u5'], false, false]);

      const all = await users.list(account.root, {});
      assert.deepEqual([all.items.map((u) => u.userName), all.isTruncated, 'marker' in all], [['u1', 'u2', 'u3', 'u5'], false, false]);
      assert.deepEqual((await users.list(account.root, { maxItems: 4, marker: '' })).items.length, 4);
      assert.equal((await users.list(account.root, { maxItems: 1000 })).items.length, 4);

      for (const maxItems of [0, 1001, -1, 1.5, Number.NaN]) await rejectsWith(users.list(account.root, { maxItems }), 'InvalidParameter.MaxItems', String(maxItems));
      for (const marker of ['garbage!', 'bm90LWpzb24', Buffer.from('["groups","a","b"]').toString('base64url'), Buffer.from('["users","a"]').toString('base64url')]) {
        await rejectsWith(users.list(account.root, { marker }), 'InvalidParameter.Marker', marker);
      }
    });

    test('one account never sees or touches another account’s users', async () => {
      const a = await world.newAccount();
      const b = await world.newAccount();
      const { users } = world.ram;
      const alice = await users.create(a.root, { userName: 'alice' });
      await rejectsWith(users.get(b.root, 'alice'), 'EntityNotExist.User');
      await rejectsWith(users.update(b.root, { userName: 'alice', newComments: 'x' }), 'EntityNotExist.User');
      await rejectsWith(users.delete(b.root, 'alice'), 'EntityNotExist.User');
      assert.deepEqual((await users.list(b.root, {})).items, []);
      // The same name is free in the other account.
      const other = await users.create(b.root, { userName: 'ALICE' });
      assert.notEqual(other.userId, alice.userId);
      assert.deepEqual((await users.list(a.root, {})).items, [alice]);
    });

    test('a write that fails at its last step leaves nothing behind', async () => {
      const account = await world.newAccount();
      const broken = world.withOptions({}, failingAtAudit(world.store));
      await assert.rejects(broken.users.create(account.root, { userName: 'ghost' }), /audit write failed/);
      await rejectsWith(world.ram.users.get(account.root, 'ghost'), 'EntityNotExist.User');
      assert.equal(await world.store.ram.users.count(account.accountId), 0);

      await world.ram.users.create(account.root, { userName: 'kept' });
      const revision = await revisionOf(world, account.accountId);
      await assert.rejects(broken.users.update(account.root, { userName: 'kept', newUserName: 'renamed' }), /audit write failed/);
      await assert.rejects(broken.users.delete(account.root, 'kept'), /audit write failed/);
      assert.equal((await world.ram.users.get(account.root, 'kept')).userName, 'kept');
      assert.equal(await revisionOf(world, account.accountId), revision, 'the revision bump was rolled back too');
    });

    test('every change is audited with its actor and principal, never a secret', async () => {
      const account = await world.newAccount();
      const { ram } = world;
      const admin = await ram.users.create(account.root, { userName: 'admin', email: 'admin@example.com' });
      const asAdmin = account.as(admin, 'LTAIadminkey');
      await ram.users.create(asAdmin, { userName: 'helper' });
      await ram.users.update(asAdmin, { userName: 'helper', newDisplayName: 'Helper' });
      const key = await ram.accessKeys.create(asAdmin, { userName: 'helper' });
      await ram.users.update(account.root, { userName: 'helper', newUserName: 'assistant' });
      const events = await auditOf(world, account.directoryId);
      assert.deepEqual(
        events.map((e) => [e.action, e.actor, e.principal]),
        [
          ['CreateUser', account.rootKeyId, 'root'],
          ['CreateUser', 'LTAIadminkey', 'user/admin'],
          ['UpdateUser', 'LTAIadminkey', 'user/admin'],
          ['CreateAccessKey', 'LTAIadminkey', 'user/admin'],
          ['UpdateUser', account.rootKeyId, 'root'],
        ],
      );
      assert.deepEqual(events[0]!.changes, { UserId: admin.userId, UserName: 'admin', Email: 'admin@example.com' });
      assert.deepEqual(events[2]!.changes, { UserId: events[1]!.changes.UserId, UserName: 'helper', DisplayName: 'Helper' });
      assert.deepEqual(events[4]!.changes, { UserId: events[1]!.changes.UserId, UserName: 'helper', NewUserName: 'assistant' });
      assert.ok(!JSON.stringify(events).includes(key.accessKeySecret));
    });

    test('UnbindMFADevice: no user has an MFA device here', async () => {
      const account = await world.newAccount();
      await world.ram.users.create(account.root, { userName: 'mfa' });
      await rejectsWith(world.ram.users.unbindMFADevice(account.root, 'mfa'), 'EntityNotExist.User.MFADevice');
      await rejectsWith(world.ram.users.unbindMFADevice(account.root, 'nobody'), 'EntityNotExist.User');
      await rejectsWith(world.ram.users.unbindMFADevice(account.root, undefined), 'MissingUserName');
    });
  });
}

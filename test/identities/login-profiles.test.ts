/**
 * Login profiles, the password policy and password hashing (spec ram.md §3.5) on every storage
 * backend: the policy's fields, defaults and ranges; passwords checked against it (and against
 * reuse), stored only as salted scrypt hashes, never returned or audited.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defaultPasswordPolicy } from '../../src/domain/identities/password-policy.js';
import { hashPassword, verifyPassword } from '../../src/domain/identities/passwords.js';
import { backends } from '../support/backends.js';
import { type RamWorld, auditOf, ramWorld, rejectsWith, testHashing } from './support.js';

test('passwords: salted scrypt in a PHC-like string that carries its cost; verification is exact', async () => {
  const one = await hashPassword('correct horse', testHashing);
  const two = await hashPassword('correct horse', testHashing);
  assert.match(one, /^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  assert.notEqual(one, two, 'a new salt each time');
  assert.equal(await verifyPassword('correct horse', one), true);
  assert.equal(await verifyPassword('correct horse', two), true);
  assert.equal(await verifyPassword('correct horsE', one), false);
  assert.equal(await verifyPassword('', one), false);
  assert.equal(await verifyPassword('correct horse', 'plain text'), false);
  // The default cost is the real one: N = 2^15.
  assert.match(await hashPassword('x'), /^\$scrypt\$ln=15,r=8,p=1\$/);
});

for (const backend of backends) {
  describe(`RAM login profiles and password policy [${backend.name}]`, () => {
    let world: RamWorld;
    before(async () => {
      world = await ramWorld(backend);
    });
    after(() => world.close());

    test('GetPasswordPolicy answers the defaults; SetPasswordPolicy changes what it is given and checks the ranges', async () => {
      const account = await world.newAccount();
      const { passwordPolicy } = world.ram;
      assert.deepEqual(await passwordPolicy.get(account.root), {
        minimumPasswordLength: 8,
        requireLowercaseCharacters: false,
        requireUppercaseCharacters: false,
        requireNumbers: false,
        requireSymbols: false,
        hardExpiry: false,
        maxPasswordAge: 0,
        passwordReusePrevention: 0,
        maxLoginAttemps: 5,
      });
      const set = await passwordPolicy.set(account.root, { minimumPasswordLength: 12, requireSymbols: true, maxPasswordAge: 90 });
      assert.deepEqual(set, { ...defaultPasswordPolicy, minimumPasswordLength: 12, requireSymbols: true, maxPasswordAge: 90 });
      const again = await passwordPolicy.set(account.root, { requireNumbers: true, passwordReusePrevention: 24, maxLoginAttemps: 0 });
      assert.deepEqual(again, { ...set, requireNumbers: true, passwordReusePrevention: 24, maxLoginAttemps: 0 });
      assert.deepEqual(await passwordPolicy.get(account.root), again);

      const cases: [Record<string, number>, string][] = [
        [{ minimumPasswordLength: 7 }, 'InvalidParameter.MinimumPasswordLength.Range'],
        [{ minimumPasswordLength: 33 }, 'InvalidParameter.MinimumPasswordLength.Range'],
        [{ minimumPasswordLength: 8.5 }, 'InvalidParameter.MinimumPasswordLength.Range'],
        [{ maxPasswordAge: 1096 }, 'InvalidParameter.MaxPasswordAge.Range'],
        [{ maxPasswordAge: -1 }, 'InvalidParameter.MaxPasswordAge.Range'],
        [{ passwordReusePrevention: 25 }, 'InvalidParameter.PasswordReusePrevention.Range'],
        [{ maxLoginAttemps: 33 }, 'InvalidParameter.MaxLoginAttemps.Range'],
        [{ minimumPasswordLength: 99, maxLoginAttemps: 99 }, 'InvalidParameter.MinimumPasswordLength.Range'],
      ];
      for (const [input, code] of cases) await rejectsWith(passwordPolicy.set(account.root, input), code, JSON.stringify(input));
      assert.deepEqual(await passwordPolicy.get(account.root), again, 'a refused change changes nothing');
      // The ranges are inclusive.
      await passwordPolicy.set(account.root, { minimumPasswordLength: 32, maxPasswordAge: 1095, passwordReusePrevention: 0, maxLoginAttemps: 32 });
      // Another account still has the defaults.
      assert.deepEqual(await passwordPolicy.get((await world.newAccount()).root), defaultPasswordPolicy);
      assert.deepEqual((await auditOf(world, account.directoryId)).map((e) => e.action), ['SetPasswordPolicy', 'SetPasswordPolicy', 'SetPasswordPolicy']);
    });

    test('CreateLoginProfile: required, the policy, the user, one profile per user; the password is stored hashed only', async () => {
      const account = await world.newAccount();
      const { ram, store } = world;
      const user = await ram.users.create(account.root, { userName: 'console' });
      const cases: [Record<string, string | undefined>, string][] = [
        [{ password: 'Passw0rd!' }, 'MissingUserName'],
        [{ userName: 'console' }, 'MissingPassword'],
        [{ userName: 'console', password: '' }, 'MissingPassword'],
        [{ userName: 'con sole', password: 'Passw0rd!' }, 'InvalidParameter.UserName.InvalidChars'],
        [{ userName: 'console', password: 'short' }, 'InvalidParameter.Password.TooWeak'],
        [{ userName: 'console', password: 'p'.repeat(33) }, 'InvalidParameter.Password.TooWeak'],
        [{ userName: 'nobody', password: 'short' }, 'InvalidParameter.Password.TooWeak'],
        [{ userName: 'nobody', password: 'Passw0rd!' }, 'EntityNotExist.User'],
      ];
      for (const [input, code] of cases) await rejectsWith(ram.loginProfiles.create(account.root, input), code, JSON.stringify(input));

      const profile = await ram.loginProfiles.create(account.root, { userName: 'CONSOLE', password: 'p'.repeat(32), passwordResetRequired: true });
      assert.deepEqual(profile, { userName: 'console', passwordResetRequired: true, mfaBindRequired: false, createdAt: profile.createdAt });
      assert.deepEqual(await ram.loginProfiles.get(account.root, 'console'), profile);
      await rejectsWith(ram.loginProfiles.create(account.root, { userName: 'console', password: 'Passw0rd!' }), 'EntityAlreadyExists.User.LoginProfile');

      const row = await store.ram.loginProfiles.find(user.userId);
      assert.ok(row);
      assert.ok(!JSON.stringify(row).includes('p'.repeat(32)));
      assert.equal(await verifyPassword('p'.repeat(32), row.password_hash), true);
      const trail = JSON.stringify(await store.audit.list({ directoryId: account.directoryId, limit: 100 }));
      assert.ok(!trail.includes('p'.repeat(32)) && !trail.includes(row.password_hash) && !trail.includes('Passw0rd!'));
    });

    test('the policy’s character classes decide what is too weak', async () => {
      const account = await world.newAccount();
      const { ram } = world;
      await ram.passwordPolicy.set(account.root, {
        minimumPasswordLength: 10,
        requireLowercaseCharacters: true,
        requireUppercaseCharacters: true,
        requireNumbers: true,
        requireSymbols: true,
      });
      for (let i = 0; i < 6; i++) await ram.users.create(account.root, { userName: `p${i}` });
      for (const [i, password] of ['Abcdefgh1!'.slice(0, 9), 'abcdefgh1!', 'ABCDEFGH1!', 'Abcdefghi!', 'Abcdefgh12'].entries()) {
        await rejectsWith(ram.loginProfiles.create(account.root, { userName: `p${i}`, password }), 'InvalidParameter.Password.TooWeak', password);
      }
      await ram.loginProfiles.create(account.root, { userName: 'p5', password: 'Abcdefgh1!' });
      // Changing the policy leaves stored passwords alone.
      await ram.passwordPolicy.set(account.root, { minimumPasswordLength: 20 });
      assert.equal((await ram.loginProfiles.get(account.root, 'p5')).userName, 'p5');
    });

    test('UpdateLoginProfile changes only what is given; PasswordReusePrevention refuses recent passwords', async () => {
      const account = await world.newAccount();
      const { ram, store } = world;
      const user = await ram.users.create(account.root, { userName: 'rotate' });
      await rejectsWith(ram.loginProfiles.update(account.root, { userName: 'rotate', mfaBindRequired: true }), 'EntityNotExist.User.LoginProfile');
      await rejectsWith(ram.loginProfiles.update(account.root, { userName: 'ghost', mfaBindRequired: true }), 'EntityNotExist.User');
      await rejectsWith(ram.loginProfiles.update(account.root, { userName: 'ghost', password: 'weak' }), 'InvalidParameter.Password.TooWeak');
      const created = await ram.loginProfiles.create(account.root, { userName: 'rotate', password: 'first-pass' });

      await ram.loginProfiles.update(account.root, { userName: 'rotate', mfaBindRequired: true });
      assert.deepEqual(await ram.loginProfiles.get(account.root, 'rotate'), { ...created, mfaBindRequired: true });
      await ram.loginProfiles.update(account.root, { userName: 'rotate', password: '', passwordResetRequired: true });
      assert.equal(await verifyPassword('first-pass', (await store.ram.loginProfiles.find(user.userId))!.password_hash), true, 'an empty password changes nothing');

      // Off by default: the same password again is fine.
      await ram.loginProfiles.update(account.root, { userName: 'rotate', password: 'first-pass' });
      await ram.passwordPolicy.set(account.root, { passwordReusePrevention: 2 });
      await ram.loginProfiles.update(account.root, { userName: 'rotate', password: 'second-pass' });
      await rejectsWith(ram.loginProfiles.update(account.root, { userName: 'rotate', password: 'second-pass' }), 'InvalidParameter.Password.TooWeak');
      await rejectsWith(ram.loginProfiles.update(account.root, { userName: 'rotate', password: 'first-pass' }), 'InvalidParameter.Password.TooWeak');
      await ram.loginProfiles.update(account.root, { userName: 'rotate', password: 'third-pass' });
      // first-pass is now three passwords back: allowed again with a prevention of 2.
      await ram.loginProfiles.update(account.root, { userName: 'rotate', password: 'first-pass' });
      const stored = (await store.ram.loginProfiles.find(user.userId))!;
      assert.equal(await verifyPassword('first-pass', stored.password_hash), true);
      assert.deepEqual(await ram.loginProfiles.get(account.root, 'rotate'), { ...created, mfaBindRequired: true, passwordResetRequired: true });

      const updates = (await auditOf(world, account.directoryId)).filter((e) => e.action === 'UpdateLoginProfile').map((e) => e.changes);
      assert.deepEqual(updates[0], { UserId: user.userId, UserName: 'rotate', MFABindRequired: true });
      assert.deepEqual(updates[1], { UserId: user.userId, UserName: 'rotate', PasswordResetRequired: true });
      assert.deepEqual(updates[2], { UserId: user.userId, UserName: 'rotate', PasswordChanged: true });
    });

    test('DeleteLoginProfile and GetLoginProfile: the user, then its profile', async () => {
      const account = await world.newAccount();
      const other = await world.newAccount();
      const { ram } = world;
      await ram.users.create(account.root, { userName: 'leaver' });
      await rejectsWith(ram.loginProfiles.get(account.root, 'leaver'), 'EntityNotExist.User.LoginProfile');
      await rejectsWith(ram.loginProfiles.delete(account.root, 'leaver'), 'EntityNotExist.User.LoginProfile');
      await rejectsWith(ram.loginProfiles.get(account.root, 'nobody'), 'EntityNotExist.User');
      await rejectsWith(ram.loginProfiles.delete(account.root, undefined), 'MissingUserName');
      await ram.loginProfiles.create(account.root, { userName: 'leaver', password: 'Passw0rd!', mfaBindRequired: true });
      await rejectsWith(ram.loginProfiles.get(other.root, 'leaver'), 'EntityNotExist.User');
      await ram.loginProfiles.delete(account.root, 'LEAVER');
      await rejectsWith(ram.loginProfiles.get(account.root, 'leaver'), 'EntityNotExist.User.LoginProfile');
      await ram.users.delete(account.root, 'leaver');
    });
  });
}

/**
 * Console login profiles and the password policy on the wire (spec ram.md §3.5), every official
 * client, both stores: the LoginProfile object with JSON booleans and never the password, only the
 * given fields changing on update, the nine fields of the password policy with their defaults and
 * ranges, the policy deciding which passwords are accepted, and every error with its status.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { clientNames, expectError } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { startServer, type TestServer } from '../support/server.js';
import { assertAnswer, ramClient, unique } from './support.js';

const profileShape = { UserName: 'string', PasswordResetRequired: 'boolean', MFABindRequired: 'boolean', CreateDate: 'date' } as const;
const passwordPolicyShape = {
  MinimumPasswordLength: 'number',
  RequireLowercaseCharacters: 'boolean',
  RequireUppercaseCharacters: 'boolean',
  RequireNumbers: 'boolean',
  RequireSymbols: 'boolean',
  HardExpiry: 'boolean',
  MaxPasswordAge: 'number',
  PasswordReusePrevention: 'number',
  MaxLoginAttemps: 'number',
} as const;

const defaults = {
  MinimumPasswordLength: 8,
  RequireLowercaseCharacters: false,
  RequireUppercaseCharacters: false,
  RequireNumbers: false,
  RequireSymbols: false,
  HardExpiry: false,
  MaxPasswordAge: 0,
  PasswordReusePrevention: 0,
  MaxLoginAttemps: 5,
};

const password = 'Sturdy-Passw0rd';

for (const backend of backends) {
  describe(`Ram login profiles and the password policy on the wire [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend });
    });
    after(() => server.close());

    for (const name of clientNames) {
      test(`${name}: Create, Get, Update and DeleteLoginProfile answer the profile with JSON booleans, never the password`, async () => {
        const ram = ramClient(server, name);
        const userName = unique('console');
        await ram.call('CreateUser', { UserName: userName });
        const created = await ram.call('CreateLoginProfile', { UserName: userName, Password: password });
        assertAnswer(created, { LoginProfile: profileShape });
        assert.equal(created.LoginProfile.UserName, userName);
        assert.equal(created.LoginProfile.PasswordResetRequired, false);
        assert.equal(created.LoginProfile.MFABindRequired, false);
        assert.equal(JSON.stringify(created).includes(password), false);

        const got = await ram.call('GetLoginProfile', { UserName: userName.toUpperCase() });
        assertAnswer(got, { LoginProfile: profileShape });
        assert.deepEqual(got.LoginProfile, created.LoginProfile);

        assertAnswer(await ram.call('UpdateLoginProfile', { UserName: userName, MFABindRequired: true }), {});
        let now = (await ram.call('GetLoginProfile', { UserName: userName })).LoginProfile;
        assert.deepEqual([now.PasswordResetRequired, now.MFABindRequired], [false, true], 'only what is given changes');
        await ram.call('UpdateLoginProfile', { UserName: userName, Password: 'Another-Passw0rd', PasswordResetRequired: 'TRUE' });
        now = (await ram.call('GetLoginProfile', { UserName: userName })).LoginProfile;
        assert.deepEqual([now.PasswordResetRequired, now.MFABindRequired], [true, true]);
        assert.equal(now.CreateDate, created.LoginProfile.CreateDate);

        assertAnswer(await ram.call('DeleteLoginProfile', { UserName: userName }), {});
        await expectError(ram.call('GetLoginProfile', { UserName: userName }), 'EntityNotExist.User.LoginProfile', 404);

        const flagged = await ram.call('CreateLoginProfile', { UserName: userName, Password: password, PasswordResetRequired: true, MFABindRequired: 'false' });
        assert.deepEqual([flagged.LoginProfile.PasswordResetRequired, flagged.LoginProfile.MFABindRequired], [true, false]);
      });

      test(`${name}: Get and SetPasswordPolicy answer all nine fields; Set changes only those given`, async () => {
        const tenant = await server.newTenant();
        const ram = ramClient(server, name, tenant);
        const initial = await ram.call('GetPasswordPolicy');
        assertAnswer(initial, { PasswordPolicy: passwordPolicyShape });
        assert.deepEqual(initial.PasswordPolicy, defaults);

        const set = await ram.call('SetPasswordPolicy', { MinimumPasswordLength: 12, RequireSymbols: true, MaxPasswordAge: 90, PasswordReusePrevention: 3 });
        assertAnswer(set, { PasswordPolicy: passwordPolicyShape });
        const expected = { ...defaults, MinimumPasswordLength: 12, RequireSymbols: true, MaxPasswordAge: 90, PasswordReusePrevention: 3 };
        assert.deepEqual(set.PasswordPolicy, expected);
        const next = await ram.call('SetPasswordPolicy', { RequireNumbers: 'True', MaxLoginAttemps: 0, HardExpiry: true });
        assert.deepEqual(next.PasswordPolicy, { ...expected, RequireNumbers: true, MaxLoginAttemps: 0, HardExpiry: true });
        assert.deepEqual((await ram.call('GetPasswordPolicy')).PasswordPolicy, next.PasswordPolicy);
        // Nothing given: nothing changes, the whole policy is answered.
        assert.deepEqual((await ram.call('SetPasswordPolicy')).PasswordPolicy, next.PasswordPolicy);
        // Another account keeps its defaults.
        assert.deepEqual((await ramClient(server, name).call('GetPasswordPolicy')).PasswordPolicy.MinimumPasswordLength, 8);
      });
    }

    test('the password policy decides which passwords a login profile accepts', async () => {
      for (const name of clientNames) {
        const tenant = await server.newTenant();
        const ram = ramClient(server, name, tenant);
        const userName = unique('strict');
        await ram.call('CreateUser', { UserName: userName });
        await expectError(ram.call('CreateLoginProfile', { UserName: userName, Password: 'short' }), 'InvalidParameter.Password.TooWeak', 400);
        await expectError(ram.call('CreateLoginProfile', { UserName: userName, Password: 'p'.repeat(33) }), 'InvalidParameter.Password.TooWeak', 400);
        await ram.call('SetPasswordPolicy', {
          MinimumPasswordLength: 10,
          RequireLowercaseCharacters: true,
          RequireUppercaseCharacters: true,
          RequireNumbers: true,
          RequireSymbols: true,
          PasswordReusePrevention: 2,
        });
        for (const weak of ['Sh0rt-pw', 'nouppercase-9', 'NOLOWERCASE-9', 'NoDigits-here', 'NoSymbols99x']) {
          await expectError(ram.call('CreateLoginProfile', { UserName: userName, Password: weak }), 'InvalidParameter.Password.TooWeak', 400);
        }
        await ram.call('CreateLoginProfile', { UserName: userName, Password: 'Good-Passw0rd' });
        // PasswordReusePrevention 2: neither the current password nor the one before it.
        await expectError(ram.call('UpdateLoginProfile', { UserName: userName, Password: 'Good-Passw0rd' }), 'InvalidParameter.Password.TooWeak', 400);
        await ram.call('UpdateLoginProfile', { UserName: userName, Password: 'Next-Passw0rd' });
        await expectError(ram.call('UpdateLoginProfile', { UserName: userName, Password: 'Good-Passw0rd' }), 'InvalidParameter.Password.TooWeak', 400);
        await expectError(ram.call('UpdateLoginProfile', { UserName: userName, Password: 'weak' }), 'InvalidParameter.Password.TooWeak', 400);
      }
    });

    test('login profile actions: every error with its status, in the order of the checks', async () => {
      for (const name of clientNames) {
        const ram = ramClient(server, name);
        const userName = unique('profiled');
        const bare = unique('profileless');
        await ram.call('CreateUser', { UserName: userName });
        await ram.call('CreateUser', { UserName: bare });
        await ram.call('CreateLoginProfile', { UserName: userName, Password: password });
        const nobody = unique('nobody');

        await expectError(ram.call('CreateLoginProfile', { Password: password }), 'MissingUserName', 400);
        await expectError(ram.call('CreateLoginProfile', { UserName: bare }), 'MissingPassword', 400);
        await expectError(ram.call('CreateLoginProfile', { UserName: 'bad name', Password: password }), 'InvalidParameter.UserName.InvalidChars', 400);
        await expectError(ram.call('CreateLoginProfile', { UserName: bare, Password: 'weak' }), 'InvalidParameter.Password.TooWeak', 400);
        await expectError(ram.call('CreateLoginProfile', { UserName: bare, Password: password, PasswordResetRequired: 'yes' }), 'InvalidParameter.PasswordResetRequired', 400);
        await expectError(ram.call('CreateLoginProfile', { UserName: bare, Password: password, MFABindRequired: '1' }), 'InvalidParameter.MFABindRequired', 400);
        await expectError(ram.call('CreateLoginProfile', { UserName: nobody, Password: 'weak' }), 'InvalidParameter.Password.TooWeak', 400);
        await expectError(ram.call('CreateLoginProfile', { UserName: nobody, Password: password }), 'EntityNotExist.User', 404);
        await expectError(ram.call('CreateLoginProfile', { UserName: userName, Password: password }), 'EntityAlreadyExists.User.LoginProfile', 409);

        await expectError(ram.call('GetLoginProfile'), 'MissingUserName', 400);
        await expectError(ram.call('GetLoginProfile', { UserName: nobody }), 'EntityNotExist.User', 404);
        await expectError(ram.call('GetLoginProfile', { UserName: bare }), 'EntityNotExist.User.LoginProfile', 404);

        await expectError(ram.call('UpdateLoginProfile', { Password: password }), 'MissingUserName', 400);
        await expectError(ram.call('UpdateLoginProfile', { UserName: userName, Password: 'weak' }), 'InvalidParameter.Password.TooWeak', 400);
        await expectError(ram.call('UpdateLoginProfile', { UserName: nobody, MFABindRequired: true }), 'EntityNotExist.User', 404);
        await expectError(ram.call('UpdateLoginProfile', { UserName: bare, MFABindRequired: true }), 'EntityNotExist.User.LoginProfile', 404);

        await expectError(ram.call('DeleteLoginProfile'), 'MissingUserName', 400);
        await expectError(ram.call('DeleteLoginProfile', { UserName: nobody }), 'EntityNotExist.User', 404);
        await expectError(ram.call('DeleteLoginProfile', { UserName: bare }), 'EntityNotExist.User.LoginProfile', 404);
      }
    });

    test('SetPasswordPolicy: each number outside its range, or not a number, and each boolean that is not one', async () => {
      for (const name of clientNames) {
        const tenant = await server.newTenant();
        const ram = ramClient(server, name, tenant);
        const refusals: [Record<string, string | number>, string][] = [
          [{ MinimumPasswordLength: 7 }, 'InvalidParameter.MinimumPasswordLength.Range'],
          [{ MinimumPasswordLength: 33 }, 'InvalidParameter.MinimumPasswordLength.Range'],
          [{ MinimumPasswordLength: 'ten' }, 'InvalidParameter.MinimumPasswordLength.Range'],
          [{ MaxPasswordAge: 1096 }, 'InvalidParameter.MaxPasswordAge.Range'],
          [{ MaxPasswordAge: '-1' }, 'InvalidParameter.MaxPasswordAge.Range'],
          [{ PasswordReusePrevention: 25 }, 'InvalidParameter.PasswordReusePrevention.Range'],
          [{ MaxLoginAttemps: 33 }, 'InvalidParameter.MaxLoginAttemps.Range'],
          [{ RequireLowercaseCharacters: 'on' }, 'InvalidParameter.RequireLowercaseCharacters'],
          [{ RequireUppercaseCharacters: 'off' }, 'InvalidParameter.RequireUppercaseCharacters'],
          [{ RequireNumbers: 'maybe' }, 'InvalidParameter.RequireNumbers'],
          [{ RequireSymbols: '0' }, 'InvalidParameter.RequireSymbols'],
          [{ HardExpiry: 'never' }, 'InvalidParameter.HardExpiry'],
        ];
        for (const [params, code] of refusals) await expectError(ram.call('SetPasswordPolicy', params), code, 400);
        // A refused change changes nothing, not even its valid fields.
        await expectError(ram.call('SetPasswordPolicy', { MinimumPasswordLength: 20, MaxLoginAttemps: 40 }), 'InvalidParameter.MaxLoginAttemps.Range', 400);
        assert.deepEqual((await ram.call('GetPasswordPolicy')).PasswordPolicy, defaults);
        // The bounds themselves are accepted.
        const edges = await ram.call('SetPasswordPolicy', { MinimumPasswordLength: 32, MaxPasswordAge: 1095, PasswordReusePrevention: 24, MaxLoginAttemps: 32 });
        assert.deepEqual(edges.PasswordPolicy, { ...defaults, MinimumPasswordLength: 32, MaxPasswordAge: 1095, PasswordReusePrevention: 24, MaxLoginAttemps: 32 });
      }
    });
  });
}

/**
 * Ram users on the wire (spec ram.md §3.2, §3.3), through every official client on both stores:
 * the exact User objects of CreateUser, GetUser, UpdateUser and ListUsers, paging with Marker and
 * MaxItems, the empty string clearing a field, every error each action lists with its status, and
 * the order of the checks (missing, then malformed, then not found, then conflicts, then limits;
 * DeleteUser's conflicts AccessKey, LoginProfile, Group, Policy).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRamServices } from '../../src/domain/identities/services.js';
import { clientNames, expectError } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { startServer, type TestServer } from '../support/server.js';
import { allPages, assertAnswer, ramClient, unique } from './support.js';

const createdUser = { UserId: 'userId', UserName: 'string', CreateDate: 'date' } as const;
const fullFields = { DisplayName: 'string', Email: 'string', MobilePhone: 'string', Comments: 'string' } as const;

for (const backend of backends) {
  describe(`Ram users on the wire [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend });
    });
    after(() => server.close());

    for (const name of clientNames) {
      test(`${name}: CreateUser answers the User with the fields given and no UpdateDate or LastLoginDate`, async () => {
        const ram = ramClient(server, name);
        const userName = unique('Alice');
        const full = await ram.call('CreateUser', {
          UserName: userName,
          DisplayName: 'Alice Example 张',
          MobilePhone: '86-18688888888',
          Email: 'alice@example.com',
          Comments: 'a cloud engineer',
        });
        assertAnswer(full, { User: { ...createdUser, ...fullFields } });
        assert.deepEqual(
          { ...full.User, UserId: undefined, CreateDate: undefined },
          {
            UserId: undefined,
            UserName: userName,
            DisplayName: 'Alice Example 张',
            MobilePhone: '86-18688888888',
            Email: 'alice@example.com',
            Comments: 'a cloud engineer',
            CreateDate: undefined,
          },
        );
        // Unset optional fields are left out, and an empty one is not set.
        const bare = await ram.call('CreateUser', { UserName: unique('bare'), DisplayName: '' });
        assertAnswer(bare, { User: createdUser });
        assert.notEqual(bare.User.UserId, full.User.UserId);
      });

      test(`${name}: GetUser answers UpdateDate and, since nobody ever logs in, no LastLoginDate`, async () => {
        const ram = ramClient(server, name);
        const userName = unique('getter');
        const created = await ram.call('CreateUser', { UserName: userName, Email: 'g@example.com' });
        const got = await ram.call('GetUser', { UserName: userName.toUpperCase() });
        assertAnswer(got, { User: { ...createdUser, Email: 'string', UpdateDate: 'date' } });
        assert.equal(got.User.UserId, created.User.UserId);
        assert.equal(got.User.UserName, userName, 'stored and answered as given, found in any case');
        assert.equal(got.User.CreateDate, created.User.CreateDate);
      });

      test(`${name}: UpdateUser renames, changes and clears with "", keeping the UserId`, async () => {
        const ram = ramClient(server, name);
        const userName = unique('before');
        const created = await ram.call('CreateUser', {
          UserName: userName,
          DisplayName: 'Before',
          MobilePhone: '1-5555555',
          Email: 'before@example.com',
          Comments: 'c',
        });
        const newName = unique('after');
        const updated = await ram.call('UpdateUser', {
          UserName: userName,
          NewUserName: newName,
          NewDisplayName: '',
          NewMobilePhone: '',
          NewEmail: 'after@example.com',
        });
        assertAnswer(updated, { User: { ...createdUser, Email: 'string', Comments: 'string', UpdateDate: 'date' } });
        assert.equal(updated.User.UserId, created.User.UserId);
        assert.equal(updated.User.UserName, newName);
        assert.equal(updated.User.Email, 'after@example.com');
        assert.equal(updated.User.Comments, 'c', 'an absent New* field leaves the value');
        const got = (await ram.call('GetUser', { UserName: newName })).User;
        assert.equal('DisplayName' in got, false, 'cleared');
        assert.equal('MobilePhone' in got, false, 'cleared');
        await expectError(ram.call('GetUser', { UserName: userName }), 'EntityNotExist.User', 404);
        // NewUserName equal to UserName (Terraform always sends it) is no rename and no conflict.
        const same = await ram.call('UpdateUser', { UserName: newName, NewUserName: newName, NewComments: '' });
        assertAnswer(same, { User: { ...createdUser, Email: 'string', UpdateDate: 'date' } });
        assert.equal(same.User.UserName, newName);
      });

      test(`${name}: DeleteUser answers only the RequestId, and the user is gone`, async () => {
        const ram = ramClient(server, name);
        const userName = unique('gone');
        await ram.call('CreateUser', { UserName: userName });
        assertAnswer(await ram.call('DeleteUser', { UserName: userName }), {});
        await expectError(ram.call('GetUser', { UserName: userName }), 'EntityNotExist.User', 404);
        await expectError(ram.call('DeleteUser', { UserName: userName }), 'EntityNotExist.User', 404);
      });

      test(`${name}: ListUsers wraps the users, always, and pages with Marker and MaxItems in creation order`, async () => {
        const tenant = await server.newTenant();
        const ram = ramClient(server, name, tenant);
        assertAnswer(await ram.call('ListUsers'), { IsTruncated: 'boolean', Users: { User: [] } });
        const names: string[] = [];
        for (let index = 0; index < 5; index += 1) {
          names.push(unique(`listed${index}`));
          await ram.call('CreateUser', { UserName: names.at(-1)!, Comments: `number ${index}` });
        }
        const whole = await ram.call('ListUsers');
        assertAnswer(whole, { IsTruncated: 'boolean', Users: { User: [{ ...createdUser, Comments: 'string', UpdateDate: 'date' }] } });
        assert.equal(whole.IsTruncated, false);
        assert.deepEqual(whole.Users.User.map((user: { UserName: string }) => user.UserName), names);
        assert.equal(whole.Users.User[0].Comments, 'number 0');

        const first = await ram.call('ListUsers', { MaxItems: 2 });
        assertAnswer(first, { IsTruncated: 'boolean', Marker: 'string', Users: { User: [{ ...createdUser, Comments: 'string', UpdateDate: 'date' }] } });
        const { pages, items } = await allPages(ram, 'ListUsers', { MaxItems: 2 }, (body) => body.Users.User);
        assert.deepEqual(pages.map((page) => page.length), [2, 2, 1]);
        assert.deepEqual(items.map((user) => user.UserName), names);
        // A page of exactly the rest is not truncated.
        const { pages: even } = await allPages(ram, 'ListUsers', { MaxItems: 5 }, (body) => body.Users.User);
        assert.deepEqual(even.map((page) => page.length), [5]);
        // A page goes on after its marker even when the last user answered is deleted meanwhile.
        await ram.call('DeleteUser', { UserName: names[1]! });
        const next = await ram.call('ListUsers', { MaxItems: 2, Marker: first.Marker });
        assert.deepEqual(next.Users.User.map((user: { UserName: string }) => user.UserName), names.slice(2, 4));
      });
    }

    test('CreateUser: every error with its status, in the order of the checks', async () => {
      for (const name of clientNames) {
        const ram = ramClient(server, name);
        const taken = unique('Taken');
        await ram.call('CreateUser', { UserName: taken });
        await expectError(ram.call('CreateUser', {}), 'MissingUserName', 400);
        await expectError(ram.call('CreateUser', { UserName: '', Email: 'bad' }), 'MissingUserName', 400);
        await expectError(ram.call('CreateUser', { UserName: 'has space' }), 'InvalidParameter.UserName.InvalidChars', 400);
        await expectError(ram.call('CreateUser', { UserName: 'a'.repeat(65) }), 'InvalidParameter.UserName.Length', 400);
        await expectError(ram.call('CreateUser', { UserName: unique('u'), DisplayName: 'd'.repeat(129) }), 'InvalidParameter.DisplayName.Length', 400);
        await expectError(ram.call('CreateUser', { UserName: unique('u'), DisplayName: 'tab\there' }), 'InvalidParameter.DisplayName.InvalidChars', 400);
        await expectError(ram.call('CreateUser', { UserName: unique('u'), MobilePhone: '18688888888' }), 'InvalidParameter.MobilePhone.Format', 400);
        await expectError(ram.call('CreateUser', { UserName: unique('u'), Email: 'not-an-address' }), 'InvalidParameter.Email.Format', 400);
        await expectError(ram.call('CreateUser', { UserName: unique('u'), Comments: 'c'.repeat(129) }), 'InvalidParameter.Comments.Length', 400);
        await expectError(ram.call('CreateUser', { UserName: taken.toLowerCase() }), 'EntityAlreadyExists.User', 409);
        // Order: the name's own problem before the other fields'; any 400 before the conflict.
        await expectError(ram.call('CreateUser', { UserName: 'bad name', Email: 'bad' }), 'InvalidParameter.UserName.InvalidChars', 400);
        await expectError(ram.call('CreateUser', { UserName: taken, Email: 'bad' }), 'InvalidParameter.Email.Format', 400);
        // A 128-character display name and 64-character names are within the limits.
        await ram.call('CreateUser', { UserName: `${'x'.repeat(60)}${name.length}${unique('').slice(1, 4)}`.slice(0, 64), DisplayName: 'd'.repeat(128) });
      }
    });

    test('CreateUser: a full account answers LimitExceeded.User (409), a taken name before it', async () => {
      const tenant = await server.newTenant();
      const ram = createRamServices(server.store, server.clock.now);
      const acting = { accountId: tenant.accountId, directoryId: tenant.directoryId, actor: 'test' };
      for (let index = 0; index < 1000; index += 1) await ram.users.create(acting, { userName: `filler-${index}` });
      for (const name of clientNames) {
        const client = ramClient(server, name, tenant);
        await expectError(client.call('CreateUser', { UserName: unique('one-too-many') }), 'LimitExceeded.User', 409);
        await expectError(client.call('CreateUser', { UserName: 'FILLER-7' }), 'EntityAlreadyExists.User', 409);
      }
    });

    test('GetUser, UpdateUser, UnbindMFADevice: every error with its status', async () => {
      for (const name of clientNames) {
        const ram = ramClient(server, name);
        const userName = unique('target');
        const other = unique('other');
        await ram.call('CreateUser', { UserName: userName });
        await ram.call('CreateUser', { UserName: other });

        await expectError(ram.call('GetUser'), 'MissingUserName', 400);
        await expectError(ram.call('GetUser', { UserName: 'no/slash' }), 'InvalidParameter.UserName.InvalidChars', 400);
        await expectError(ram.call('GetUser', { UserName: 'n'.repeat(65) }), 'InvalidParameter.UserName.Length', 400);
        await expectError(ram.call('GetUser', { UserName: unique('nobody') }), 'EntityNotExist.User', 404);

        await expectError(ram.call('UpdateUser', { NewDisplayName: 'x' }), 'MissingUserName', 400);
        await expectError(ram.call('UpdateUser', { UserName: 'bad name' }), 'InvalidParameter.UserName.InvalidChars', 400);
        await expectError(ram.call('UpdateUser', { UserName: userName, NewUserName: 'bad name' }), 'InvalidParameter.NewUserName.InvalidChars', 400);
        await expectError(ram.call('UpdateUser', { UserName: userName, NewUserName: 'n'.repeat(65) }), 'InvalidParameter.NewUserName.Length', 400);
        await expectError(ram.call('UpdateUser', { UserName: userName, NewDisplayName: 'd'.repeat(129) }), 'InvalidParameter.NewDisplayName.Length', 400);
        await expectError(ram.call('UpdateUser', { UserName: userName, NewDisplayName: 'line\nbreak' }), 'InvalidParameter.NewDisplayName.InvalidChars', 400);
        await expectError(ram.call('UpdateUser', { UserName: userName, NewMobilePhone: '+86 186' }), 'InvalidParameter.NewMobilePhone.Format', 400);
        await expectError(ram.call('UpdateUser', { UserName: userName, NewEmail: 'nope' }), 'InvalidParameter.NewEmail.Format', 400);
        await expectError(ram.call('UpdateUser', { UserName: userName, NewComments: 'c'.repeat(129) }), 'InvalidParameter.NewComments.Length', 400);
        await expectError(ram.call('UpdateUser', { UserName: unique('nobody'), NewComments: 'x' }), 'EntityNotExist.User', 404);
        await expectError(ram.call('UpdateUser', { UserName: userName, NewUserName: other.toUpperCase() }), 'EntityAlreadyExists.User', 409);
        // Order: a malformed field before a missing user; a missing user before a taken name.
        await expectError(ram.call('UpdateUser', { UserName: unique('nobody'), NewEmail: 'nope' }), 'InvalidParameter.NewEmail.Format', 400);
        await expectError(ram.call('UpdateUser', { UserName: unique('nobody'), NewUserName: other }), 'EntityNotExist.User', 404);
        // Renaming to another spelling of its own name is allowed.
        const respelled = await ram.call('UpdateUser', { UserName: userName, NewUserName: userName.toUpperCase() });
        assert.equal(respelled.User.UserName, userName.toUpperCase());

        await expectError(ram.call('UnbindMFADevice'), 'MissingUserName', 400);
        await expectError(ram.call('UnbindMFADevice', { UserName: userName }), 'EntityNotExist.User.MFADevice', 404);
        await expectError(ram.call('UnbindMFADevice', { UserName: unique('nobody') }), 'EntityNotExist.User', 404);
      }
    });

    test('DeleteUser: errors, and the conflicts in the order AccessKey, LoginProfile, Group, Policy', async () => {
      for (const name of clientNames) {
        const ram = ramClient(server, name);
        await expectError(ram.call('DeleteUser'), 'MissingUserName', 400);
        await expectError(ram.call('DeleteUser', { UserName: 'bad name' }), 'InvalidParameter.UserName.InvalidChars', 400);
        await expectError(ram.call('DeleteUser', { UserName: unique('nobody') }), 'EntityNotExist.User', 404);

        const userName = unique('busy');
        const groupName = unique('busy-group');
        await ram.call('CreateUser', { UserName: userName });
        await ram.call('CreateGroup', { GroupName: groupName });
        const key = (await ram.call('CreateAccessKey', { UserName: userName })).AccessKey.AccessKeyId as string;
        await ram.call('CreateLoginProfile', { UserName: userName, Password: 'Correct-Horse-9' });
        await ram.call('AddUserToGroup', { UserName: userName, GroupName: groupName });
        await ram.call('AttachPolicyToUser', { UserName: userName, PolicyType: 'System', PolicyName: 'AliyunRAMReadOnlyAccess' });

        await expectError(ram.call('DeleteUser', { UserName: userName }), 'DeleteConflict.User.AccessKey', 409);
        await ram.call('DeleteAccessKey', { UserName: userName, UserAccessKeyId: key });
        await expectError(ram.call('DeleteUser', { UserName: userName }), 'DeleteConflict.User.LoginProfile', 409);
        await ram.call('DeleteLoginProfile', { UserName: userName });
        await expectError(ram.call('DeleteUser', { UserName: userName }), 'DeleteConflict.User.Group', 409);
        await ram.call('RemoveUserFromGroup', { UserName: userName, GroupName: groupName });
        await expectError(ram.call('DeleteUser', { UserName: userName }), 'DeleteConflict.User.Policy', 409);
        await ram.call('DetachPolicyFromUser', { UserName: userName, PolicyType: 'System', PolicyName: 'AliyunRAMReadOnlyAccess' });
        assertAnswer(await ram.call('DeleteUser', { UserName: userName }), {});
      }
    });

    test('ListUsers: MaxItems 1–1000 and a Marker only ListUsers made', async () => {
      for (const name of clientNames) {
        const ram = ramClient(server, name);
        for (const maxItems of ['0', '1001', 'ten', '-1', '1.5']) {
          await expectError(ram.call('ListUsers', { MaxItems: maxItems }), 'InvalidParameter.MaxItems', 400);
        }
        assert.equal((await ram.call('ListUsers', { MaxItems: 1000 })).IsTruncated, false);
        await expectError(ram.call('ListUsers', { Marker: 'not-a-marker' }), 'InvalidParameter.Marker', 400);
        await ram.call('CreateGroup', { GroupName: unique('g') });
        await ram.call('CreateGroup', { GroupName: unique('g') });
        const groupsMarker = (await ram.call('ListGroups', { MaxItems: 1 })).Marker as string;
        await expectError(ram.call('ListUsers', { Marker: groupsMarker }), 'InvalidParameter.Marker', 400);
      }
    });
  });
}

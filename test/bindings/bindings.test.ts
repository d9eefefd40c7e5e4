/**
 * Contact bindings through the official clients: AssociateMembers, DisassociateMembers, Members in
 * Get/List, ListMessageContacts `Member`, inheritance (create, move, removal, folder deletion),
 * DeleteMessageContact with RetainContactInMembers true (retained recipients) and false (the
 * background job: success, Failed with FailReasonList), and GetMessageContactDeletionStatus.
 * The tree is built and changed only through the directory actions (CreateFolder,
 * CreateResourceAccount, MoveAccount, DeleteFolder, UpdateAccount + RemoveCloudAccount); the
 * inheritance rules run once per client family (@alicloud/openapi-client, @alicloud/pop-core), each
 * in a directory of its own, and are read back with ListEffectiveMessageContacts and
 * GetMessageContactCoverage. Runs once per storage backend.
 */
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { type ApiClient, type Body, type ClientName, type Params, apiClient, clientNames, failure } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { DeletionRunner } from '../../src/domain/deletion-runner.js';
import { startServer, type Credentials, type TestServer } from '../support/server.js';
import { confirmNewest } from '../support/verification-links.js';
import { holdContactReads } from '../support/hold-reads.js';

const apiDate = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const unknownContact = 'c-AAAAAAAAAAAAAAAA';
const allTypes = ['ServiceMessage', 'FaultMessage', 'AccountExpenses', 'SecurityMessage', 'ActivityMessage', 'ProductMessage'];
/** One client of each official family: @alicloud/openapi-client (ACS3) and @alicloud/pop-core (POST form). */
const families: ClientName[] = ['openapi-v3', 'pop-post'];

/** pop-core answers null-prototype objects; compare plain JSON. */
const plain = (client: ApiClient): ApiClient => ({
  ...client,
  call: async (action, params) => JSON.parse(JSON.stringify(await client.call(action, params))),
});

for (const backend of backends) {
  describe(`bindings [${backend.name}]`, () => {
    let server: TestServer;
    let client: ApiClient;
    let pop: ApiClient;
    let directoryId: string;
    let rootId: string;
    let names = 0;
    const nextName = () => `bn${String.fromCharCode(97 + (names % 26))}${String.fromCharCode(97 + Math.floor(names++ / 26))}`;

    before(async () => {
      server = await startServer({
        backend,
        config: { maxContactsPerDirectory: 1000, maxMembersPerDirectory: 1000, maxFoldersPerDirectory: 1000 },
      });
      client = apiClient('openapi-v3', server.endpoint, server.credentials);
      pop = apiClient('pop-get', server.endpoint, server.credentials);
      const rd = (await client.call('GetResourceDirectory')).ResourceDirectory;
      directoryId = rd.ResourceDirectoryId;
      rootId = rd.RootFolderId;
      assert.equal(directoryId, server.credentials.directoryId);
    });
    after(() => server.close());

    /** CreateFolder under `parent` (Root by default); answers the new folder's ID. */
    const createFolder = async (name: string, parent: string = rootId, via: ApiClient = client): Promise<string> =>
      (await via.call('CreateFolder', { FolderName: name, ParentFolderId: parent })).Folder.FolderId as string;
    /** CreateResourceAccount in `parent` (Root by default); answers the new account's ID. */
    const createAccount = async (name: string, parent: string = rootId, via: ApiClient = client): Promise<string> => {
      const account = (await via.call('CreateResourceAccount', { DisplayName: name, ParentFolderId: parent })).Account;
      assert.equal(account.FolderId, parent);
      return account.AccountId as string;
    };
    /** What a member's removal takes: UpdateAccount to a CloudAccount, then RemoveCloudAccount. */
    async function removeAccount(accountId: string, via: ApiClient = client): Promise<void> {
      const promoted = (await via.call('UpdateAccount', { AccountId: accountId, NewAccountType: 'CloudAccount' })).Account;
      assert.equal(promoted.Type, 'CloudAccount');
      await via.call('RemoveCloudAccount', { AccountId: accountId });
    }

    /** A fresh tree, built with the directory actions: folders A (under Root), A1 (under A), B (under Root), one account in each and one in Root. */
    async function tree() {
      const tag = nextName();
      const a = await createFolder(`A${tag}`);
      const a1 = await createFolder(`A1${tag}`, a);
      const b = await createFolder(`B${tag}`);
      return {
        a,
        a1,
        b,
        inA: await createAccount(`inA${tag}`, a),
        inA1: await createAccount(`inA1${tag}`, a1),
        inB: await createAccount(`inB${tag}`, b),
        inRoot: await createAccount(`inRoot${tag}`),
      };
    }

    async function add(messageTypes: string[] = ['AccountExpenses'], via: ApiClient = client): Promise<{ id: string; email: string }> {
      const name = nextName();
      const email = `${name}@example.com`;
      const body = await via.call('AddMessageContact', { Name: name, EmailAddress: email, Title: 'TechnicalDirector', MessageTypes: messageTypes });
      return { id: body.Contact.ContactId as string, email };
    }

    /** A contact whose email is verified (Active). */
    async function addVerified(messageTypes: string[] = ['AccountExpenses']): Promise<string> {
      const { id, email } = await add(messageTypes);
      await client.call('SendEmailVerificationForMessageContact', { ContactId: id, EmailAddress: email });
      await confirmNewest(server, email);
      return id;
    }

    const associate = (contactId: string, members: string[], via: ApiClient = client) =>
      via.call('AssociateMembers', { ContactId: contactId, Members: members });
    const disassociate = (contactId: string, members: string[], via: ApiClient = client) =>
      via.call('DisassociateMembers', { ContactId: contactId, Members: members });
    const members = async (contactId: string) => (await client.call('GetMessageContact', { ContactId: contactId })).Contact.Members as string[];
    /** Of `accounts`, those whose effective recipients (ListEffectiveMessageContacts) include the contact through a binding, sorted. */
    async function reached(contactId: string, accounts: string[], via: ApiClient = client): Promise<string[]> {
      const out: string[] = [];
      for (const accountId of accounts) {
        const body = await via.call('ListEffectiveMessageContacts', { AccountId: accountId });
        if (body.Contacts.some((c: Body) => c.ContactId === contactId && c.Status !== 'Retained')) out.push(accountId);
      }
      return out.sort();
    }
    const status = (contactId: string) => client.call('GetMessageContactDeletionStatus', { ContactId: contactId });

    /** Polls the deletion status (bounded) until it is no longer Deleting; answers the last body or failure code. */
    async function settled(contactId: string): Promise<Body | string> {
      for (let attempt = 0; attempt < 500; attempt++) {
        try {
          const body = await status(contactId);
          if (body.ContactDeletionStatus.Status !== 'Deleting') return body;
        } catch (error) {
          return (await failure(Promise.reject(error))).code;
        }
        await delay(10);
      }
      throw new Error(`deletion of ${contactId} did not finish`);
    }

    /** Keeps the deletion runner from taking any job until the returned function is called. */
    function holdRunner(): () => void {
      const repo = server.store.bindings;
      const original = repo.claimableJobs;
      repo.claimableJobs = async () => [];
      return () => {
        repo.claimableJobs = original;
      };
    }

    // ── AssociateMembers ──────────────────────────────────────────────────────────────────────

    test('Associate binds the directory, Root, a folder and an account; answers a bare Members array in request order', async () => {
      const t = await tree();
      const { id } = await add();
      const body = await associate(id, [t.a, directoryId, rootId, t.inB]);
      assert.ok(Array.isArray(body.Members));
      assert.deepEqual(
        body.Members.map((m: Body) => [m.ContactId, m.MemberId]),
        [t.a, directoryId, rootId, t.inB].map((memberId) => [id, memberId]),
      );
      for (const m of body.Members) assert.match(m.ModifyDate, apiDate);
      assert.equal(body.Code, undefined);
      assert.deepEqual(await members(id), [t.a, directoryId, rootId, t.inB]);
    });

    test('Members in Get and List read back by all four clients, in binding order', async () => {
      const t = await tree();
      const { id } = await add();
      await associate(id, [t.b]);
      await associate(id, [t.inA, t.a1]);
      for (const name of clientNames) {
        const via = apiClient(name, server.endpoint, server.credentials);
        const got = (await via.call('GetMessageContact', { ContactId: id })).Contact;
        assert.deepEqual(got.Members, [t.b, t.inA, t.a1], name);
        const listed = await via.call('ListMessageContacts', { ContactId: id });
        assert.deepEqual(listed.Contacts[0].Members, [t.b, t.inA, t.a1], name);
        assert.equal(listed.Contacts[0].AssociatedDate, undefined, `${name}: no AssociatedDate without Member`);
        const one = await via.call('ListMessageContacts', { Member: t.inA });
        assert.ok(Array.isArray(one.Contacts), name);
        assert.deepEqual(one.Contacts.map((c: Body) => c.ContactId), [id], name);
        assert.deepEqual(one.Contacts[0].Members, [t.b, t.inA, t.a1], name);
        const single = await via.call('AssociateMembers', { ContactId: id, Members: [t.b] });
        assert.ok(Array.isArray(single.Members), `${name}: a one-element Members is still an array`);
        assert.equal(single.Members.length, 1);
      }
      const whole = await client.call('ListMessageContacts', { PageSize: 100 });
      const listed = whole.Contacts.find((c: Body) => c.ContactId === id);
      assert.deepEqual(listed.Members, [t.b, t.inA, t.a1]);
    });

    test('Associate of an ID already bound is idempotent: original ModifyDate, not counted twice', async () => {
      const t = await tree();
      const { id } = await add();
      const first = await associate(id, [t.a]);
      server.clock.passTime(5);
      const again = await associate(id, [t.a, t.b]);
      assert.equal(again.Members[0].ModifyDate, first.Members[0].ModifyDate);
      assert.notEqual(again.Members[1].ModifyDate, first.Members[0].ModifyDate);
      assert.deepEqual(await members(id), [t.a, t.b]);
    });

    test('at most 10 bindings per contact; the call that would pass 10 binds nothing', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const t = await tree();
        ids.push(t.a, t.a1, t.b, t.inA);
      }
      const { id } = await add();
      await associate(id, ids.slice(0, 5));
      await associate(id, ids.slice(5, 9));
      assert.equal((await members(id)).length, 9);
      const refused = await failure(associate(id, [ids[9]!, ids[10]!]));
      assert.equal(refused.code, 'LimitExceeded.ContactMembers');
      assert.equal(refused.statusCode, 400);
      assert.equal((await members(id)).length, 9, 'all or none');
      await associate(id, [ids[0]!, ids[9]!]); // re-binding one that is bound does not count
      assert.equal((await members(id)).length, 10);
      assert.equal((await failure(associate(id, [ids[10]!]))).code, 'LimitExceeded.ContactMembers');
    });

    test('Associate errors (spec §4.9), in check order, through pop-core', async () => {
      const t = await tree();
      const { id } = await add();
      const other: Credentials = await server.newTenant();
      const otherClient = apiClient('pop-get', server.endpoint, other);
      const otherRoot = (await otherClient.call('GetResourceDirectory')).ResourceDirectory.RootFolderId as string;
      const otherFolder = await createFolder(`other${nextName()}`, otherRoot, otherClient);
      const otherAccount = await createAccount(`other${nextName()}`, otherRoot, otherClient);
      const foreign = await add(['AccountExpenses'], otherClient);
      const removed = await createAccount(`gone${nextName()}`, t.a);
      await removeAccount(removed);
      const cases: [Record<string, unknown>, string, number][] = [
        [{ Members: [t.a] }, 'MissingParameter.ContactId', 400],
        [{ ContactId: 'c-123', Members: [t.a] }, 'InvalidParameter.ContactId', 400],
        [{ ContactId: id }, 'MissingParameter.Members', 400],
        [{ ContactId: id, Members: ['fd-123'] }, 'InvalidParameter.Members', 400],
        [{ ContactId: id, Members: ['12345'] }, 'InvalidParameter.Members', 400],
        [{ ContactId: id, Members: [t.a, t.b, t.a1, t.inA, t.inB, t.inRoot] }, 'InvalidParameter.Members', 400],
        [{ ContactId: id, Members: [t.a, t.a] }, 'InvalidParameter.Members.Duplicate', 400],
        [{ ContactId: unknownContact, Members: [t.a] }, 'EntityNotExists.Contact', 404],
        [{ ContactId: foreign.id, Members: [t.a] }, 'EntityNotExists.Contact', 404],
        [{ ContactId: id, Members: [t.a, 'fd-ZZZZZZZZZZ'] }, 'InvalidMember', 400],
        [{ ContactId: id, Members: [t.a, '9999999999999999'] }, 'InvalidMember', 400],
        [{ ContactId: id, Members: [otherRoot] }, 'InvalidMember', 400],
        [{ ContactId: id, Members: [otherFolder] }, 'InvalidMember', 400],
        [{ ContactId: id, Members: [otherAccount] }, 'InvalidMember', 400],
        [{ ContactId: id, Members: [other.directoryId] }, 'InvalidMember', 400],
        [{ ContactId: id, Members: [server.credentials.accountId] }, 'InvalidMember', 400],
        [{ ContactId: id, Members: [removed] }, 'InvalidMember', 400],
      ];
      for (const [params, code, statusCode] of cases) {
        const refused = await failure(pop.call('AssociateMembers', params as never));
        assert.equal(refused.code, code, JSON.stringify(params));
        assert.equal(refused.statusCode, statusCode, code);
      }
      assert.deepEqual(await members(id), [], 'no refused call bound anything');
    });

    test('two Associate calls racing on one contact: one wins, the other answers 429 and binds nothing', async () => {
      const t = await tree();
      const { id } = await add();
      const restore = holdContactReads(server.store, id);
      let outcomes: PromiseSettledResult<Body>[];
      try {
        outcomes = await Promise.allSettled([associate(id, [t.a]), associate(id, [t.b], pop)]);
      } finally {
        restore();
      }
      const refused = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
      assert.equal(refused.length, 1);
      assert.deepEqual([refused[0]!.reason.code, refused[0]!.reason.statusCode], ['ConcurrentCallNotSupported', 429]);
      assert.deepEqual(await members(id), [outcomes[0]!.status === 'fulfilled' ? t.a : t.b]);
    });

    // ── DisassociateMembers ───────────────────────────────────────────────────────────────────

    test('Disassociate unbinds all or none; an unbound resolvable ID is fine; ModifyDate is the unbinding time', async () => {
      const t = await tree();
      const { id } = await add();
      await associate(id, [t.a, t.b, t.inA]);
      server.clock.passTime(3);
      const body = await disassociate(id, [t.a, t.inA]);
      assert.deepEqual(
        body.Members.map((m: Body) => [m.ContactId, m.MemberId]),
        [[id, t.a], [id, t.inA]],
      );
      for (const m of body.Members) assert.match(m.ModifyDate, apiDate);
      assert.deepEqual(await members(id), [t.b]);
      await disassociate(id, [t.a, directoryId]);
      assert.deepEqual(await members(id), [t.b]);
      assert.equal((await failure(disassociate(id, [t.b, 'fd-ZZZZZZZZZZ']))).code, 'InvalidMember');
      assert.deepEqual(await members(id), [t.b], 'all or none');
    });

    test('a removed account stays in Members, counts, no longer resolves, and can still be unbound', async () => {
      const t = await tree();
      const { id } = await add();
      const accounts = [t.inA, t.inA1, t.inB, t.inRoot];
      await associate(id, [t.inB, t.a]);
      assert.deepEqual(await reached(id, accounts), [t.inA, t.inA1, t.inB].sort());
      await removeAccount(t.inB);
      assert.deepEqual(await members(id), [t.inB, t.a]);
      assert.deepEqual(await reached(id, [t.inA, t.inA1, t.inRoot]), [t.inA, t.inA1].sort());
      assert.equal((await failure(client.call('ListEffectiveMessageContacts', { AccountId: t.inB }))).code, 'EntityNotExists.Account');
      assert.deepEqual((await client.call('ListMessageContacts', { Member: t.inB })).Contacts.map((c: Body) => c.ContactId), [id]);
      await disassociate(id, [t.inB]);
      assert.deepEqual(await members(id), [t.a]);
      assert.equal((await failure(disassociate(id, [t.inB]))).code, 'InvalidMember', 'neither bound nor resolvable');
    });

    test('Disassociate errors (spec §4.10), through pop-core', async () => {
      const t = await tree();
      const { id } = await add();
      await associate(id, [t.a]);
      const cases: [Record<string, unknown>, string][] = [
        [{ Members: [t.a] }, 'MissingParameter.ContactId'],
        [{ ContactId: 'c-1', Members: [t.a] }, 'InvalidParameter.ContactId'],
        [{ ContactId: id }, 'MissingParameter.Members'],
        [{ ContactId: id, Members: [t.a, t.b, t.a1, t.inA, t.inB, t.inRoot] }, 'InvalidParameter.Members.Length'],
        [{ ContactId: id, Members: ['rd-1'] }, 'InvalidParameter.Members'],
        [{ ContactId: id, Members: [t.a, t.a] }, 'InvalidParameter.Members.Duplicate'],
        [{ ContactId: unknownContact, Members: [t.a] }, 'EntityNotExists.Contact'],
        [{ ContactId: id, Members: ['9999999999999999'] }, 'InvalidMember'],
      ];
      for (const [params, code] of cases) {
        const refused = await failure(pop.call('DisassociateMembers', params as never));
        assert.equal(refused.code, code, JSON.stringify(params));
        assert.equal(refused.statusCode, code === 'EntityNotExists.Contact' ? 404 : 400);
      }
      assert.deepEqual(await members(id), [t.a]);
    });

    // ── ListMessageContacts Member ────────────────────────────────────────────────────────────

    test('ListMessageContacts Member: contacts bound directly, each with AssociatedDate; no inheritance', async () => {
      const t = await tree();
      const first = await add();
      const second = await add();
      const bound1 = await associate(first.id, [t.a]);
      server.clock.passTime(2);
      const bound2 = await associate(second.id, [t.a, t.inA]);
      const listed = await pop.call('ListMessageContacts', { Member: t.a });
      assert.equal(listed.TotalCount, 2);
      assert.deepEqual(
        listed.Contacts.map((c: Body) => [c.ContactId, c.AssociatedDate]),
        [
          [first.id, bound1.Members[0].ModifyDate],
          [second.id, bound2.Members[0].ModifyDate],
        ],
      );
      for (const c of listed.Contacts) assert.match(c.AssociatedDate, apiDate);
      // Bound to A, not to A1: the account in A1 inherits, but Member lists direct bindings only.
      assert.equal((await pop.call('ListMessageContacts', { Member: t.a1 })).TotalCount, 0);
      assert.deepEqual((await pop.call('ListMessageContacts', { Member: t.inA })).Contacts.map((c: Body) => c.ContactId), [second.id]);
      const both = await pop.call('ListMessageContacts', { Member: t.a, ContactId: second.id });
      assert.deepEqual(both.Contacts.map((c: Body) => [c.ContactId, c.AssociatedDate]), [[second.id, bound2.Members[0].ModifyDate]]);
      assert.equal((await pop.call('ListMessageContacts', { Member: t.inA, ContactId: first.id })).Contacts.length, 0);
      const paged = await pop.call('ListMessageContacts', { Member: t.a, PageSize: 1, PageNumber: 2 });
      assert.deepEqual([paged.TotalCount, paged.Contacts.map((c: Body) => c.ContactId)], [2, [second.id]]);
      assert.equal((await pop.call('ListMessageContacts', { Member: '1234567890123456' })).TotalCount, 0, 'unknown but well-formed');
      for (const bad of ['fd-1', 'x', 'c-AAAAAAAAAAAAAAAA', '12345678901234567']) {
        const refused = await failure(pop.call('ListMessageContacts', { Member: bad }));
        assert.equal(refused.code, 'InvalidParameter.Member', bad);
        assert.equal(refused.statusCode, 400);
      }
    });

    // ── Inheritance, through the directory actions, per client family ────────────────────────

    /** A directory of its own (a new tenant), driven through one client, with what the inheritance tests need. */
    async function organization(family: ClientName) {
      const credentials = await server.newTenant();
      const via = plain(apiClient(family, server.endpoint, credentials));
      const rd = (await via.call('GetResourceDirectory')).ResourceDirectory;
      const org = {
        via,
        directoryId: rd.ResourceDirectoryId as string,
        rootId: rd.RootFolderId as string,
        folder: (name: string, parent: string = rd.RootFolderId) => createFolder(name, parent, via),
        account: (name: string, parent: string = rd.RootFolderId) => createAccount(name, parent, via),
        remove: (accountId: string) => removeAccount(accountId, via),
        move: (accountId: string, destination: string) => via.call('MoveAccount', { AccountId: accountId, DestinationFolderId: destination }),
        /** A contact for `types`, its email verified (Active), so it counts in the coverage. */
        async contact(types: string[]): Promise<string> {
          const name = nextName();
          const email = `${name}@example.com`;
          const body = await via.call('AddMessageContact', { Name: name, EmailAddress: email, Title: 'TechnicalDirector', MessageTypes: types });
          const id = body.Contact.ContactId as string;
          await via.call('SendEmailVerificationForMessageContact', { ContactId: id, EmailAddress: email });
          await confirmNewest(server, email);
          return id;
        },
        associate: (contactId: string, ids: string[]) => via.call('AssociateMembers', { ContactId: contactId, Members: ids }),
        members: async (contactId: string) => (await via.call('GetMessageContact', { ContactId: contactId })).Contact.Members as string[],
        /** ListEffectiveMessageContacts: contact ID → its sources (`Type:MemberId`, sorted). Every contact here is Active. */
        async recipients(accountId: string): Promise<Record<string, string[]>> {
          const body = await via.call('ListEffectiveMessageContacts', { AccountId: accountId });
          assert.equal(body.AccountId, accountId);
          assert.ok(Array.isArray(body.Contacts));
          return Object.fromEntries(
            body.Contacts.map((c: Body) => {
              assert.equal(c.Status, 'Active', `${c.ContactId} is Active`);
              assert.match(c.EmailAddress, /@example\.com$/, 'the verified address would receive');
              return [c.ContactId, c.Sources.map((s: Body) => `${s.Type}:${s.MemberId}`).sort()];
            }),
          );
        },
        /** GetMessageContactCoverage (one page of 100): totals per type as [covered, uncovered], uncovered types per account. */
        async coverage(messageType?: string) {
          const body = await via.call('GetMessageContactCoverage', { MessageType: messageType, PageSize: 100 });
          assert.ok(Array.isArray(body.Accounts) && Array.isArray(body.Totals));
          return {
            total: body.TotalCount as number,
            totals: Object.fromEntries(body.Totals.map((t: Body) => [t.MessageType, [t.CoveredAccounts, t.UncoveredAccounts]])) as Record<string, [number, number]>,
            uncovered: Object.fromEntries(body.Accounts.map((a: Body) => [a.AccountId, a.UncoveredMessageTypes])) as Record<string, string[]>,
          };
        },
      };
      return org;
    }
    const except = (...types: string[]) => allTypes.filter((type) => !types.includes(type));

    for (const family of families) {
      test(`[${family}] a folder binding covers accounts created in it or in a subfolder after the binding`, async () => {
        const org = await organization(family);
        const a = await org.folder('A');
        const a1 = await org.folder('A1', a);
        const a2 = await org.folder('A2', a1);
        const b = await org.folder('B');
        const onA = await org.contact(['ProductMessage']);
        const onB = await org.contact(['ActivityMessage']);
        await org.associate(onA, [a]);
        await org.associate(onB, [b]);
        assert.equal((await org.coverage()).total, 0, 'no account yet');

        const inA = await org.account('in A', a);
        const inA2 = await org.account('in A2', a2);
        const inB = await org.account('in B', b);
        const inRoot = await org.account('in Root');
        assert.deepEqual(await org.recipients(inA), { [onA]: [`Folder:${a}`] });
        assert.deepEqual(await org.recipients(inA2), { [onA]: [`Folder:${a}`] }, 'two levels below A: inherits A');
        assert.deepEqual(await org.recipients(inB), { [onB]: [`Folder:${b}`] });
        assert.deepEqual(await org.recipients(inRoot), {});
        // Inherited, not bound: Member lists direct bindings only.
        assert.equal((await org.via.call('ListMessageContacts', { Member: inA })).TotalCount, 0);
        assert.deepEqual(await org.members(onA), [a]);

        const product = await org.coverage('ProductMessage');
        assert.equal(product.total, 4);
        assert.deepEqual(product.totals, { ProductMessage: [2, 2] });
        assert.deepEqual(product.uncovered, { [inA]: [], [inA2]: [], [inB]: ['ProductMessage'], [inRoot]: ['ProductMessage'] });
        const all = await org.coverage();
        assert.deepEqual(all.uncovered, {
          [inA]: except('ProductMessage'),
          [inA2]: except('ProductMessage'),
          [inB]: except('ActivityMessage'),
          [inRoot]: allTypes,
        });
        assert.deepEqual(all.totals.ProductMessage, [2, 2]);
        assert.deepEqual(all.totals.ActivityMessage, [1, 3]);
        assert.deepEqual(all.totals.SecurityMessage, [0, 4]);
      });

      test(`[${family}] MoveAccount from A to B drops what A gave and gains what B gives; a direct binding survives the move`, async () => {
        const org = await organization(family);
        const a = await org.folder('A');
        const a1 = await org.folder('A1', a);
        const b = await org.folder('B');
        const onA = await org.contact(['ProductMessage']);
        const onB = await org.contact(['ActivityMessage']);
        const direct = await org.contact(['FaultMessage']);
        await org.associate(onA, [a]);
        await org.associate(onB, [b]);
        const mover = await org.account('mover', a1);
        const stays = await org.account('stays', a);
        await org.associate(direct, [mover]);

        assert.deepEqual(await org.recipients(mover), { [onA]: [`Folder:${a}`], [direct]: [`Account:${mover}`] });
        assert.deepEqual((await org.coverage()).uncovered[mover], except('ProductMessage', 'FaultMessage'));

        assert.deepEqual(Object.keys(await org.move(mover, b)), ['RequestId']);
        assert.equal((await org.via.call('GetAccount', { AccountId: mover })).Account.FolderId, b);
        assert.deepEqual(await org.recipients(mover), { [onB]: [`Folder:${b}`], [direct]: [`Account:${mover}`] }, 'A left, B gained, the direct binding kept');
        const moved = await org.coverage();
        assert.deepEqual(moved.uncovered[mover], except('ActivityMessage', 'FaultMessage'));
        assert.deepEqual(moved.uncovered[stays], except('ProductMessage'), 'the account left behind keeps A');
        assert.deepEqual(moved.totals.ProductMessage, [1, 1]);
        assert.deepEqual(moved.totals.ActivityMessage, [1, 1]);
        assert.deepEqual(moved.totals.FaultMessage, [1, 1]);
        // The bindings themselves are untouched by the move.
        assert.deepEqual(await org.members(onA), [a]);
        assert.deepEqual(await org.members(onB), [b]);
        assert.deepEqual(await org.members(direct), [mover]);
        assert.deepEqual((await org.via.call('ListMessageContacts', { Member: mover })).Contacts.map((c: Body) => c.ContactId), [direct]);

        await org.move(mover, org.rootId);
        assert.deepEqual(await org.recipients(mover), { [direct]: [`Account:${mover}`] }, 'in Root: only the direct binding');
        await org.move(mover, a1);
        assert.deepEqual(await org.recipients(mover), { [onA]: [`Folder:${a}`], [direct]: [`Account:${mover}`] }, 'back under A: inherits A again');
      });

      test(`[${family}] DeleteFolder of an empty bound folder takes its bindings out of the contacts' Members`, async () => {
        const org = await organization(family);
        const a = await org.folder('A');
        const doomed = await org.folder('Doomed', a);
        const child = await org.folder('Child', doomed);
        const inChild = await org.account('in Child', child);
        const wide = await org.contact(['ProductMessage']);
        const narrow = await org.contact(['ProductMessage']);
        await org.associate(wide, [a, doomed, org.directoryId, child]);
        await org.associate(narrow, [child]);
        assert.deepEqual(await org.recipients(inChild), {
          [wide]: [`Folder:${a}`, `Folder:${child}`, `Folder:${doomed}`, `ResourceDirectory:${org.directoryId}`].sort(),
          [narrow]: [`Folder:${child}`],
        });

        // Not empty: refused, and every binding stays.
        assert.equal((await failure(org.via.call('DeleteFolder', { FolderId: doomed }))).code, 'DeleteConflict.Folder.SubFolder');
        assert.equal((await failure(org.via.call('DeleteFolder', { FolderId: child }))).code, 'DeleteConflict.Folder.Account');
        assert.deepEqual(await org.members(wide), [a, doomed, org.directoryId, child]);

        await org.move(inChild, a);
        assert.deepEqual(Object.keys(await org.via.call('DeleteFolder', { FolderId: child })), ['RequestId']);
        assert.deepEqual(await org.members(wide), [a, doomed, org.directoryId]);
        assert.deepEqual(await org.members(narrow), [], 'its only binding went with the folder');
        assert.equal((await org.via.call('ListMessageContacts', { Member: child })).TotalCount, 0);
        await org.via.call('DeleteFolder', { FolderId: doomed });
        assert.deepEqual(await org.members(wide), [a, org.directoryId]);
        const listed = (await org.via.call('ListMessageContacts', { ContactId: wide })).Contacts[0];
        assert.deepEqual(listed.Members, [a, org.directoryId]);
        assert.equal((await org.via.call('ListMessageContacts', { Member: doomed })).TotalCount, 0);
        assert.deepEqual(await org.recipients(inChild), { [wide]: [`Folder:${a}`, `ResourceDirectory:${org.directoryId}`].sort() });
        // The deleted folder is gone for good: it can be neither bound nor unbound.
        assert.equal((await failure(org.associate(narrow, [doomed]))).code, 'InvalidMember');
        assert.equal((await failure(org.via.call('DisassociateMembers', { ContactId: wide, Members: [doomed] }))).code, 'InvalidMember');
        // The freed slots count no more: 10 - 2 bindings left.
        const more = await Promise.all(['F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9'].map((name) => org.folder(name)));
        await org.associate(wide, more.slice(0, 5));
        await org.associate(wide, more.slice(5, 8));
        assert.equal((await org.members(wide)).length, 10);
        assert.equal((await failure(org.associate(wide, [more[8]!]))).code, 'LimitExceeded.ContactMembers');
      });

      test(`[${family}] RemoveCloudAccount keeps the account in Members, but it no longer resolves nor counts in the coverage`, async () => {
        const org = await organization(family);
        const a = await org.folder('A');
        const leaving = await org.account('leaving', a);
        const staying = await org.account('staying', a);
        const both = await org.contact(['ProductMessage']);
        const only = await org.contact(['ProductMessage']);
        await org.associate(both, [leaving, a]);
        await org.associate(only, [leaving]);
        assert.deepEqual(await org.recipients(leaving), {
          [both]: [`Account:${leaving}`, `Folder:${a}`].sort(),
          [only]: [`Account:${leaving}`],
        });
        const before = await org.coverage('ProductMessage');
        assert.equal(before.total, 2);
        assert.deepEqual(before.totals, { ProductMessage: [2, 0] });

        await org.remove(leaving);
        assert.equal((await failure(org.via.call('GetAccount', { AccountId: leaving }))).code, 'EntityNotExists.Account');
        // The direct binding records stay.
        assert.deepEqual(await org.members(both), [leaving, a]);
        assert.deepEqual(await org.members(only), [leaving]);
        assert.deepEqual(
          (await org.via.call('ListMessageContacts', { Member: leaving })).Contacts.map((c: Body) => c.ContactId),
          [both, only],
        );
        // But the account no longer resolves.
        const gone = await failure(org.via.call('ListEffectiveMessageContacts', { AccountId: leaving }));
        assert.deepEqual([gone.code, gone.statusCode], ['EntityNotExists.Account', 404]);
        const after = await org.coverage('ProductMessage');
        assert.equal(after.total, 1);
        assert.deepEqual(after.totals, { ProductMessage: [1, 0] });
        assert.deepEqual(Object.keys(after.uncovered), [staying]);
        assert.deepEqual(await org.recipients(staying), { [both]: [`Folder:${a}`] });
        // It cannot be bound again, but its stale binding can still be undone, once.
        const fresh = await org.contact(['ProductMessage']);
        assert.equal((await failure(org.associate(fresh, [leaving]))).code, 'InvalidMember');
        await org.via.call('DisassociateMembers', { ContactId: only, Members: [leaving] });
        assert.deepEqual(await org.members(only), []);
        assert.equal((await failure(org.via.call('DisassociateMembers', { ContactId: only, Members: [leaving] }))).code, 'InvalidMember');
        // The folder it was in is empty now.
        await org.move(staying, org.rootId);
        await org.via.call('DeleteFolder', { FolderId: a });
        assert.deepEqual(await org.members(both), [leaving]);
      });

      test(`[${family}] a directory binding (and a Root binding) covers accounts in every folder, at any depth, created before or after`, async () => {
        const org = await organization(family);
        const onDirectory = await org.contact(['ProductMessage']);
        const onRoot = await org.contact(['ActivityMessage']);
        const early = await org.account('early');
        await org.associate(onDirectory, [org.directoryId]);
        await org.associate(onRoot, [org.rootId]);
        let parent = org.rootId;
        const chain: string[] = [];
        for (const name of ['L1', 'L2', 'L3', 'L4', 'L5']) chain.push((parent = await org.folder(name, parent)));
        const side = await org.folder('Side');
        const accounts = [
          early,
          await org.account('in L1', chain[0]),
          await org.account('in L3', chain[2]),
          await org.account('in L5', chain[4]),
          await org.account('in Side', side),
          await org.account('in Root'),
        ];
        const expected = { [onDirectory]: [`ResourceDirectory:${org.directoryId}`], [onRoot]: [`Folder:${org.rootId}`] };
        for (const accountId of accounts) assert.deepEqual(await org.recipients(accountId), expected, accountId);
        const coverage = await org.coverage();
        assert.equal(coverage.total, accounts.length);
        assert.deepEqual(coverage.totals.ProductMessage, [accounts.length, 0]);
        assert.deepEqual(coverage.totals.ActivityMessage, [accounts.length, 0]);
        for (const accountId of accounts) assert.deepEqual(coverage.uncovered[accountId], except('ProductMessage', 'ActivityMessage'));
        // Moves do not matter to either.
        await org.move(accounts[3]!, side);
        await org.move(early, chain[4]!);
        assert.deepEqual(await org.recipients(accounts[3]!), expected);
        assert.deepEqual(await org.recipients(early), expected);
        assert.deepEqual((await org.coverage('ProductMessage')).totals, { ProductMessage: [accounts.length, 0] });
      });
    }

    // ── DeleteMessageContact RetainContactInMembers=true ──────────────────────────────────────

    test('retain=true: Deleted at once; every covered account keeps it with its verified address only, one row per type', async () => {
      const t = await tree();
      const id = await addVerified(['AccountExpenses', 'SecurityMessage']);
      const verifiedEmail = (await server.store.contacts.findById(id))!.email;
      assert.ok(verifiedEmail);
      // A newer, unverified email is pending: it is dropped.
      await client.call('UpdateMessageContact', { ContactId: id, EmailAddress: `pending${nextName()}@example.com` });
      await associate(id, [t.a, t.inB]);
      const deleted = await client.call('DeleteMessageContact', { ContactId: id });
      assert.equal(deleted.Status, 'Deleted');
      assert.equal((await failure(client.call('GetMessageContact', { ContactId: id }))).code, 'EntityNotExists.Contact');
      assert.equal((await failure(status(id))).code, 'EntityNotExists.Contact');
      assert.equal((await client.call('ListMessageContacts', { Member: t.a })).TotalCount, 0);
      const rows = await server.store.tree.db.selectFrom('retained_recipients').selectAll().where('contact_id', '=', id).execute();
      assert.deepEqual(
        rows.map((r) => [r.account_id, r.message_type, r.email, r.phone]).sort(),
        [t.inA, t.inA1, t.inB]
          .flatMap((account) => ['AccountExpenses', 'SecurityMessage'].map((type) => [account, type, verifiedEmail, null]))
          .sort(),
      );
      // The covered accounts list it as retained.
      for (const account of [t.inA, t.inA1, t.inB]) {
        const kept = (await pop.call('ListEffectiveMessageContacts', { AccountId: account })).Contacts.filter((c: Body) => c.ContactId === id);
        assert.deepEqual(
          kept.map((c: Body) => [c.Status, c.EmailAddress, [...c.MessageTypes].sort(), c.Sources.map((s: Body) => [s.Type, s.MemberId])]),
          [['Retained', verifiedEmail, ['AccountExpenses', 'SecurityMessage'], [['Retained', account]]]],
        );
      }
      // A snapshot: an account created in A afterwards does not gain it.
      const late = await createAccount(`late${nextName()}`, t.a);
      const lateRecipients = (await client.call('ListEffectiveMessageContacts', { AccountId: late })).Contacts;
      assert.ok(!lateRecipients.some((c: Body) => c.ContactId === id || c.Status === 'Retained'));
      assert.equal((await server.store.bindings.listRetainedForAccount(late)).length, 0);
    });

    // ── DeleteMessageContact RetainContactInMembers=false ─────────────────────────────────────

    test('retain=false: Deleting while the job is held, refusing writes; then gone once every account is released', async () => {
      const t = await tree();
      const backup = await addVerified(['AccountExpenses']);
      await associate(backup, [directoryId]);
      const id = await addVerified(['AccountExpenses']);
      await associate(id, [t.a, t.inB]);
      const release = holdRunner();
      try {
        const answer = await client.call('DeleteMessageContact', { ContactId: id, RetainContactInMembers: false });
        assert.equal(answer.Status, 'Deleting');
        assert.equal((await client.call('GetMessageContact', { ContactId: id })).Contact.Status, 'Deleting');
        const body = (await status(id)).ContactDeletionStatus;
        assert.deepEqual(body, { Status: 'Deleting', ContactId: id, FailReasonList: [] });
        for (const [action, params] of [
          ['UpdateMessageContact', { ContactId: id, Title: 'CEO' }],
          ['AssociateMembers', { ContactId: id, Members: [t.b] }],
          ['DisassociateMembers', { ContactId: id, Members: [t.a] }],
          ['CancelMessageContactUpdate', { ContactId: id }],
          ['SendEmailVerificationForMessageContact', { ContactId: id, EmailAddress: 'x@example.com' }],
        ] as [string, Params][]) {
          const refused = await failure(client.call(action, params));
          assert.equal(refused.code, 'ContactStatusMismatchAction', action);
        }
        const again = await failure(client.call('DeleteMessageContact', { ContactId: id, RetainContactInMembers: false }));
        assert.deepEqual([again.code, again.statusCode], ['ConcurrentCallNotSupported', 429]);
        assert.equal((await failure(client.call('DeleteMessageContact', { ContactId: id }))).code, 'ConcurrentCallNotSupported');
        const listed = (await client.call('ListMessageContacts', { Member: t.a })).Contacts;
        assert.deepEqual(listed.map((c: Body) => [c.ContactId, c.Status]), [[id, 'Deleting']]);
      } finally {
        release();
      }
      assert.equal(await settled(id), 'EntityNotExists.Contact');
      assert.equal((await failure(client.call('GetMessageContact', { ContactId: id }))).code, 'EntityNotExists.Contact');
      const steps = await server.store.audit.list({ contactId: id, limit: 100 });
      const perAccount = steps.filter((e) => e.action === 'DeleteMessageContactStep').map((e) => JSON.parse(e.changes));
      assert.deepEqual(
        perAccount.map((c) => [c.AccountId, c.Outcome]).sort(),
        [t.inA, t.inA1, t.inB].map((a) => [a, 'Released']).sort(),
        'each covered account processed once',
      );
      const finished = steps.filter((e) => e.action === 'FinishMessageContactDeletion').map((e) => JSON.parse(e.changes));
      assert.deepEqual(finished, [{ Status: 'Deleted' }]);
      const left = await server.store.tree.db.selectFrom('contact_bindings').select('member_id').where('contact_id', '=', id).execute();
      assert.deepEqual(left, []);
      assert.deepEqual(await server.store.bindings.listProgress(id), []);
      assert.equal(await server.store.bindings.findJob(id), undefined);
    });

    test('retain=false ends Failed where the contact is the only verified recipient; keeps only the bindings covering those accounts', async () => {
      const t = await tree();
      // The other contact covers every account for AccountExpenses only.
      const other = await addVerified(['AccountExpenses']);
      await associate(other, [directoryId]);
      const id = await addVerified(['AccountExpenses', 'SecurityMessage']);
      // inB: its only SecurityMessage recipient is `id` (bound directly); inA/inA1: a retained recipient has SecurityMessage.
      await server.store.bindings.insertRetained(
        [t.inA, t.inA1].map((account) => ({
          account_id: account,
          contact_id: 'c-RETAINEDxxxxxxxx',
          message_type: 'SecurityMessage',
          name: 'kept',
          email: 'kept@example.com',
          phone: null,
          retained_at: new Date().toISOString(),
        })),
      );
      await associate(id, [t.a, t.inB, t.b]);
      const answer = await client.call('DeleteMessageContact', { ContactId: id, RetainContactInMembers: false });
      assert.equal(answer.Status, 'Deleting');
      const final = (await settled(id)) as Body;
      assert.deepEqual(final.ContactDeletionStatus, {
        Status: 'Failed',
        ContactId: id,
        FailReasonList: [{ AccountId: t.inB, MessageTypes: ['SecurityMessage'] }],
      });
      for (const name of clientNames) {
        const via = apiClient(name, server.endpoint, server.credentials);
        const body = (await via.call('GetMessageContactDeletionStatus', { ContactId: id })).ContactDeletionStatus;
        assert.ok(Array.isArray(body.FailReasonList), name);
        assert.deepEqual(body.FailReasonList[0].MessageTypes, ['SecurityMessage'], name);
      }
      const contact = (await client.call('GetMessageContact', { ContactId: id })).Contact;
      assert.equal(contact.Status, 'Active', 'back to Active');
      assert.deepEqual(contact.Members, [t.inB, t.b], 'A covered no failed account: unbound; inB and B cover inB: kept');
      // Writes work again; the Failed report stays until the next delete.
      await client.call('UpdateMessageContact', { ContactId: id, Title: 'CEO' });
      assert.equal((await status(id)).ContactDeletionStatus.Status, 'Failed');
      // Once inB has another SecurityMessage recipient, the next delete succeeds.
      const security = await addVerified(['SecurityMessage']);
      await associate(security, [t.inB]);
      assert.equal((await client.call('DeleteMessageContact', { ContactId: id, RetainContactInMembers: false })).Status, 'Deleting');
      assert.equal(await settled(id), 'EntityNotExists.Contact');
    });

    test('while Deleting, the status lists the failures found so far (job stepped by hand, one account per step)', async () => {
      const t = await tree();
      const id = await addVerified(['SecurityMessage']);
      await associate(id, [t.inRoot, t.inB]);
      const [firstAccount, secondAccount] = [t.inRoot, t.inB].sort();
      const repo = server.store.bindings;
      const original = repo.claimJob;
      const manual = new DeletionRunner(server.store, server.clock.now, { batchSize: 1 });
      // Only the hand-driven runner may take a job; the server's own waits.
      repo.claimJob = (contactId, owner, ...rest) => (owner === manual.owner ? original.call(repo, contactId, owner, ...rest) : Promise.resolve(false));
      try {
        await client.call('DeleteMessageContact', { ContactId: id, RetainContactInMembers: false });
        assert.deepEqual({ ...(await status(id)).ContactDeletionStatus }, { Status: 'Deleting', ContactId: id, FailReasonList: [] });
        assert.equal(await manual.step(), true);
        const midway = (await status(id)).ContactDeletionStatus;
        assert.equal(midway.Status, 'Deleting');
        assert.deepEqual(midway.FailReasonList, [{ AccountId: firstAccount, MessageTypes: ['SecurityMessage'] }]);
        assert.equal(await manual.step(), true);
        assert.equal(await manual.step(), true); // no account left: the job ends
        assert.equal(await manual.step(), false);
      } finally {
        repo.claimJob = original;
      }
      const done = (await status(id)).ContactDeletionStatus;
      assert.equal(done.Status, 'Failed');
      assert.deepEqual(
        done.FailReasonList.map((f: Body) => f.AccountId).sort(),
        [firstAccount, secondAccount],
      );
      assert.deepEqual(await members(id), [t.inRoot, t.inB], 'both bindings cover a failed account');
    });

    test('two deleting contacts that are each other\'s only backup: the second one fails', async () => {
      const t = await tree();
      const first = await addVerified(['SecurityMessage']);
      const second = await addVerified(['SecurityMessage']);
      await associate(first, [t.inRoot]);
      await associate(second, [t.inRoot]);
      const release = holdRunner();
      try {
        await client.call('DeleteMessageContact', { ContactId: first, RetainContactInMembers: false });
        await client.call('DeleteMessageContact', { ContactId: second, RetainContactInMembers: false });
      } finally {
        release();
      }
      await client.call('DeleteMessageContact', { ContactId: (await add()).id, RetainContactInMembers: false }); // wakes the runner
      assert.equal(await settled(first), 'EntityNotExists.Contact');
      const failed = (await settled(second)) as Body;
      assert.deepEqual(failed.ContactDeletionStatus.FailReasonList, [{ AccountId: t.inRoot, MessageTypes: ['SecurityMessage'] }]);
    });

    test('a never-verified contact was nobody\'s recipient: its deletion cannot fail', async () => {
      const t = await tree();
      const { id } = await add(['SecurityMessage']);
      await associate(id, [t.inRoot]);
      assert.equal((await client.call('DeleteMessageContact', { ContactId: id, RetainContactInMembers: false })).Status, 'Deleting');
      assert.equal(await settled(id), 'EntityNotExists.Contact');
    });

    // ── GetMessageContactDeletionStatus ───────────────────────────────────────────────────────

    test('GetMessageContactDeletionStatus: no Status when never deleted; errors', async () => {
      const { id } = await add();
      const body = await pop.call('GetMessageContactDeletionStatus', { ContactId: id });
      assert.deepEqual({ ...body.ContactDeletionStatus }, { ContactId: id, FailReasonList: [] });
      const other = await add(['AccountExpenses'], apiClient('pop-get', server.endpoint, await server.newTenant()));
      const cases: [Record<string, unknown>, string, number][] = [
        [{}, 'MissingParameter.ContactId', 400],
        [{ ContactId: 'c-1' }, 'InvalidParameter.ContactId', 400],
        [{ ContactId: unknownContact }, 'EntityNotExists.Contact', 404],
        [{ ContactId: other.id }, 'EntityNotExists.Contact', 404],
      ];
      for (const [params, code, statusCode] of cases) {
        const refused = await failure(pop.call('GetMessageContactDeletionStatus', params as never));
        assert.deepEqual([refused.code, refused.statusCode], [code, statusCode], JSON.stringify(params));
      }
    });
  });
}

/**
 * The audit trail read through Actiontrail 2020-07-06 LookupEvents with the official clients, as
 * an auditor reads ActionTrail's event history: every lookup attribute key (one, two ANDed, more
 * than two, the same key twice, invalid ones), the time window and its defaults, the order, paging
 * with MaxResults and NextToken, and the events themselves — API changes of each product, the
 * service's own work (its first start, the command line, verification pages, the deletion job,
 * deliveries), refused calls — with who made them, from where, through which call, and never a
 * secret. Each account sees its own trail only; RAM decides who may read it.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { type Config, resolveConfig } from '../../src/config.js';
import { changeAccessKey, createAccessKey, createManagementAccount } from '../../src/domain/organization.js';
import { serviceVersion } from '../../src/version.js';
import {
  type Body,
  type ClientName,
  type KeyPair,
  type Params,
  apiClient,
  clientNames,
  expectError,
  failure,
  plain,
  versions,
  withSdk2,
} from '../support/clients.js';
import { backends } from '../support/backends.js';
import { type Credentials, type TestServer, startServer } from '../support/server.js';
import { type SmtpSink, sinkSmtp, startSmtpSink } from '../support/smtp-sink.js';
import { until } from '../support/until.js';
import { confirmLink, newestLink, openLink } from '../support/verification-links.js';
import { send, signRpc } from '../wire/raw-request.js';

const require = createRequire(import.meta.url);
/** The User-Agent @alicloud/pop-core sends on every request. */
const popUserAgent = (require('@alicloud/pop-core/lib/helper.js') as { DEFAULT_UA: string }).DEFAULT_UA;

const eventIdShape = /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/;
const timeShape = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const day = 86_400_000;
/** Parameters of the signature itself: never in an event. */
const signatureFields = ['Signature', 'SignatureNonce', 'SignatureMethod', 'SignatureVersion', 'AccessKeyId', 'Timestamp', 'Action', 'Version', 'Format'];
const password = 'Sup3r-secret-pw!';
const rawAgent = 'audit-trail-test/1.0 (raw request)';

/** `LookupAttribute.N.Key` / `.Value` as the SDK flattens them. */
function attributes(...pairs: [string, string][]): Params {
  const flat: Params = {};
  pairs.forEach(([key, value], index) => {
    flat[`LookupAttribute.${index + 1}.Key`] = key;
    flat[`LookupAttribute.${index + 1}.Value`] = value;
  });
  return flat;
}

/** `yyyy-MM-ddTHH:mm:ssZ` of a time in ms. */
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

for (const backend of backends) {
  describe(`LookupEvents [${backend.name}]`, () => {
    let server: TestServer;
    let root: Credentials;
    /** Every LookupEvents answer of this suite, as text: no secret may be in any. */
    const answers: string[] = [];
    /** Secrets the suite handled: AccessKey secrets, the password, verification tokens and links. */
    const secrets: string[] = [];

    const client = (name: ClientName = 'openapi-v3', key: KeyPair = root, version: string = versions.resourceDirectoryMaster) =>
      plain(apiClient(name, server.endpoint, key, version));
    const ram = (name: ClientName = 'openapi-v3', key: KeyPair = root) => client(name, key, versions.ram);

    async function lookup(params: Params = {}, name: ClientName = 'openapi-v3', key: KeyPair = root): Promise<Body> {
      const body = await client(name, key, versions.actiontrail).call('LookupEvents', params);
      answers.push(JSON.stringify(body));
      assert.ok(Array.isArray(body.Events), `${name}: Events is an array`);
      return body;
    }
    /** Every event of a lookup, page after page until no NextToken. */
    async function lookupAll(params: Params = {}, name: ClientName = 'openapi-v3', key: KeyPair = root): Promise<Body[]> {
      const events: Body[] = [];
      let token: string | undefined;
      for (let pages = 0; pages < 100; pages++) {
        const body = await lookup({ MaxResults: '50', ...params, ...(token ? { NextToken: token } : {}) }, name, key);
        events.push(...body.Events);
        token = body.NextToken;
        if (!token) return events;
      }
      throw new Error('more than 100 pages');
    }
    const names = (events: Body[]) => events.map((event) => event.eventName as string);
    /** The one event of a lookup that names `resource` and has `eventName`. */
    async function single(eventName: string, resource: string, key: KeyPair = root): Promise<Body> {
      const events = await lookupAll(attributes(['EventName', eventName], ['ResourceName', resource]), 'openapi-v3', key);
      assert.equal(events.length, 1, `one ${eventName} event of ${resource}: ${JSON.stringify(events)}`);
      return events[0]!;
    }

    /** What the suite made before its tests: the changes it reads back. */
    const made = {} as {
      contactId: string;
      addRequestId: string;
      folderId: string;
      memberInFolder: string;
      memberInRoot: string;
      boundId: string;
      deletedId: string;
      rawFolderId: string;
      alice: { key: KeyPair; userId: string };
    };

    /** A RAM user made through the RAM API by root, with one AccessKey and the given policies (documents or system names). */
    let users = 0;
    async function ramUser(...policies: string[]): Promise<{ userName: string; userId: string; key: KeyPair }> {
      const userName = `audit-user-${++users}`;
      const via = ram('pop-post');
      const userId = (await via.call('CreateUser', { UserName: userName })).User.UserId as string;
      const created = (await via.call('CreateAccessKey', { UserName: userName })).AccessKey;
      secrets.push(created.AccessKeySecret);
      for (const [index, policy] of policies.entries()) {
        if (policy.startsWith('{')) {
          const policyName = `${userName}-policy-${index}`;
          await via.call('CreatePolicy', { PolicyName: policyName, PolicyDocument: policy });
          await via.call('AttachPolicyToUser', { PolicyType: 'Custom', PolicyName: policyName, UserName: userName });
        } else {
          await via.call('AttachPolicyToUser', { PolicyType: 'System', PolicyName: policy, UserName: userName });
        }
      }
      return { userName, userId, key: { accessKeyId: created.AccessKeyId, accessKeySecret: created.AccessKeySecret } };
    }

    before(async () => {
      server = await startServer({ backend, config: { maxContactsPerDirectory: 100, maxMembersPerDirectory: 100 } });
      root = server.credentials;
      secrets.push(root.accessKeySecret);
      const rd = client();
      const added = await apiClient('openapi-v3', server.endpoint, root).exchange('AddMessageContact', {
        Name: 'audited',
        EmailAddress: 'audited@example.com',
        Title: 'CEO',
        MessageTypes: ['FaultMessage'],
      });
      made.contactId = added.body.Contact.ContactId;
      made.addRequestId = added.headers!['x-acs-request-id']!;
      assert.equal(made.addRequestId, added.body.RequestId);
      await rd.call('UpdateMessageContact', { ContactId: made.contactId, Title: 'TechnicalDirector' });
      made.folderId = (await rd.call('CreateFolder', { FolderName: 'audit-folder' })).Folder.FolderId;
      made.memberInFolder = (await rd.call('CreateResourceAccount', { DisplayName: 'audit-member-1', ParentFolderId: made.folderId })).Account.AccountId;
      const rootFolderId = (await rd.call('GetResourceDirectory')).ResourceDirectory.RootFolderId;
      made.memberInRoot = (await rd.call('CreateResourceAccount', { DisplayName: 'audit-member-2', ParentFolderId: rootFolderId })).Account.AccountId;
      made.boundId = (await rd.call('AddMessageContact', { Name: 'bound', EmailAddress: 'bound@example.com', Title: 'CEO', MessageTypes: ['AccountExpenses'] }))
        .Contact.ContactId;
      await rd.call('AssociateMembers', { ContactId: made.boundId, Members: [made.folderId, made.memberInRoot] });
      made.deletedId = (await rd.call('AddMessageContact', { Name: 'gone', EmailAddress: 'gone@example.com', Title: 'CEO', MessageTypes: ['FaultMessage'] }))
        .Contact.ContactId;
      await rd.call('DeleteMessageContact', { ContactId: made.deletedId });
      // Enough changes that the default page (20) is not the whole trail.
      for (const title of ['FinanceDirector', 'CEO', 'ProjectDirector', 'Other', 'TechnicalDirector']) {
        await rd.call('UpdateMessageContact', { ContactId: made.boundId, Title: title });
      }
      // A raw request with a User-Agent of its own.
      const raw = await send(
        server.endpoint,
        signRpc({ key: root, action: 'CreateFolder', params: { FolderName: 'raw-folder' }, headers: { 'user-agent': rawAgent } }),
      );
      assert.equal(raw.status, 200, raw.text);
      made.rawFolderId = raw.json().Folder.FolderId;

      const alice = await ramUser('AliyunResourceDirectoryFullAccess');
      await ram('pop-post').call('CreateLoginProfile', { UserName: alice.userName, Password: password });
      secrets.push(password);
      made.alice = { key: alice.key, userId: alice.userId };
      await client('pop-get', alice.key).call('UpdateMessageContact', { ContactId: made.contactId, Title: 'FinanceDirector' });
      const got = await ram('openapi-v2').call('GetUser', { UserName: alice.userName });
      assert.equal(got.User.UserId, alice.userId);
    });
    after(() => server.close());

    // ── The clients and the shape of an event ────────────────────────────────────────────────

    test('every official client calls LookupEvents and reads Events as objects', async () => {
      for (const name of withSdk2) {
        const body = await lookup({ ...attributes(['EventName', 'AddMessageContact']), MaxResults: '5' }, name);
        assert.match(body.RequestId, /^[0-9A-F-]{36}$/, name);
        assert.match(body.StartTime, timeShape, name);
        assert.match(body.EndTime, timeShape, name);
        assert.equal(body.Code, undefined);
        const event = body.Events.find((e: Body) => e.resourceName === made.contactId);
        assert.ok(event, `${name} finds the AddMessageContact`);
        assert.equal(typeof event, 'object');
        assert.equal(event.eventName, 'AddMessageContact');
      }
    });

    test('an API change by root: every field an auditor reads', async () => {
      const event = await single('AddMessageContact', made.contactId);
      assert.match(event.eventId, eventIdShape);
      assert.equal(event.eventVersion, 1);
      assert.equal(event.eventCategory, 'Management');
      assert.equal(event.eventType, 'ApiCall');
      assert.equal(event.eventName, 'AddMessageContact');
      assert.equal(event.eventRW, 'Write');
      assert.match(event.eventTime, timeShape);
      assert.ok(Math.abs(Date.parse(event.eventTime) - server.clock.now().getTime()) < 5 * 60_000);
      assert.equal(event.acsRegion, 'cn-shanghai');
      assert.equal(event.serviceName, 'ResourceManager');
      assert.equal(event.apiVersion, versions.resourceDirectoryMaster);
      assert.equal(event.requestId, made.addRequestId, 'the RequestId the call was answered (x-acs-request-id)');
      assert.equal(event.eventSource, server.endpoint);
      assert.equal(event.sourceIpAddress, '127.0.0.1');
      assert.match(event.userAgent, /^AlibabaCloud \(.+\) Node\.js\/v\d+/);
      assert.deepEqual(event.userIdentity, {
        type: 'root-account',
        principalId: root.accountId,
        accountId: root.accountId,
        accessKeyId: root.accessKeyId,
        userName: 'root',
      });
      assert.deepEqual(event.requestParameters, {
        Name: 'audited',
        EmailAddress: 'audited@example.com',
        Title: 'CEO',
        'MessageTypes.1': 'FaultMessage',
        AcsProduct: 'ResourceDirectoryMaster',
        RequestId: made.addRequestId,
        HostId: server.endpoint,
      });
      assert.deepEqual(event.responseElements, { RequestId: made.addRequestId });
      assert.deepEqual(event.referencedResources, { 'ACS::ResourceManager::MessageContact': [made.contactId] });
      assert.equal(event.resourceType, 'ACS::ResourceManager::MessageContact');
      assert.equal(event.resourceName, made.contactId);
      assert.equal(event.eventAttributes, undefined, 'AddMessageContact is not sensitive');
      assert.deepEqual(event.additionalEventData.ChangedFields, ['Name', 'EmailAddress', 'Title', 'MessageTypes']);
      assert.equal(event.additionalEventData.Scheme, 'http');
      assert.equal(event.recipientAccountId, root.accountId);
      assert.equal(event.errorCode, undefined);
      assert.equal(event.errorMessage, undefined);
    });

    test('a change by a RAM user names the user, its UserId and its key; the changed fields; the User-Agent as sent', async () => {
      const events = await lookupAll(attributes(['EventName', 'UpdateMessageContact'], ['EventAccessKeyId', made.alice.key.accessKeyId]));
      assert.equal(events.length, 1);
      const event = events[0]!;
      assert.deepEqual(event.userIdentity, {
        type: 'ram-user',
        principalId: made.alice.userId,
        accountId: root.accountId,
        accessKeyId: made.alice.key.accessKeyId,
        userName: 'audit-user-1',
      });
      assert.equal(event.userAgent, popUserAgent);
      assert.deepEqual(event.additionalEventData.ChangedFields, ['Title']);
      assert.equal(event.requestParameters.Title, 'FinanceDirector');
      // Root's update of the same contact, before it.
      const byRoot = await lookupAll(attributes(['EventName', 'UpdateMessageContact'], ['ResourceName', made.contactId]), 'pop-post');
      assert.deepEqual(byRoot.map((e) => [e.userIdentity.userName, e.additionalEventData.ChangedFields]), [['audit-user-1', ['Title']], ['root', ['Title']]]);
      // The raw request's own User-Agent.
      const raw = await single('CreateFolder', made.rawFolderId);
      assert.equal(raw.userAgent, rawAgent);
      assert.deepEqual(Object.keys(raw.requestParameters).sort(), ['AcsProduct', 'FolderName', 'HostId', 'RequestId']);
    });

    test('RAM changes: serviceName Ram, the RAM resources, sensitive actions marked, no password', async () => {
      const userName = 'audit-user-1';
      const ramEvents = await lookupAll(attributes(['ServiceName', 'Ram'], ['ResourceName', userName]));
      assert.deepEqual(names(ramEvents).sort(), ['AttachPolicyToUser', 'CreateAccessKey', 'CreateLoginProfile', 'CreateUser']);
      for (const event of ramEvents) {
        assert.equal(event.apiVersion, versions.ram, event.eventName);
        assert.equal(event.eventType, 'ApiCall');
        assert.equal(event.requestParameters.AcsProduct, 'Ram');
        assert.equal(event.requestParameters.UserName, userName);
        assert.ok(event.referencedResources['ACS::RAM::User'].includes(userName));
      }
      const byName = Object.fromEntries(ramEvents.map((event) => [event.eventName, event]));
      assert.deepEqual(byName.CreateAccessKey!.eventAttributes, { SensitiveAction: 'true' });
      assert.deepEqual(byName.CreateAccessKey!.referencedResources['ACS::RAM::AccessKey'], [made.alice.key.accessKeyId]);
      assert.deepEqual(byName.AttachPolicyToUser!.eventAttributes, { SensitiveAction: 'true' });
      assert.equal(byName.CreateUser!.eventAttributes, undefined);
      assert.equal(byName.CreateLoginProfile!.eventAttributes, undefined);
      assert.equal('Password' in byName.CreateLoginProfile!.requestParameters, false);
      assert.equal(JSON.stringify(byName.CreateLoginProfile).includes(password), false);
      assert.equal(JSON.stringify(byName.CreateAccessKey).includes(made.alice.key.accessKeySecret), false);
    });

    test('the directory and the bindings: a folder, the accounts, AssociateMembers found by the folder it names', async () => {
      const byFolder = await lookupAll(attributes(['ResourceName', made.folderId]));
      assert.deepEqual(names(byFolder).sort(), ['AssociateMembers', 'CreateFolder', 'CreateResourceAccount']);
      const associate = byFolder.find((event) => event.eventName === 'AssociateMembers')!;
      assert.deepEqual(associate.referencedResources, {
        'ACS::ResourceManager::MessageContact': [made.boundId],
        'ACS::ResourceManager::Folder': [made.folderId],
        'ACS::ResourceManager::Account': [made.memberInRoot],
      });
      assert.equal(associate.resourceType, 'ACS::ResourceManager::MessageContact;ACS::ResourceManager::Folder;ACS::ResourceManager::Account');
      assert.equal(associate.resourceName, `${made.boundId};${made.folderId};${made.memberInRoot}`);
      assert.equal(associate.requestParameters['Members.1'], made.folderId);
      assert.equal(associate.requestParameters['Members.2'], made.memberInRoot);
      const folder = byFolder.find((event) => event.eventName === 'CreateFolder')!;
      const rootFolderId = (await client().call('GetResourceDirectory')).ResourceDirectory.RootFolderId;
      assert.deepEqual(folder.referencedResources['ACS::ResourceManager::Folder'], [made.folderId, rootFolderId], 'the folder, then its parent');
      // The account in the folder: its creation names it, the binding names only the folder.
      assert.deepEqual(names(await lookupAll(attributes(['ResourceName', made.memberInFolder]))), ['CreateResourceAccount']);
      const deleted = await single('DeleteMessageContact', made.deletedId);
      assert.deepEqual(deleted.eventAttributes, { SensitiveAction: 'true' });
      assert.equal(deleted.additionalEventData.ChangedFields.includes('Status'), true);
    });

    // ── Lookup attributes ────────────────────────────────────────────────────────────────────

    test('each lookup attribute key finds exactly the events it names', async () => {
      const everything = await lookupAll();
      assert.ok(everything.length > 20, `the trail holds ${everything.length} events`);
      const check = async (key: string, value: string, matches: (event: Body) => boolean, name: ClientName) => {
        const found = await lookupAll(attributes([key, value]), name);
        const expected = everything.filter(matches).map((event) => event.eventId);
        assert.ok(expected.length > 0, `${key}=${value} has events to find`);
        assert.deepEqual(found.map((event) => event.eventId), expected, `${key}=${value} through ${name}`);
      };
      const some = everything.find((event) => event.eventName === 'CreateUser')!;
      const cases: [string, string, (event: Body) => boolean][] = [
        ['EventName', 'CreateFolder', (e) => e.eventName === 'CreateFolder'],
        ['User', 'root', (e) => e.userIdentity.userName === 'root'],
        ['User', 'audit-user-1', (e) => e.userIdentity.userName === 'audit-user-1'],
        ['User', 'rdcontacts', (e) => e.userIdentity.userName === 'rdcontacts'],
        ['EventId', some.eventId, (e) => e.eventId === some.eventId],
        ['ResourceType', 'ACS::RAM::User', (e) => 'ACS::RAM::User' in (e.referencedResources ?? {})],
        ['ResourceType', 'ACS::ResourceManager::Folder', (e) => 'ACS::ResourceManager::Folder' in (e.referencedResources ?? {})],
        ['ResourceName', made.contactId, (e) => Object.values(e.referencedResources ?? {}).flat().includes(made.contactId)],
        ['EventRW', 'Write', (e) => e.eventRW === 'Write'],
        ['EventAccessKeyId', made.alice.key.accessKeyId, (e) => e.userIdentity.accessKeyId === made.alice.key.accessKeyId],
        ['ServiceName', 'Ram', (e) => e.serviceName === 'Ram'],
        ['ServiceName', 'ResourceManager', (e) => e.serviceName === 'ResourceManager'],
        ['SourceIpAddress', '127.0.0.1', (e) => e.sourceIpAddress === '127.0.0.1'],
        ['EventType', 'ApiCall', (e) => e.eventType === 'ApiCall'],
        ['EventType', 'AliyunServiceEvent', (e) => e.eventType === 'AliyunServiceEvent'],
        ['SensitiveAction', 'true', (e) => e.eventAttributes?.SensitiveAction === 'true'],
        ['SensitiveAction', 'false', (e) => e.eventAttributes === undefined],
      ];
      for (const [index, [key, value, matches]] of cases.entries()) await check(key, value, matches, clientNames[index % clientNames.length]!);
      assert.equal(everything.every((event) => event.eventRW === 'Write'), true, 'no read was recorded: every event is a change');
      // Exact, case-sensitive matches; values that name nothing find nothing.
      for (const [key, value] of [
        ['EventName', 'createfolder'],
        ['User', 'ROOT'],
        ['EventRW', 'Read'],
        ['ResourceName', made.contactId.slice(0, -1)],
        ['ResourceName', '%'],
        ['ResourceType', 'ACS::RAM'],
        ['SourceIpAddress', '10.0.0.1'],
        ['EventType', 'ConsoleSignin'],
        ['EventId', some.eventId.toLowerCase()],
        ['RoleName', 'AliyunServiceRoleForActionTrail'],
      ] as [string, string][]) {
        assert.deepEqual((await lookup(attributes([key, value]))).Events, [], `${key}=${value}`);
      }
    });

    test('two attributes are ANDed; beyond two only the first two count; a key given twice keeps its second value', async () => {
      const both = await lookupAll(attributes(['EventName', 'CreateAccessKey'], ['User', 'root']), 'pop-get');
      assert.ok(both.length >= 1);
      assert.ok(both.every((e) => e.eventName === 'CreateAccessKey' && e.userIdentity.userName === 'root'));
      const keyEvents = await lookupAll(attributes(['EventName', 'CreateAccessKey']));
      assert.ok(keyEvents.some((e) => e.userIdentity.userName === 'rdcontacts'), 'the first start made a key too');
      assert.ok(both.length < keyEvents.length);

      const firstTwo = await lookupAll(attributes(['EventName', 'CreateFolder'], ['User', 'root']));
      const three = await lookupAll(attributes(['EventName', 'CreateFolder'], ['User', 'root'], ['EventName', 'NoSuchEvent']), 'pop-post');
      assert.ok(firstTwo.length >= 2);
      assert.deepEqual(three.map((e) => e.eventId), firstTwo.map((e) => e.eventId));
      // A third item is not even looked at.
      const unknownThird = await lookupAll(attributes(['EventName', 'CreateFolder'], ['User', 'root'], ['NoSuchKey', 'x']), 'openapi-v2');
      assert.deepEqual(unknownThird.map((e) => e.eventId), firstTwo.map((e) => e.eventId));

      const twice = await lookupAll(attributes(['EventName', 'CreateFolder'], ['EventName', 'CreateUser']), 'openapi-core');
      assert.ok(twice.length >= 1);
      assert.deepEqual([...new Set(names(twice))], ['CreateUser']);
    });

    test('an unknown key, a Key without Value or a Value without Key: 400 InvalidQueryParameter', async () => {
      const via = client('openapi-v3', root, versions.actiontrail);
      const pop = client('pop-post', root, versions.actiontrail);
      for (const params of [
        attributes(['NoSuchKey', 'x']),
        attributes(['eventname', 'CreateFolder']),
        { 'LookupAttribute.1.Key': 'EventName' },
        { 'LookupAttribute.1.Value': 'CreateFolder' },
        { 'LookupAttribute.1.Key': 'EventName', 'LookupAttribute.1.Value': '' },
        attributes(['EventName', 'CreateFolder'], ['NoSuchKey', 'x']),
        attributes(['SensitiveAction', 'yes']),
        { 'LookupAttribute.1.Key': 'EventName', 'LookupAttribute.1.Value': 'CreateFolder', 'LookupAttribute.1.Other': 'x' },
      ] as Params[]) {
        for (const caller of [via, pop]) {
          const refused = await failure(caller.call('LookupEvents', params));
          assert.equal(refused.code, 'InvalidQueryParameter', `${caller.name} ${JSON.stringify(params)}`);
          assert.equal(refused.statusCode, 400);
          assert.equal(refused.data?.Message, 'The specified query parameter is invalid.');
        }
      }
    });

    // ── Time window ──────────────────────────────────────────────────────────────────────────

    test('the time window: the last 7 days by default, either bound alone, inclusive bounds, echoed in whole seconds', async () => {
      const before = Math.floor(server.clock.now().getTime() / 1000) * 1000;
      const defaults = await lookup({}, 'pop-get');
      const after = server.clock.now().getTime();
      assert.match(defaults.EndTime, timeShape);
      assert.match(defaults.StartTime, timeShape);
      const end = Date.parse(defaults.EndTime);
      assert.ok(end >= before && end <= after, `EndTime ${defaults.EndTime} is now`);
      assert.equal(end - Date.parse(defaults.StartTime), 7 * day);

      const start = iso(before - 3 * day);
      const onlyStart = await lookup({ StartTime: start }, 'openapi-v2');
      assert.equal(onlyStart.StartTime, start);
      assert.ok(Date.parse(onlyStart.EndTime) >= before);
      const endAt = iso(before - day);
      const onlyEnd = await lookup({ EndTime: endAt }, 'openapi-core');
      assert.equal(onlyEnd.EndTime, endAt);
      assert.equal(onlyEnd.StartTime, iso(before - 8 * day));
      assert.deepEqual(onlyEnd.Events, [], 'every event is newer than a day ago');

      const both = await lookup({ StartTime: '2020-10-08T11:00:00Z', EndTime: '2020-10-15T11:00:00Z' });
      assert.deepEqual([both.StartTime, both.EndTime, both.Events], ['2020-10-08T11:00:00Z', '2020-10-15T11:00:00Z', []]);
      // Milliseconds are accepted, and the answer says the whole seconds it searched.
      const fractional = await lookup({ StartTime: '2020-10-08T11:00:00.250Z', EndTime: '2020-10-15T11:00:00.750Z' }, 'pop-post');
      assert.deepEqual([fractional.StartTime, fractional.EndTime], ['2020-10-08T11:00:00Z', '2020-10-15T11:00:00Z']);

      // Both bounds inclusive, to the second.
      const event = await single('AddMessageContact', made.contactId);
      const at = Date.parse(event.eventTime);
      const window = (from: number, to: number) =>
        lookupAll({ ...attributes(['EventId', event.eventId]), StartTime: iso(from), EndTime: iso(to) }).then((events) => events.length);
      assert.equal(await window(at, at + 1000), 1);
      assert.equal(await window(at - 1000, at), 1);
      assert.equal(await window(at + 1000, at + 2000), 0);
      assert.equal(await window(at - 2000, at - 1000), 0);
    });

    test('time window errors: end not after start, unreadable times', async () => {
      for (const name of ['openapi-v3', 'pop-get'] as ClientName[]) {
        const at = client(name, root, versions.actiontrail);
        await expectError(at.call('LookupEvents', { StartTime: '2026-08-01T00:00:00Z', EndTime: '2026-08-01T00:00:00Z' }), 'InvalidParameterCombination', 400);
        await expectError(at.call('LookupEvents', { StartTime: '2026-08-02T00:00:00Z', EndTime: '2026-08-01T00:00:00Z' }), 'InvalidParameterCombination', 400);
        const message = (await failure(at.call('LookupEvents', { StartTime: '2026-08-02T00:00:00Z', EndTime: '2026-08-01T00:00:00Z' }))).data?.Message;
        assert.equal(message, 'The end time must be later than the start time.');
        for (const bad of ['yesterday', '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z', '2026-08-01 00:00:00', '1754006400', '2026-08-01']) {
          await expectError(at.call('LookupEvents', { StartTime: bad }), 'InvalidParameterStartTime', 400);
          await expectError(at.call('LookupEvents', { EndTime: bad }), 'InvalidParameterEndTime', 400);
          await expectError(at.call('LookupEvents', { StartTime: bad, EndTime: '2026-08-01T00:00:00Z' }), 'InvalidParameterStartTime', 400);
        }
      }
    });

    // ── Order and paging ─────────────────────────────────────────────────────────────────────

    test('Direction: BACKWARD (the default) newest first, FORWARD oldest first; anything else refused', async () => {
      const window = { StartTime: iso(server.clock.now().getTime() - day), EndTime: iso(server.clock.now().getTime() + 60_000) };
      const backward = await lookupAll({ ...window, Direction: 'BACKWARD' }, 'pop-post');
      const byDefault = await lookupAll(window, 'openapi-v2');
      const forward = await lookupAll({ ...window, Direction: 'FORWARD' }, 'openapi-core');
      assert.ok(backward.length > 20);
      assert.deepEqual(byDefault.map((e) => e.eventId), backward.map((e) => e.eventId));
      assert.deepEqual(forward.map((e) => e.eventId), backward.map((e) => e.eventId).reverse());
      const times = forward.map((e) => Date.parse(e.eventTime));
      assert.deepEqual(times, [...times].sort((a, b) => a - b));
      // The first start's events are the oldest; the changes follow in the order they were made.
      assert.deepEqual(names(forward.slice(0, 2)), ['CreateAccount', 'CreateAccessKey']);
      assert.ok(forward.findIndex((e) => e.eventName === 'AddMessageContact') < forward.findIndex((e) => e.eventName === 'UpdateMessageContact'));
      for (const bad of ['forward', 'UP', 'Backward ']) {
        await expectError(client('openapi-v3', root, versions.actiontrail).call('LookupEvents', { Direction: bad }), 'InvalidQueryParameter', 400);
      }
    });

    test('paging: MaxResults and NextToken visit every event once, in both directions, until the token is absent', async () => {
      const window = { StartTime: iso(server.clock.now().getTime() - day), EndTime: iso(server.clock.now().getTime() + 60_000) };
      for (const [index, direction] of (['BACKWARD', 'FORWARD'] as const).entries()) {
        const whole = await lookupAll({ ...window, Direction: direction });
        const name = clientNames[index * 2]!;
        const paged: Body[] = [];
        let token: string | undefined;
        let pages = 0;
        do {
          const body = await lookup({ ...window, Direction: direction, MaxResults: '7', ...(token ? { NextToken: token } : {}) }, name);
          assert.ok(body.Events.length <= 7);
          if (body.NextToken) assert.equal(body.Events.length, 7, 'only the last page is short');
          assert.equal(body.StartTime, window.StartTime);
          paged.push(...body.Events);
          token = body.NextToken;
          pages++;
        } while (token);
        assert.equal(pages, Math.max(1, Math.ceil(whole.length / 7)));
        assert.deepEqual(paged.map((e) => e.eventId), whole.map((e) => e.eventId), `${direction} through ${name}`);
        assert.equal(new Set(paged.map((e) => e.eventId)).size, paged.length, 'each event once');
      }
      // The default window, while time passes between the pages.
      const first = await lookup({ MaxResults: '5' }, 'pop-get');
      assert.ok(first.NextToken);
      server.clock.passTime(3);
      const second = await lookup({ MaxResults: '5', NextToken: first.NextToken }, 'pop-get');
      assert.equal(second.Events.length, 5);
      assert.equal(new Set([...first.Events, ...second.Events].map((e: Body) => e.eventId)).size, 10);
    });

    test('paging errors: a token of another query or no token at all; MaxResults 0 is the default 20, beyond 50 refused', async () => {
      const at = client('openapi-v3', root, versions.actiontrail);
      const pop = client('pop-post', root, versions.actiontrail);
      const first = await lookup({ ...attributes(['EventRW', 'Write']), MaxResults: '2' });
      assert.ok(first.NextToken);
      for (const params of [
        attributes(['EventRW', 'Write'], ['User', 'root']),
        attributes(['EventName', 'CreateFolder']),
        {},
        { ...attributes(['EventRW', 'Write']), Direction: 'FORWARD' },
        { ...attributes(['EventRW', 'Write']), StartTime: '2020-10-08T11:00:00Z' },
      ] as Params[]) {
        await expectError(at.call('LookupEvents', { ...params, MaxResults: '2', NextToken: first.NextToken }), 'InvalidQueryParameter', 400);
      }
      for (const garbage of ['garbage', 'eyJ2IjoxfQ', Buffer.from('{"v":1,"t":"x","s":1,"h":"nope"}').toString('base64url'), '%%%']) {
        await expectError(pop.call('LookupEvents', { NextToken: garbage }), 'InvalidQueryParameter', 400);
      }
      // The same query again continues where its token says.
      const again = await lookup({ ...attributes(['EventRW', 'Write']), MaxResults: '2', NextToken: first.NextToken }, 'pop-get');
      assert.equal(again.Events.length, 2);
      assert.equal(again.Events.some((e: Body) => first.Events.some((f: Body) => f.eventId === e.eventId)), false);

      assert.equal((await lookup({ MaxResults: '0' })).Events.length, 20);
      assert.equal((await lookup({})).Events.length, 20);
      assert.equal((await lookup({ MaxResults: '50' }, 'pop-get')).Events.length <= 50, true);
      assert.equal((await lookup({ MaxResults: '1' }, 'openapi-core')).Events.length, 1);
      for (const bad of ['51', '-1', 'ten', '1.5', '1000']) {
        await expectError(at.call('LookupEvents', { MaxResults: bad }), 'InvalidQueryParameter', 400);
      }
    });

    // ── What the service does itself ─────────────────────────────────────────────────────────

    test('the first start: the account and its key, by the service itself', async () => {
      const events = await lookupAll(attributes(['User', 'rdcontacts'], ['EventType', 'AliyunServiceEvent']));
      const first = events.filter((e) => ['CreateAccount', 'CreateAccessKey'].includes(e.eventName));
      assert.deepEqual(names(first).sort(), ['CreateAccessKey', 'CreateAccount']);
      for (const event of first) {
        assert.deepEqual(event.userIdentity, { type: 'system', accountId: root.accountId, userName: 'rdcontacts' });
        assert.equal(event.apiVersion, undefined);
        assert.equal(event.requestParameters, undefined);
        assert.equal(event.requestId, event.eventId);
        assert.equal(event.userAgent, `rdcontacts/${serviceVersion}`);
        assert.equal(event.errorCode, undefined);
      }
      const account = first.find((e) => e.eventName === 'CreateAccount')!;
      assert.deepEqual(account.referencedResources['ACS::ResourceManager::Account'], [root.accountId]);
      const key = first.find((e) => e.eventName === 'CreateAccessKey')!;
      assert.deepEqual(key.referencedResources['ACS::RAM::AccessKey'], [root.accessKeyId]);
      assert.deepEqual(key.eventAttributes, { SensitiveAction: 'true' });
      assert.equal(key.serviceName, 'Ram');
      assert.deepEqual((await lookupAll(attributes(['EventAccessKeyId', root.accessKeyId], ['EventName', 'CreateAccount']))).length, 0, 'no key made the account');
    });

    test('the command line: accounts and keys changed on the machine, in the trail of the account acted upon', async () => {
      // What `rdcontacts admin accounts create` and `admin keys create|disable|enable|delete` run.
      const account = await createManagementAccount(server.store, server.clock.now, 'cli-made');
      const first = await createAccessKey(server.store, server.clock.now, account.accountId);
      const second = await createAccessKey(server.store, server.clock.now, account.accountId);
      secrets.push(first.accessKeySecret, second.accessKeySecret);
      assert.equal(await changeAccessKey(server.store, server.clock.now, second.accessKeyId, 'disable'), true);
      assert.equal(await changeAccessKey(server.store, server.clock.now, second.accessKeyId, 'enable'), true);
      assert.equal(await changeAccessKey(server.store, server.clock.now, second.accessKeyId, 'delete'), true);

      const key = { accessKeyId: first.accessKeyId, accessKeySecret: first.accessKeySecret };
      const events = await lookupAll({ Direction: 'FORWARD' }, 'pop-post', key);
      assert.deepEqual(names(events), ['CreateAccount', 'CreateAccessKey', 'CreateAccessKey', 'UpdateAccessKey', 'UpdateAccessKey', 'DeleteAccessKey']);
      for (const event of events) {
        assert.deepEqual(event.userIdentity, { type: 'system', accountId: account.accountId, userName: 'rdcontacts-cli' });
        assert.equal(event.eventType, 'AliyunServiceEvent');
        assert.equal(event.userAgent, `rdcontacts-cli/${serviceVersion}`);
        assert.equal(event.recipientAccountId, account.accountId);
        assert.equal(event.errorCode, undefined);
      }
      assert.deepEqual(events[0]!.referencedResources['ACS::ResourceManager::Account'], [account.accountId]);
      assert.deepEqual(events.slice(3).map((e) => e.referencedResources['ACS::RAM::AccessKey']), [[second.accessKeyId], [second.accessKeyId], [second.accessKeyId]]);
      assert.deepEqual(events.slice(3, 5).map((e) => e.additionalEventData.Changes?.Status), ['Inactive', 'Active']);
      assert.deepEqual(events.slice(1).map((e) => e.serviceName), ['Ram', 'Ram', 'Ram', 'Ram', 'Ram']);
      assert.deepEqual(events.slice(1).map((e) => e.eventAttributes), Array(5).fill({ SensitiveAction: 'true' }));
      const byCli = await lookupAll(attributes(['User', 'rdcontacts-cli']), 'openapi-v3', key);
      assert.equal(byCli.length, 6);
      // None of it is in the first account's trail.
      assert.deepEqual(await lookupAll(attributes(['User', 'rdcontacts-cli'])), []);
      assert.deepEqual(await lookupAll(attributes(['ResourceName', second.accessKeyId])), []);
    });

    test('a confirmation on the verification page: a ConsoleOperation by verification-link, from the browser', async () => {
      const email = 'verified@example.com';
      const rd = client('openapi-v2');
      const contactId = (await rd.call('AddMessageContact', { Name: 'verified', EmailAddress: email, Title: 'CEO', MessageTypes: ['SecurityMessage'] })).Contact
        .ContactId as string;
      await rd.call('SendEmailVerificationForMessageContact', { ContactId: contactId, EmailAddress: email });
      const link = await newestLink(server, email);
      secrets.push(link, link.slice(link.lastIndexOf('/') + 1));
      assert.equal((await openLink(link)).status, 200);
      assert.deepEqual(await lookupAll(attributes(['EventName', 'ConfirmMessageContactVerification'], ['ResourceName', contactId])), [], 'opening the link changes nothing');
      const confirmed = await confirmLink(link);
      assert.equal(confirmed.status, 200);
      assert.equal((await rd.call('GetMessageContact', { ContactId: contactId })).Contact.Status, 'Active');

      const event = await single('ConfirmMessageContactVerification', contactId);
      assert.equal(event.eventType, 'ConsoleOperation');
      assert.deepEqual(event.userIdentity, { type: 'system', accountId: root.accountId, userName: 'verification-link' });
      assert.equal(event.sourceIpAddress, '127.0.0.1');
      assert.equal(event.eventSource, server.endpoint);
      assert.equal(event.apiVersion, undefined);
      assert.equal(event.serviceName, 'ResourceManager');
      assert.deepEqual(event.referencedResources, { 'ACS::ResourceManager::MessageContact': [contactId] });
      assert.deepEqual(event.additionalEventData.ChangedFields, ['EmailAddress', 'Verified']);
      const consoleEvents = await lookupAll(attributes(['EventType', 'ConsoleOperation']), 'pop-get');
      assert.deepEqual(consoleEvents.map((e) => e.eventId), [event.eventId]);
      assert.deepEqual((await lookupAll(attributes(['User', 'verification-link']))).map((e) => e.eventId), [event.eventId]);
      // The sending itself was the API call's.
      const sent = await single('SendEmailVerificationForMessageContact', contactId);
      assert.equal(sent.userIdentity.type, 'root-account');
      assert.equal(JSON.stringify(sent).includes('/verify/'), false);
    });

    test('an asynchronous delete: one step per account and the finish, by the service', async () => {
      const rd = client('pop-get');
      const contactId = (await rd.call('AddMessageContact', { Name: 'leaving', EmailAddress: 'leaving@example.com', Title: 'CEO', MessageTypes: ['AccountExpenses'] }))
        .Contact.ContactId as string;
      await rd.call('AssociateMembers', { ContactId: contactId, Members: [made.folderId, made.memberInRoot] });
      const answer = await rd.call('DeleteMessageContact', { ContactId: contactId, RetainContactInMembers: false });
      assert.equal(answer.Status, 'Deleting');
      const finish = await until('the deletion job finishes', async () => {
        const events = await lookupAll(attributes(['EventName', 'FinishMessageContactDeletion'], ['ResourceName', contactId]));
        return events[0];
      });
      assert.equal(finish.eventType, 'AliyunServiceEvent');
      assert.deepEqual(finish.userIdentity, { type: 'system', accountId: root.accountId, userName: 'rdcontacts' });
      assert.deepEqual(finish.referencedResources, { 'ACS::ResourceManager::MessageContact': [contactId] });
      assert.deepEqual(finish.additionalEventData.Changes, { Status: 'Deleted' });
      assert.equal(finish.userAgent, `rdcontacts/${serviceVersion}`);
      assert.equal(finish.requestId, finish.eventId);

      const steps = await lookupAll({ ...attributes(['EventName', 'DeleteMessageContactStep'], ['ResourceName', contactId]), Direction: 'FORWARD' });
      assert.deepEqual(steps.map((e) => e.referencedResources['ACS::ResourceManager::Account'][0]).sort(), [made.memberInFolder, made.memberInRoot].sort());
      for (const step of steps) {
        assert.equal(step.eventType, 'AliyunServiceEvent');
        assert.equal(step.userIdentity.userName, 'rdcontacts');
        assert.equal(step.userIdentity.accessKeyId, undefined);
        assert.equal(step.additionalEventData.Changes.Outcome, 'Released');
        assert.equal(step.resourceType, 'ACS::ResourceManager::MessageContact;ACS::ResourceManager::Account');
        assert.ok(Date.parse(step.eventTime) <= Date.parse(finish.eventTime));
      }
      // Each step is found by the account it released.
      assert.deepEqual(names(await lookupAll(attributes(['ResourceName', made.memberInRoot], ['EventName', 'DeleteMessageContactStep']))), ['DeleteMessageContactStep']);
      const request = await single('DeleteMessageContact', contactId);
      assert.equal(request.userIdentity.type, 'root-account');
      assert.deepEqual(request.eventAttributes, { SensitiveAction: 'true' });
    });

    // ── Refused calls ────────────────────────────────────────────────────────────────────────

    test('refused calls with a known key: one failed event each, with what the caller was answered', async () => {
      const bob = await ramUser('AliyunResourceDirectoryFullAccess');
      const carol = await ramUser('AliyunResourceDirectoryFullAccess');
      /** The one failed event of `key` for `action`, checked against the answer. */
      async function failedEvent(key: KeyPair, action: string, answered: { code: string; message: string }, rw: 'Read' | 'Write'): Promise<Body> {
        const events = await lookupAll(attributes(['EventAccessKeyId', key.accessKeyId], ['EventName', action]));
        const failed = events.filter((e) => e.errorCode !== undefined);
        assert.equal(failed.length, 1, `one failed ${action}: ${JSON.stringify(events)}`);
        const event = failed[0]!;
        assert.equal(event.errorCode, answered.code);
        assert.equal(event.errorMessage, answered.message);
        assert.equal(event.eventRW, rw);
        assert.equal(event.eventType, 'ApiCall');
        assert.equal(event.sourceIpAddress, '127.0.0.1');
        assert.equal(event.responseElements, undefined);
        assert.equal(event.additionalEventData.ChangedFields, undefined);
        assert.equal(event.userIdentity.accessKeyId, key.accessKeyId);
        for (const field of signatureFields) assert.equal(field in (event.requestParameters ?? {}), false, field);
        return event;
      }
      const answer = async (promise: Promise<unknown>, code: string) => {
        const refused = await failure(promise);
        assert.equal(refused.code, code, refused.message);
        assert.equal(typeof refused.data?.Message, 'string');
        return { code, message: refused.data!.Message as string, requestId: refused.data!.RequestId as string };
      };

      // A wrong secret.
      const forged = await answer(client('openapi-v3', { accessKeyId: bob.key.accessKeyId, accessKeySecret: 'not-the-secret' }).call('ListMessageContacts'), 'SignatureDoesNotMatch');
      const forgedEvent = await failedEvent(bob.key, 'ListMessageContacts', forged, 'Read');
      assert.equal(forgedEvent.requestId, forged.requestId);
      assert.deepEqual(forgedEvent.userIdentity, {
        type: 'ram-user',
        principalId: bob.userId,
        accountId: root.accountId,
        accessKeyId: bob.key.accessKeyId,
        userName: bob.userName,
      });

      // An expired timestamp (pop-core sends the Timestamp it is given).
      const pop = client('pop-post', bob.key);
      const stale = await answer(
        pop.call('AddMessageContact', { Name: 'stale', EmailAddress: 'stale@example.com', Title: 'CEO', MessageTypes: ['FaultMessage'], Timestamp: '2020-01-01T00:00:00Z' }),
        'InvalidTimeStamp.Expired',
      );
      const staleEvent = await failedEvent(bob.key, 'AddMessageContact', stale, 'Write');
      assert.equal(staleEvent.requestParameters.Name, 'stale');
      assert.deepEqual(await lookupAll(attributes(['EventName', 'AddMessageContact'], ['EventAccessKeyId', bob.key.accessKeyId])).then((e) => e.length), 1);

      // A nonce used twice: the first call changes the contact, the second is refused.
      const nonce = 'audit-nonce-0123456789abcdef';
      await pop.call('UpdateMessageContact', { ContactId: made.contactId, Title: 'CEO', SignatureNonce: nonce });
      const replayed = await answer(pop.call('UpdateMessageContact', { ContactId: made.contactId, Title: 'CEO', SignatureNonce: nonce }), 'SignatureNonceUsed');
      const replayEvent = await failedEvent(bob.key, 'UpdateMessageContact', replayed, 'Write');
      const updates = await lookupAll(attributes(['EventName', 'UpdateMessageContact'], ['EventAccessKeyId', bob.key.accessKeyId]));
      assert.equal(updates.length, 2, 'the change and the refusal');
      assert.deepEqual(updates.find((e) => e.eventId !== replayEvent.eventId)!.additionalEventData.ChangedFields, ['Title']);

      // A disabled key.
      await ram('openapi-v2').call('UpdateAccessKey', { UserName: carol.userName, UserAccessKeyId: carol.key.accessKeyId, Status: 'Inactive' });
      const inactive = await answer(client('openapi-v3', carol.key).call('GetMessageContact', { ContactId: made.contactId }), 'InvalidAccessKeyId.Inactive');
      const inactiveEvent = await failedEvent(carol.key, 'GetMessageContact', inactive, 'Read');
      assert.equal(inactiveEvent.userIdentity.userName, carol.userName);
      assert.deepEqual(inactiveEvent.requestParameters.ContactId, made.contactId);

      // Denied by RAM: a Get (Read) and a change (Write), with the answered message word for word.
      const deniedGet = await answer(ram('openapi-v3', made.alice.key).call('GetUser', { UserName: 'audit-user-1' }), 'NoPermission');
      assert.match(deniedGet.message, /^You are not authorized to do this action\. Resource: acs:ram:/);
      const deniedGetEvent = await failedEvent(made.alice.key, 'GetUser', deniedGet, 'Read');
      assert.equal(deniedGetEvent.serviceName, 'Ram');
      assert.equal(deniedGetEvent.apiVersion, versions.ram);
      assert.equal(deniedGetEvent.userIdentity.principalId, made.alice.userId);
      assert.deepEqual(deniedGetEvent.referencedResources, { 'ACS::RAM::User': ['audit-user-1'] });
      const deniedWrite = await answer(ram('pop-get', made.alice.key).call('CreateUser', { UserName: 'not-made' }), 'NoPermission');
      await failedEvent(made.alice.key, 'CreateUser', deniedWrite, 'Write');
      assert.equal((await failure(ram().call('GetUser', { UserName: 'not-made' }))).code, 'EntityNotExist.User');

      // Failed events are found as such, and only they carry an error.
      const bobs = await lookupAll(attributes(['EventAccessKeyId', bob.key.accessKeyId]));
      assert.deepEqual(bobs.filter((e) => e.errorCode).map((e) => e.errorCode).sort(), ['InvalidTimeStamp.Expired', 'SignatureDoesNotMatch', 'SignatureNonceUsed']);
    });

    test('a request naming a key that does not exist writes nothing', async () => {
      const count = async () => (await server.store.audit.list({ limit: 100_000 })).length;
      const before = await count();
      const nobody = { accessKeyId: 'LTAIdoesnotexist00000000', accessKeySecret: 'whatever-secret-0000000000000' };
      for (const name of withSdk2) {
        await expectError(client(name, nobody).call('ListMessageContacts'), 'InvalidAccessKeyId.NotFound', 404);
      }
      await expectError(client('pop-post', nobody).call('AddMessageContact', { Name: 'x', EmailAddress: 'x@example.com', Title: 'CEO', MessageTypes: ['FaultMessage'] }), 'InvalidAccessKeyId.NotFound', 404);
      assert.equal(await count(), before);
      assert.deepEqual(await lookupAll(attributes(['EventAccessKeyId', nobody.accessKeyId])), []);
    });

    // ── Tenancy and RAM ──────────────────────────────────────────────────────────────────────

    test('each account reads only its own trail', async () => {
      const other = await server.newTenant();
      secrets.push(other.accessKeySecret);
      const contactId = (await client('openapi-v3', other).call('AddMessageContact', { Name: 'elsewhere', EmailAddress: 'e@example.com', Title: 'CEO', MessageTypes: ['FaultMessage'] }))
        .Contact.ContactId as string;
      const theirs = await lookupAll({}, 'pop-get', other);
      assert.deepEqual(names(theirs), ['AddMessageContact', 'CreateAccessKey', 'CreateAccount']);
      assert.ok(theirs.every((e) => e.recipientAccountId === other.accountId && e.userIdentity.accountId === other.accountId));
      const ours = await lookupAll();
      const ourIds = new Set(ours.map((e) => e.eventId));
      assert.equal(theirs.some((e) => ourIds.has(e.eventId)), false);
      assert.ok(ours.every((e) => e.recipientAccountId === root.accountId));
      // Looking for the other account's things by name finds nothing either way.
      assert.deepEqual(await lookupAll(attributes(['ResourceName', contactId])), []);
      assert.deepEqual(await lookupAll(attributes(['EventAccessKeyId', other.accessKeyId])), []);
      assert.deepEqual(await lookupAll(attributes(['EventId', theirs[0]!.eventId])), []);
      assert.deepEqual(await lookupAll(attributes(['ResourceName', made.contactId]), 'openapi-v3', other), []);
      assert.deepEqual(await lookupAll(attributes(['EventAccessKeyId', root.accessKeyId]), 'openapi-v3', other), []);
    });

    test('RAM: a user without actiontrail:LookupEvents is refused; a policy allowing it on "*" or on the account\'s ARN lets it read', async () => {
      const none = await ramUser('AliyunResourceDirectoryFullAccess');
      for (const name of withSdk2) {
        const refused = await failure(client(name, none.key, versions.actiontrail).call('LookupEvents', {}));
        assert.equal(refused.code, 'NoPermission', `${name}: ${refused.message}`);
        assert.equal(refused.statusCode, 403);
        const detail = (refused.accessDeniedDetail ?? refused.data?.AccessDeniedDetail) as Body | undefined;
        assert.equal(detail?.AuthAction, 'actiontrail:LookupEvents', name);
        assert.equal(detail?.AuthPrincipalDisplayName, none.userId);
      }
      // Each refusal is a failed read of the Actiontrail service.
      const refusals = await lookupAll(attributes(['EventAccessKeyId', none.key.accessKeyId], ['EventName', 'LookupEvents']));
      assert.equal(refusals.length, withSdk2.length);
      assert.ok(refusals.every((e) => e.errorCode === 'NoPermission' && e.eventRW === 'Read' && e.serviceName === 'Actiontrail' && e.apiVersion === versions.actiontrail));
      assert.deepEqual((await lookupAll(attributes(['EventRW', 'Read'], ['EventAccessKeyId', none.key.accessKeyId]))).length, withSdk2.length);

      const allow = (resource: string) => JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'actiontrail:LookupEvents', Resource: resource }] });
      const anywhere = await ramUser(allow('*'));
      const byArn = await ramUser(allow(`acs:actiontrail:*:${root.accountId}:*`));
      const elsewhere = await ramUser(allow('acs:actiontrail:*:1111111111111111:*'));
      for (const [index, name] of clientNames.entries()) {
        const reader = index % 2 === 0 ? anywhere : byArn;
        const body = await lookup(attributes(['EventName', 'AddMessageContact']), name, reader.key);
        assert.ok(body.Events.some((e: Body) => e.resourceName === made.contactId), `${name} reads the account's trail`);
        await expectError(client(name, elsewhere.key, versions.actiontrail).call('LookupEvents', {}), 'NoPermission', 403);
      }
      // Reading is not recorded.
      assert.deepEqual(await lookupAll(attributes(['EventAccessKeyId', anywhere.key.accessKeyId])), []);
    });

    test('LookupEvents of version 2017-12-04 is an unknown version', async () => {
      for (const name of ['openapi-v3', 'pop-get', 'openapi-core'] as ClientName[]) {
        await expectError(client(name, root, '2017-12-04').call('LookupEvents', { EventName: 'CreateFolder' }), 'NoSuchVersion', 400);
      }
    });

    test('no answer of LookupEvents ever held a secret, a password, a verification token or link', async () => {
      for (const name of withSdk2) await lookupAll({}, name);
      await lookupAll(attributes(['EventType', 'ConsoleOperation']));
      const everything = answers.join('\n');
      assert.ok(answers.length > 50);
      assert.ok(secrets.length >= 8);
      for (const secret of secrets) assert.equal(everything.includes(secret), false, `a secret (${secret.slice(0, 4)}…) in an answer`);
      assert.equal(everything.includes('/verify/'), false);
      assert.equal(/"(Password|AccessKeySecret|Signature|SignatureNonce)"/.test(everything), false);
    });
  });

  describe(`LookupEvents: a delivery's final outcome [${backend.name}]`, () => {
    let sink: SmtpSink;
    let server: TestServer;

    before(async () => {
      sink = await startSmtpSink();
      const delivery: Config['delivery'] = {
        ...resolveConfig({}, {}).delivery,
        email: { transport: 'smtp', smtp: sinkSmtp(sink.port) },
        retryBaseMs: 20,
        retryMaxMs: 100,
        attempts: 2,
      };
      server = await startServer({ backend, config: { delivery } });
    });
    after(async () => {
      await server.close();
      await sink.close();
    });

    test('DeliverMessage: Sent, or Failed once the attempts run out, by the service, naming the delivery', async () => {
      const rd = plain(apiClient('openapi-v3', server.endpoint, server.credentials));
      const trail = plain(apiClient('pop-post', server.endpoint, server.credentials, versions.actiontrail));
      const contact = async (email: string) => {
        const contactId = (await rd.call('AddMessageContact', { Name: email.split('@')[0], EmailAddress: email, Title: 'CEO', MessageTypes: ['FaultMessage'] })).Contact
          .ContactId as string;
        await rd.call('SendEmailVerificationForMessageContact', { ContactId: contactId, EmailAddress: email });
        const [delivery] = (await rd.call('ListMessageDeliveries', { ContactId: contactId })).Deliveries as Body[];
        return { contactId, deliveryId: delivery!.DeliveryId as string };
      };
      const outcome = (deliveryId: string) =>
        until(`the outcome of ${deliveryId}`, async () => {
          const body = await trail.call('LookupEvents', { 'LookupAttribute.1.Key': 'ResourceName', 'LookupAttribute.1.Value': deliveryId });
          return body.Events.length > 0 ? (body.Events as Body[]) : undefined;
        });

      const sent = await contact('delivered@example.com');
      const [mail] = await sink.waitFor(1);
      const [event, ...more] = await outcome(sent.deliveryId);
      assert.deepEqual(more, []);
      assert.equal(event!.eventName, 'DeliverMessage');
      assert.equal(event!.eventType, 'AliyunServiceEvent');
      assert.deepEqual(event!.userIdentity, { type: 'system', accountId: server.credentials.accountId, userName: 'rdcontacts' });
      assert.deepEqual(event!.referencedResources['ACS::ResourceManager::MessageDelivery'], [sent.deliveryId]);
      assert.deepEqual(event!.referencedResources['ACS::ResourceManager::MessageContact'], [sent.contactId]);
      assert.equal(event!.serviceName, 'ResourceManager');
      assert.equal(event!.additionalEventData.Changes.Outcome, 'Sent');
      assert.equal(event!.additionalEventData.Changes.Transport, 'smtp');
      // The mail's link is nowhere in the trail.
      const link = /https?:\/\/\S+\/verify\/[0-9A-Za-z]{43}/.exec(mail!.text)?.[0];
      assert.ok(link, 'the mail holds the link');
      const all = JSON.stringify(await trail.call('LookupEvents', { MaxResults: '50' }));
      assert.equal(all.includes(link.slice(-43)), false);
      assert.equal(all.includes('/verify/'), false);

      sink.failNext(2, 451, 'try later');
      const failed = await contact('undelivered@example.com');
      const [failure] = await outcome(failed.deliveryId);
      assert.equal(failure!.eventName, 'DeliverMessage');
      assert.equal(failure!.additionalEventData.Changes.Outcome, 'Failed');
      assert.equal(failure!.additionalEventData.Changes.Attempts, 2);
      assert.equal(failure!.errorCode, undefined, 'a failed delivery is an outcome, not a refused call');
      const found = await trail.call('LookupEvents', { 'LookupAttribute.1.Key': 'EventName', 'LookupAttribute.1.Value': 'DeliverMessage' });
      assert.deepEqual(found.Events.map((e: Body) => e.eventId).sort(), [event!.eventId, failure!.eventId].sort());
    });
  });
}

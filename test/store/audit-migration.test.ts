/**
 * 0011 on a database written before it: the audit events kept until then read as ActionTrail
 * events — the old names of the service's own events replaced by the new ones, each identity given
 * its type and name (root, the RAM user 0008 recorded, the verification page, the deletion job),
 * and found by every lookup attribute, through the store and through LookupEvents.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { resolveConfig } from '../../src/config.js';
import { toStored } from '../../src/domain/time.js';
import { createApp } from '../../src/server/app.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { type Store, openStore } from '../../src/store/store.js';
import { type Body, apiClient, plain, versions } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { freshSchema } from '../support/pg-schemas.js';
import { freePort } from '../support/ports.js';

const accountId = '1000000000000001';
const directoryId = 'rd-migrat';
const rootKey = { accessKeyId: 'LTAIrootkeymigrated0000', accessKeySecret: 'r'.repeat(30) };
const aliceKey = 'LTAIalicekeymigrated000';
const aliceId = '2000000000000001';
const contactId = 'c-MigratedContact01';
const folderId = 'fd-Migrated01';

/** A database left at 0010, reachable by URL, and Kysely on it at that migration. */
async function at0010(name: string): Promise<{ url: string; old: Kysely<any>; cleanup: () => Promise<void> }> {
  if (name === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'rdc-0011-'));
    const file = join(dir, 'at-0010.db');
    const old = new Kysely<any>({ dialect: new SqliteDialect({ database: new SQLite(file) }) });
    const { error } = await new Migrator({ db: old, provider: migrationProvider }).migrateTo('0010_nonce_log');
    assert.equal(error, undefined);
    return { url: `sqlite:${file}`, old, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = await freshSchema();
  const old = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: schema.url, max: 1 }) }) });
  const { error } = await new Migrator({ db: old, provider: migrationProvider, migrationTableSchema: schema.schema }).migrateTo('0010_nonce_log');
  assert.equal(error, undefined);
  return { url: schema.url, old, cleanup: schema.drop };
}

for (const backend of backends) {
  describe(`0011 on the audit events of an older database [${backend.name}]`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    const start = Date.now() - 3_600_000;
    /** The old events, in the order they were written: a second apart, an hour ago. */
    const legacy = [
      { action: 'AddMessageContact', actor: rootKey.accessKeyId, principal: null, contact_id: contactId, resource: `messagecontact/${contactId}`, changes: { Name: 'kept', Title: 'CEO' } },
      { action: 'UpdateMessageContact', actor: aliceKey, principal: 'user/alice', contact_id: contactId, resource: `messagecontact/${contactId}`, changes: { Title: 'FinanceDirector' } },
      { action: 'ConfirmVerification', actor: 'verification-link', principal: null, contact_id: contactId, resource: `messagecontact/${contactId}`, changes: { EmailAddress: 'kept@example.com', Verified: true } },
      { action: 'CreateFolder', actor: rootKey.accessKeyId, principal: 'root', contact_id: null, resource: `folder/${folderId}`, changes: { FolderName: 'old' } },
      { action: 'CreateUser', actor: rootKey.accessKeyId, principal: 'root', contact_id: null, resource: 'user/bob', changes: { UserName: 'bob' } },
      { action: 'DeleteMessageContact', actor: rootKey.accessKeyId, principal: 'root', contact_id: contactId, resource: `messagecontact/${contactId}`, changes: { Status: 'Deleting' } },
      { action: 'DeletionJob.Account', actor: rootKey.accessKeyId, principal: null, contact_id: contactId, resource: `messagecontact/${contactId}`, changes: { AccountId: '1000000000000009', Outcome: 'Released' } },
      { action: 'DeletionJob.Finished', actor: rootKey.accessKeyId, principal: null, contact_id: contactId, resource: `messagecontact/${contactId}`, changes: { Status: 'Deleted' } },
    ];
    const at = (index: number) => toStored(new Date(start + index * 1000));

    before(async () => {
      const database = await at0010(backend.name);
      cleanup = database.cleanup;
      const { old } = database;
      const created = toStored(new Date(start - 60_000));
      await old.insertInto('accounts').values({ id: accountId, display_name: 'management', created_at: created }).execute();
      await old.insertInto('directories').values({ id: directoryId, master_account_id: accountId, root_folder_id: 'r-migrat', created_at: created }).execute();
      await old
        .insertInto('ram_users')
        .values({ user_id: aliceId, account_id: accountId, user_name: 'alice', name_key: 'alice', created_at: created, updated_at: created })
        .execute();
      await old
        .insertInto('access_keys')
        .values([
          { id: rootKey.accessKeyId, secret: rootKey.accessKeySecret, account_id: accountId, status: 'Active', created_at: created, user_id: null },
          { id: aliceKey, secret: 'a'.repeat(30), account_id: accountId, status: 'Active', created_at: created, user_id: aliceId },
        ])
        .execute();
      for (const [index, event] of legacy.entries()) {
        await old
          .insertInto('audit_events')
          .values({ ...event, directory_id: directoryId, changes: JSON.stringify(event.changes), request_id: `REQ-${index}`, created_at: at(index) })
          .execute();
      }
      // Another directory's event, never among this one's.
      await old
        .insertInto('audit_events')
        .values({ directory_id: 'rd-another', contact_id: null, action: 'CreateFolder', actor: 'LTAIother', changes: '{}', request_id: null, created_at: at(0), principal: null, resource: 'folder/fd-other' })
        .execute();
      await old.destroy();
      store = await openStore(database.url);
    });
    after(async () => {
      await store?.close();
      await cleanup?.();
    });

    test('the store answers the old events under their new names, with the identity each one had', async () => {
      const rows = await store.audit.lookup({ directoryId, from: at(-10), to: at(100), newestFirst: false, limit: 100 });
      assert.deepEqual(
        rows.map((row) => [row.action, row.event_type, row.user_type, row.user_name, row.access_key_id, row.service_name, row.event_rw]),
        [
          ['AddMessageContact', 'ApiCall', 'root-account', 'root', rootKey.accessKeyId, 'ResourceManager', 'Write'],
          ['UpdateMessageContact', 'ApiCall', 'ram-user', 'alice', aliceKey, 'ResourceManager', 'Write'],
          ['ConfirmMessageContactVerification', 'ConsoleOperation', 'system', 'verification-link', null, 'ResourceManager', 'Write'],
          ['CreateFolder', 'ApiCall', 'root-account', 'root', rootKey.accessKeyId, 'ResourceManager', 'Write'],
          ['CreateUser', 'ApiCall', 'root-account', 'root', rootKey.accessKeyId, 'Ram', 'Write'],
          ['DeleteMessageContact', 'ApiCall', 'root-account', 'root', rootKey.accessKeyId, 'ResourceManager', 'Write'],
          ['DeleteMessageContactStep', 'AliyunServiceEvent', 'system', 'rdcontacts', null, 'ResourceManager', 'Write'],
          ['FinishMessageContactDeletion', 'AliyunServiceEvent', 'system', 'rdcontacts', null, 'ResourceManager', 'Write'],
        ],
      );
      // What the lookups filter on.
      const find = (filter: Record<string, unknown>) =>
        store.audit.lookup({ directoryId, from: at(-10), to: at(100), newestFirst: false, limit: 100, ...filter }).then((found) => found.map((row) => row.action));
      assert.deepEqual(await find({ userName: 'rdcontacts' }), ['DeleteMessageContactStep', 'FinishMessageContactDeletion']);
      assert.deepEqual(await find({ eventName: 'ConfirmVerification' }), []);
      assert.deepEqual(await find({ eventType: 'ConsoleOperation' }), ['ConfirmMessageContactVerification']);
      assert.deepEqual(await find({ accessKeyId: aliceKey }), ['UpdateMessageContact']);
      assert.deepEqual(await find({ resourceName: folderId }), ['CreateFolder']);
      assert.deepEqual(await find({ resourceName: 'bob' }), ['CreateUser']);
      assert.deepEqual(await find({ resourceType: 'ACS::RAM::User' }), ['CreateUser']);
      assert.deepEqual(await find({ serviceName: 'Ram' }), ['CreateUser']);
      // The changes themselves are as they were.
      assert.deepEqual(rows.map((row) => JSON.parse(row.changes)), legacy.map((event) => event.changes));
      assert.deepEqual(rows.map((row) => row.request_id), legacy.map((_, index) => `REQ-${index}`));
    });

    test('LookupEvents answers them as events of their account: names, identities, resources, and each found by its ID', async () => {
      const port = await freePort();
      const app = createApp({ config: resolveConfig({ port: String(port), throttle: 'off' }, {}), store, logger: false });
      await app.listen({ host: '127.0.0.1', port });
      try {
        const trail = plain(apiClient('openapi-v3', `127.0.0.1:${port}`, rootKey, versions.actiontrail));
        const body = await trail.call('LookupEvents', { Direction: 'FORWARD' });
        const events = body.Events as Body[];
        assert.deepEqual(events.map((e) => e.eventName), [
          'AddMessageContact',
          'UpdateMessageContact',
          'ConfirmMessageContactVerification',
          'CreateFolder',
          'CreateUser',
          'DeleteMessageContact',
          'DeleteMessageContactStep',
          'FinishMessageContactDeletion',
        ]);
        assert.deepEqual(events.map((e) => e.requestId), legacy.map((_, index) => `REQ-${index}`));
        assert.deepEqual(events[0]!.userIdentity, { type: 'root-account', principalId: accountId, accountId, accessKeyId: rootKey.accessKeyId, userName: 'root' });
        assert.deepEqual(events[1]!.userIdentity, { type: 'ram-user', principalId: aliceId, accountId, accessKeyId: aliceKey, userName: 'alice' });
        assert.deepEqual(events[2]!.userIdentity, { type: 'system', accountId, userName: 'verification-link' });
        assert.deepEqual(events[6]!.userIdentity, { type: 'system', accountId, userName: 'rdcontacts' });
        assert.deepEqual(events.map((e) => e.eventType), ['ApiCall', 'ApiCall', 'ConsoleOperation', 'ApiCall', 'ApiCall', 'ApiCall', 'AliyunServiceEvent', 'AliyunServiceEvent']);
        assert.deepEqual(events.map((e) => e.resourceName), [contactId, contactId, contactId, folderId, 'bob', contactId, contactId, contactId]);
        assert.deepEqual(events[3]!.referencedResources, { 'ACS::ResourceManager::Folder': [folderId] });
        assert.deepEqual(events[4]!.referencedResources, { 'ACS::RAM::User': ['bob'] });
        assert.equal(events[4]!.serviceName, 'Ram');
        assert.deepEqual(events[1]!.additionalEventData.ChangedFields, ['Title']);
        for (const event of events) {
          assert.match(event.eventId, /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
          assert.equal(event.recipientAccountId, accountId);
          // Every event is found by the ID it is answered with.
          const byId = await trail.call('LookupEvents', { 'LookupAttribute.1.Key': 'EventId', 'LookupAttribute.1.Value': event.eventId });
          assert.deepEqual(byId.Events.map((e: Body) => e.eventName), [event.eventName]);
        }
        assert.equal(new Set(events.map((e) => e.eventId)).size, events.length);
        const lookup = async (key: string, value: string) =>
          ((await trail.call('LookupEvents', { 'LookupAttribute.1.Key': key, 'LookupAttribute.1.Value': value, Direction: 'FORWARD' })).Events as Body[]).map((e) => e.eventName);
        assert.deepEqual(await lookup('User', 'alice'), ['UpdateMessageContact']);
        assert.deepEqual(await lookup('User', 'verification-link'), ['ConfirmMessageContactVerification']);
        assert.deepEqual(await lookup('EventName', 'FinishMessageContactDeletion'), ['FinishMessageContactDeletion']);
        assert.deepEqual(await lookup('EventName', 'DeletionJob.Account'), []);
        assert.deepEqual(await lookup('ResourceType', 'ACS::ResourceManager::Folder'), ['CreateFolder']);
        assert.deepEqual(await lookup('EventAccessKeyId', rootKey.accessKeyId), ['AddMessageContact', 'CreateFolder', 'CreateUser', 'DeleteMessageContact']);
        assert.deepEqual(await lookup('SensitiveAction', 'true'), ['DeleteMessageContact']);
        assert.deepEqual((await lookup('SensitiveAction', 'false')).length, legacy.length - 1);
        assert.deepEqual(events[5]!.eventAttributes, { SensitiveAction: 'true' });
      } finally {
        await app.close();
      }
    });
  });
}

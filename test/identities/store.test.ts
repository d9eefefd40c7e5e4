/**
 * The RAM storage itself (migration 0008) on every storage backend: an upgraded database keeps its
 * keys as root keys of their accounts, names are unique case-insensitively under concurrent writes,
 * quotas hold under concurrent writes, and UserIds/GroupIds are never handed out twice.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { isApiError } from '../../src/domain/errors.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { openStore } from '../../src/store/store.js';
import { backends } from '../support/backends.js';
import { freshSchema } from '../support/pg-schemas.js';
import { type RamWorld, ramWorld } from './support.js';

/** A database left at 0007, reachable by URL, and Kysely on it at that migration. */
async function at0007(name: string): Promise<{ url: string; old: Kysely<any>; schema?: string; cleanup: () => Promise<void> }> {
  if (name === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'rdc-0008-'));
    const file = join(dir, 'at-0007.db');
    const old = new Kysely<any>({ dialect: new SqliteDialect({ database: new SQLite(file) }) });
    return { url: `sqlite:${file}`, old, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = await freshSchema();
  const old = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: schema.url, max: 1 }) }) });
  return { url: schema.url, old, schema: schema.schema, cleanup: schema.drop };
}

/** The codes of the settled promises: `ok` for a success. */
const outcomes = (settled: PromiseSettledResult<unknown>[]) =>
  settled.map((s) => (s.status === 'fulfilled' ? 'ok' : isApiError(s.reason) ? s.reason.code : String(s.reason))).sort();

for (const backend of backends) {
  describe(`RAM storage [${backend.name}]`, () => {
    test('0008 on an older database: every stored key is a root key, never used; the revision starts at 0', async () => {
      const { url, old, schema, cleanup } = await at0007(backend.name);
      try {
        const { error } = await new Migrator({ db: old, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) }).migrateTo('0007_link_expiry');
        assert.equal(error, undefined);
        const created = '2026-01-01T00:00:00.000Z';
        await old.insertInto('accounts').values({ id: '1000000000000001', display_name: 'a', created_at: created }).execute();
        await old.insertInto('directories').values({ id: 'rd-abcdef', master_account_id: '1000000000000001', root_folder_id: 'r-abcdef', created_at: created }).execute();
        await old.insertInto('access_keys').values({ id: 'LTAIoldkey', secret: 's'.repeat(30), account_id: '1000000000000001', status: 'Active', created_at: created }).execute();
        await old.destroy();

        const store = await openStore(url);
        try {
          const row = await store.accessKeys.find('LTAIoldkey');
          assert.deepEqual(
            [row?.user_id, row?.user_name, row?.last_used_at, row?.ram_revision, row?.directory_id, row?.secret],
            [null, null, null, 0, 'rd-abcdef', 's'.repeat(30)],
          );
          assert.deepEqual((await store.accessKeys.listOwnedBy('1000000000000001', null)).map((k) => k.id), ['LTAIoldkey']);
          assert.equal(await store.ram.accounts.revision('1000000000000001'), 0);
        } finally {
          await store.close();
        }
      } finally {
        await cleanup();
      }
    });

    describe('concurrent writes', () => {
      let world: RamWorld;
      before(async () => {
        world = await ramWorld(backend);
      });
      after(() => world.close());

      test('one name, many creators: exactly one user, group and policy each, whatever the case', async () => {
        const account = await world.newAccount();
        const { ram } = world;
        const names = ['racer', 'Racer', 'RACER', 'rAcEr', 'raceR'];
        assert.deepEqual(
          outcomes(await Promise.allSettled(names.map((userName) => ram.users.create(account.root, { userName })))),
          ['EntityAlreadyExists.User', 'EntityAlreadyExists.User', 'EntityAlreadyExists.User', 'EntityAlreadyExists.User', 'ok'],
        );
        assert.deepEqual(
          outcomes(await Promise.allSettled(names.map((groupName) => ram.groups.create(account.root, { groupName })))),
          ['EntityAlreadyExists.Group', 'EntityAlreadyExists.Group', 'EntityAlreadyExists.Group', 'EntityAlreadyExists.Group', 'ok'],
        );
        const document = JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'a:b', Resource: '*' }] });
        assert.deepEqual(
          outcomes(await Promise.allSettled(names.map((policyName) => ram.policies.create(account.root, { policyName, policyDocument: document })))),
          ['EntityAlreadyExists.Policy', 'EntityAlreadyExists.Policy', 'EntityAlreadyExists.Policy', 'EntityAlreadyExists.Policy', 'ok'],
        );
      });

      test('quotas hold when writes race: two keys per user, five groups per user, five versions per policy', async () => {
        const account = await world.newAccount();
        const { ram } = world;
        await ram.users.create(account.root, { userName: 'contended' });
        const keys = await Promise.allSettled(Array.from({ length: 6 }, () => ram.accessKeys.create(account.root, { userName: 'contended' })));
        assert.deepEqual(outcomes(keys), ['LimitExceeded.User.AccessKey', 'LimitExceeded.User.AccessKey', 'LimitExceeded.User.AccessKey', 'LimitExceeded.User.AccessKey', 'ok', 'ok']);
        for (let i = 0; i < 7; i++) await ram.groups.create(account.root, { groupName: `race${i}` });
        const joins = await Promise.allSettled(Array.from({ length: 7 }, (_, i) => ram.memberships.addUserToGroup(account.root, { groupName: `race${i}`, userName: 'contended' })));
        assert.deepEqual(outcomes(joins).filter((o) => o === 'ok').length, 5);
        assert.equal((await ram.memberships.groupsForUser(account.root, 'contended')).length, 5);
        const document = (n: number) => JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: `a:${n}`, Resource: '*' }] });
        await ram.policies.create(account.root, { policyName: 'raced', policyDocument: document(0) });
        const versions = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => ram.policyVersions.create(account.root, { policyName: 'raced', policyDocument: document(i + 1) })));
        assert.equal(outcomes(versions).filter((o) => o === 'ok').length, 4);
        const ids = (await ram.policyVersions.list(account.root, { policyName: 'raced', policyType: 'Custom' })).map((v) => v.versionId);
        assert.deepEqual(ids, ['v1', 'v2', 'v3', 'v4', 'v5']);
      });

      test('a UserId or GroupId, once handed out, is never handed out again, in any account', async () => {
        const a = await world.newAccount();
        const b = await world.newAccount();
        const { ram, store } = world;
        const user = await ram.users.create(a.root, { userName: 'once' });
        const group = await ram.groups.create(a.root, { groupName: 'once' });
        await ram.users.delete(a.root, 'once');
        await ram.groups.delete(a.root, 'once');
        const at = new Date().toISOString();
        assert.equal(await store.ram.accounts.claimId(user.userId, 'user', at), false);
        assert.equal(await store.ram.accounts.claimId(group.groupId, 'group', at), false);
        assert.equal(await store.ram.accounts.claimId('2000000000000001', 'user', at), true);
        assert.equal(await store.ram.accounts.claimId('2000000000000001', 'user', at), false);
        const seen = new Set<string>([user.userId]);
        for (let i = 0; i < 20; i++) {
          const created = await ram.users.create(i % 2 === 0 ? a.root : b.root, { userName: `many${i}` });
          assert.ok(!seen.has(created.userId));
          seen.add(created.userId);
        }
      });
    });
  });
}

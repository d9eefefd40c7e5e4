/**
 * Group commit on SQLite: transactions asked for in the same turn share one COMMIT, yet each is
 * still all-or-nothing on its own, and none is reported done before its group has committed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { CompiledQueries } from '../../src/store/compiled.js';
import { directAccessOf, openDatabase } from '../../src/store/database.js';

describe('group commit (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rdcontacts-group-'));
  let db: Kysely<any>;
  let queries: CompiledQueries;

  before(async () => {
    db = await openDatabase(`sqlite:${join(dir, 'group.db')}`);
    queries = new CompiledQueries(directAccessOf(db));
    await sql`create table items (name text primary key)`.execute(db);
    await sql`create table parents (id integer primary key)`.execute(db);
    // Checked at COMMIT, not at the insert: the way to make a COMMIT fail.
    await sql`create table children (parent_id integer references parents (id) deferrable initially deferred)`.execute(db);
  });
  after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const names = async () => (await sql<{ name: string }>`select name from items order by name`.execute(db)).rows.map((r) => r.name);
  const insert = (tx: Kysely<any>, name: string) => sql`insert into items (name) values (${name})`.execute(tx);

  test('one failing transaction of a group leaves no trace; the others land and answer', async () => {
    await sql`delete from items`.execute(db);
    const outcomes = await Promise.allSettled([
      queries.transaction(db, async (tx) => {
        await insert(tx, 'a1');
        await insert(tx, 'a2');
        return 'a';
      }),
      queries.transaction(db, async (tx) => {
        await insert(tx, 'b1');
        throw new Error('b fails after a write');
      }),
      queries.transaction(db, async (tx) => {
        await insert(tx, 'c1');
        await insert(tx, 'a1'); // a unique violation: this transaction's own rows go too
        return 'c';
      }),
      queries.transaction(db, async (tx) => {
        // Sees what the earlier transactions of its group wrote, as if they had committed.
        const seen = (await sql<{ name: string }>`select name from items order by name`.execute(tx)).rows.map((r) => r.name);
        await insert(tx, 'd1');
        return seen;
      }),
    ]);
    assert.deepEqual(outcomes[0], { status: 'fulfilled', value: 'a' });
    assert.equal(outcomes[1]!.status, 'rejected');
    assert.match(String((outcomes[1] as PromiseRejectedResult).reason), /b fails/);
    assert.equal(outcomes[2]!.status, 'rejected');
    assert.match(String((outcomes[2] as PromiseRejectedResult).reason), /UNIQUE/);
    assert.deepEqual(outcomes[3], { status: 'fulfilled', value: ['a1', 'a2'] });
    assert.deepEqual(await names(), ['a1', 'a2', 'd1']);
  });

  test('a COMMIT that fails fails every transaction of its group, and none of their writes land', async () => {
    await sql`delete from items`.execute(db);
    const outcomes = await Promise.allSettled([
      queries.transaction(db, (tx) => insert(tx, 'x1')),
      queries.transaction(db, (tx) => sql`insert into children (parent_id) values (42)`.execute(tx)),
      queries.transaction(db, (tx) => insert(tx, 'y1')),
    ]);
    for (const outcome of outcomes) {
      assert.equal(outcome.status, 'rejected');
      assert.match(String((outcome as PromiseRejectedResult).reason), /FOREIGN KEY/);
    }
    assert.deepEqual(await names(), []);
    assert.equal((await sql<{ n: number }>`select count(*) as n from children`.execute(db)).rows[0]!.n, 0);
    // The next transaction works as usual.
    await queries.transaction(db, (tx) => insert(tx, 'z1'));
    assert.deepEqual(await names(), ['z1']);
  });

  test('a transaction is answered only once its group is committed: another connection sees its writes then', async () => {
    await sql`delete from items`.execute(db);
    const other = await openDatabase(`sqlite:${join(dir, 'group.db')}`);
    try {
      const seenByOther: string[][] = [];
      await Promise.all(
        ['p', 'q', 'r'].map((name) =>
          queries.transaction(db, (tx) => insert(tx, name)).then(async () => {
            seenByOther.push((await sql<{ name: string }>`select name from items order by name`.execute(other)).rows.map((r) => r.name));
          }),
        ),
      );
      assert.deepEqual(seenByOther, [['p', 'q', 'r'], ['p', 'q', 'r'], ['p', 'q', 'r']]);
    } finally {
      await other.destroy();
    }
  });
});

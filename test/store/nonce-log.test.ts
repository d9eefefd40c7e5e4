/**
 * The embedded store's nonce log: appended to, read back unexpired at start, swept from its oldest
 * rows up to the first that has not expired — a row that expired behind a later-expiring one stays
 * until a later sweep and is never read back as live.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openStore, type Store } from '../../src/store/store.js';

let store: Store;
before(async () => {
  store = await openStore('sqlite::memory:');
});
after(() => store.close());

test('the log keeps what it is given, reads back only the unexpired, and sweeps from the oldest', async () => {
  await store.transaction(async (tx) => {
    await tx.nonceLog.record('a'.repeat(32), 1_000);
    await tx.nonceLog.record('b'.repeat(32), 2_000);
    await tx.nonceLog.record('c'.repeat(32), 5_000);
    // Expires before the row ahead of it (its request's timestamp was earlier).
    await tx.nonceLog.record('d'.repeat(32), 1_500);
    await tx.nonceLog.record('e'.repeat(32), 6_000);
  });
  const keys = async (nowMs: number) => (await store.nonceLog.live(nowMs)).map((row) => row.nonceKey[0]).sort();
  assert.deepEqual(await keys(0), ['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual(await keys(1_800), ['b', 'c', 'e']);

  await store.nonceLog.sweep(2_500);
  // a and b went; d (expired) waits behind c, which has not.
  assert.deepEqual(await keys(0), ['c', 'd', 'e']);
  assert.deepEqual(await keys(2_500), ['c', 'e']);

  await store.nonceLog.sweep(10_000);
  assert.deepEqual(await keys(0), []);
  await store.nonceLog.sweep(10_000);
  assert.deepEqual(await keys(0), []);
});

/**
 * Throttling counted in the database (instances sharing one) answers exactly as one process's
 * token bucket does: the same calls at the same moments are taken or refused alike, with the same
 * wait, on every store; buckets are per key, and a swept bucket is as good as a full one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SharedThrottle } from '../../src/server/shared-throttle.js';
import type { Store } from '../../src/store/store.js';
import { TokenBucketThrottle } from '../../src/wire/throttle.js';
import { backends } from '../support/backends.js';

/** Calls at these offsets (ms) from a start: bursts up to twice the bucket, gaps shorter and longer than a refill. */
function schedule(rate: number): number[] {
  const seed = rate;
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const times: number[] = [];
  let at = 0;
  while (times.length < 150) {
    const burst = 1 + Math.floor(random() * rate * 2);
    for (let i = 0; i < burst; i++) times.push(at + Math.floor(random() * 30));
    at += 30 + Math.floor(random() * 1500);
  }
  return times.sort((a, b) => a - b);
}

for (const backend of backends) {
  describe(`throttling in the database (${backend.name})`, () => {
    let store: Store;
    before(async () => {
      store = await backend.open();
    });
    after(() => store.close());

    for (const rate of [1, 2, 5, 20]) {
      test(`${rate} call(s)/s: the same answers as one process's token bucket`, async () => {
        const start = 1_800_000_000_000;
        let nowMs = start;
        const memory = new TokenBucketThrottle(rate, () => nowMs);
        const shared = new SharedThrottle(store.throttles, rate, () => nowMs);
        const key = `acct-${rate}\nGetMessageContact`;
        let refused = 0;
        for (const [i, offset] of schedule(rate).entries()) {
          nowMs = start + offset;
          const expected = memory.take(key);
          const actual = await shared.take(key);
          assert.equal(actual === 0, expected === 0, `call ${i} at +${offset} ms: taken alike`);
          assert.ok(Math.abs(actual - expected) <= 1, `call ${i}: wait ${actual} ms, token bucket says ${expected} ms`);
          if (actual > 0) refused++;
        }
        assert.ok(refused > 0, 'the schedule reaches the limit');
      });
    }

    test('each key has its own bucket, and a swept bucket starts full', async () => {
      let nowMs = 1_900_000_000_000;
      const shared = new SharedThrottle(store.throttles, 2, () => nowMs);
      assert.deepEqual([await shared.take('a\nX'), await shared.take('a\nX')], [0, 0]);
      assert.equal(await shared.take('a\nX'), 500, 'the third call waits one interval');
      assert.equal(await shared.take('b\nX'), 0, 'another key is not throttled');
      assert.equal(await shared.take('a\nY'), 0, 'nor is another action');
      nowMs += 1000;
      await store.throttles.sweep(nowMs);
      assert.deepEqual([await shared.take('a\nX'), await shared.take('a\nX'), (await shared.take('a\nX')) > 0], [0, 0, true]);
    });
  });
}

/** The wait between two attempts of a delivery: exponential, capped, with jitter. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retryDelayMs } from '../../src/domain/delivery-worker.js';

test('each attempt waits twice as long as the one before, up to the cap', () => {
  // The top of the jitter range: random → 1.
  const top = (attempt: number) => retryDelayMs(attempt, 10_000, 3_600_000, 1);
  assert.deepEqual([1, 2, 3, 4, 5].map(top), [10_000, 20_000, 40_000, 80_000, 160_000]);
  assert.equal(top(9), 2_560_000);
  assert.equal(top(10), 3_600_000, 'capped');
  assert.equal(top(1000), 3_600_000, 'no overflow for a large attempt number');
});

test('the jitter keeps each wait between half and all of it, so failures that came together spread out', () => {
  assert.equal(retryDelayMs(3, 10_000, 3_600_000, 0), 20_000);
  assert.equal(retryDelayMs(3, 10_000, 3_600_000, 0.5), 30_000);
  const waits = new Set(Array.from({ length: 50 }, (_, i) => retryDelayMs(2, 10_000, 3_600_000, i / 50)));
  assert.equal(waits.size, 50, 'different random numbers give different waits');
  for (const wait of waits) assert.ok(wait >= 10_000 && wait < 20_000);
});

test('a wait is never zero', () => {
  assert.equal(retryDelayMs(1, 1, 1, 0), 1);
});

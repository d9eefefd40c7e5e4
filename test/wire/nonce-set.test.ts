/** The compact set of nonce fingerprints one process keeps: what it refuses, for how long, at what cost. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nonceDigest } from '../../src/wire/authenticate.js';
import { NonceSet } from '../../src/wire/nonce-set.js';

const minute = 60_000;

describe('NonceSet', () => {
  test('a nonce is refused a second time until its expiry, then accepted again', () => {
    const set = new NonceSet();
    const now = Date.UTC(2026, 11, 2, 10, 0, 0);
    const digest = nonceDigest('LTAIkey', 'n-1');
    assert.equal(set.add(digest, now + 15 * minute, now), true);
    assert.equal(set.add(digest, now + 15 * minute, now + 1), false);
    assert.equal(set.add(digest, now + 15 * minute, now + 15 * minute - 1), false);
    // Kept to the end of the minute of its expiry, never less.
    assert.equal(set.has(digest, now + 16 * minute), false);
    assert.equal(set.add(digest, now + 31 * minute, now + 16 * minute), true);
  });

  test('the same nonce of another key is another nonce', () => {
    const set = new NonceSet();
    const now = Date.now();
    assert.equal(set.add(nonceDigest('LTAIone', 'n'), now + minute, now), true);
    assert.equal(set.add(nonceDigest('LTAItwo', 'n'), now + minute, now), true);
  });

  test('400,000 nonces of 128 characters cost at most 32 bytes each, and every one is still refused', () => {
    const set = new NonceSet();
    const now = Date.now();
    const digests = Array.from({ length: 400_000 }, (_, i) => nonceDigest('LTAIkey', `${String(i).padStart(8, '0')}${'x'.repeat(120)}`));
    // Spread over the window, as a minute of traffic is.
    digests.forEach((digest, i) => assert.ok(set.add(digest, now + 15 * minute + (i % 60) * 1000, now)));
    assert.equal(set.size, 400_000);
    assert.ok(set.bytes / set.size <= 32, `${(set.bytes / set.size).toFixed(1)} bytes a nonce`);
    assert.ok(digests.every((digest) => set.has(digest, now)));
  });

  test('whole minutes are dropped once they have passed', () => {
    const set = new NonceSet();
    const now = Date.now();
    for (let i = 0; i < 1000; i++) set.add(nonceDigest('LTAIkey', `n${i}`), now + minute, now);
    set.add(nonceDigest('LTAIkey', 'late'), now + 20 * minute, now + 3 * minute);
    assert.equal(set.size, 1);
  });
});

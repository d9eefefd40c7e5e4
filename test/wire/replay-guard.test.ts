/**
 * The embedded store's replay guard: a state-changing request's nonce is committed with the
 * request's first change (its receipt, written in that change's transaction), and on its own only
 * when no committed change carried it — the request failed or changed nothing. Reads are kept in
 * memory only.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Repositories } from '../../src/store/repositories.js';
import { type NonceLog, LocalReplayGuard } from '../../src/wire/replay-guard.js';
import { nonceDigest } from '../../src/wire/authenticate.js';

function recordingLog(): NonceLog & { recorded: string[] } {
  const recorded: string[] = [];
  return { recorded, record: async (key) => void recorded.push(key), live: async () => [], sweep: async () => {} };
}

function transaction(): { tx: Repositories; kept: string[] } {
  const kept: string[] = [];
  const tx = { nonceLog: { record: async (key: string) => void kept.push(key) } } as unknown as Repositories;
  return { tx, kept };
}

const nonce = (text: string) => ({ digest: nonceDigest('LTAIkey', text), expiresAtMs: Date.now() + 900_000 });

test('a request whose change carried its nonce writes nothing more; a replay is refused', async () => {
  const log = recordingLog();
  const guard = new LocalReplayGuard(log);
  const admission = await guard.use(nonce('a'), true);
  assert.ok(admission?.receipt);
  const { tx, kept } = transaction();
  await admission.receipt.keepIn(tx);
  await admission.settle(true);
  assert.deepEqual(kept, [nonceDigest('LTAIkey', 'a').toString('hex')]);
  assert.deepEqual(log.recorded, []);
  assert.equal(await guard.use(nonce('a'), true), undefined);
});

test('a request that changed nothing, or failed after its change carried the nonce, keeps it on its own', async () => {
  const log = recordingLog();
  const guard = new LocalReplayGuard(log);
  const unchanged = await guard.use(nonce('b'), true);
  await unchanged!.settle(true);
  const failed = await guard.use(nonce('c'), true);
  await failed!.receipt!.keepIn(transaction().tx);
  await failed!.settle(false);
  assert.deepEqual(log.recorded, [nonceDigest('LTAIkey', 'b').toString('hex'), nonceDigest('LTAIkey', 'c').toString('hex')]);
});

test('a read carries no receipt and writes nothing', async () => {
  const log = recordingLog();
  const guard = new LocalReplayGuard(log);
  const admission = await guard.use(nonce('d'), false);
  assert.equal(admission?.receipt, undefined);
  await admission!.settle(true);
  await admission!.settle(false);
  assert.deepEqual(log.recorded, []);
  assert.equal(await guard.use(nonce('d'), false), undefined);
});

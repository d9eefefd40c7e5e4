/** The error catalogue in docs/errors.md is the one the service answers with. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { errorCatalogue } from '../src/domain/errors.js';

test('docs/errors.md lists every catalogue code with its status and message, and nothing else', () => {
  const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const rows = new Map<string, { status: number; message: string }>();
  for (const match of doc.matchAll(/^\| (\d{3}) \| `([^`]+)` \| ([^|]+) \|/gm)) {
    rows.set(match[2]!, { status: Number(match[1]), message: match[3]!.trim() });
  }
  for (const [code, [status, message]] of Object.entries(errorCatalogue)) {
    assert.deepEqual(rows.get(code), { status, message }, code);
  }
  assert.deepEqual([...rows.keys()].sort(), Object.keys(errorCatalogue).sort());
});

/**
 * One key cannot exhaust the server's memory: `serve` runs with a 256 MB heap and takes a flood of
 * signed requests — 20,000 with 15,000-character nonces, then 20,000 accepted reads with the
 * longest nonce allowed — and still answers, its memory hardly grown.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { ServeProcess, freePort, removeTempDirs, tempDir } from '../cli/helpers.js';
import { type RawRequest, encodeParams, signRpcParams } from './raw-request.js';

const key = { accessKeyId: 'LTAImemoryFloodKey000001', accessKeySecret: 'memoryFloodSecretMemoryFlood00001' };

function rssMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) / 1024;
}

/** Sends every request over `connections` kept-alive connections; resolves with the count of each status. */
async function flood(endpoint: string, requests: Iterable<RawRequest>, connections = 16): Promise<Map<number, number>> {
  const [host, port] = endpoint.split(':');
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const statuses = new Map<number, number>();
  const iterator = requests[Symbol.iterator]();
  const one = (request: RawRequest) =>
    new Promise<void>((resolve, reject) => {
      const outgoing = httpRequest({ host, port: Number(port), method: request.method, path: request.path, headers: request.headers, agent }, (incoming) => {
        incoming.resume();
        incoming.on('end', () => {
          statuses.set(incoming.statusCode!, (statuses.get(incoming.statusCode!) ?? 0) + 1);
          resolve();
        });
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
  await Promise.all(
    Array.from({ length: connections }, async () => {
      for (let next = iterator.next(); !next.done; next = iterator.next()) await one(next.value);
    }),
  );
  agent.destroy();
  return statuses;
}

function* signedReads(count: number, nonceOf: (i: number) => string): Generator<RawRequest> {
  for (let i = 0; i < count; i++) {
    const params = signRpcParams({ key, action: 'ListMessageContacts', nonce: nonceOf(i) });
    yield { method: 'GET', path: `/?${encodeParams(params)}`, headers: {} };
  }
}

for (const throttle of ['20', 'off']) {
  describe(`a flood of signed requests under a 256 MB heap (--throttle ${throttle})`, () => {
    let serve: ServeProcess;
    let endpoint: string;
    before(async () => {
      const port = await freePort();
      endpoint = `127.0.0.1:${port}`;
      serve = await ServeProcess.start(['--database', 'sqlite::memory:', '--port', String(port), '--throttle', throttle], {
        cwd: await tempDir(),
        env: { NODE_OPTIONS: '--max-old-space-size=256', RDC_ACCESS_KEY_ID: key.accessKeyId, RDC_ACCESS_KEY_SECRET: key.accessKeySecret },
      });
    });
    after(async () => {
      await serve.kill();
      await removeTempDirs();
    });

    test('20,000 requests with 15,000-character nonces are refused with 400, storing nothing', async (t) => {
      const before = rssMegabytes(serve.pid);
      const statuses = await flood(endpoint, signedReads(20_000, (i) => `${i}-${'n'.repeat(15_000)}`));
      assert.deepEqual([...statuses], [[400, 20_000]]);
      const grown = rssMegabytes(serve.pid) - before;
      t.diagnostic(`RSS ${before.toFixed(0)} MB before, grown by ${grown.toFixed(1)} MB`);
      assert.ok(grown < 64, `RSS grew by ${grown.toFixed(0)} MB`);
    });

    test('20,000 reads with 128-character nonces: the process still answers, its memory hardly grown', async (t) => {
      const before = rssMegabytes(serve.pid);
      const statuses = await flood(endpoint, signedReads(20_000, (i) => `${String(i).padStart(8, '0')}${'n'.repeat(120)}`));
      const answered = [...statuses.values()].reduce((a, b) => a + b, 0);
      assert.equal(answered, 20_000);
      assert.ok([...statuses.keys()].every((status) => status === 200 || status === 400), [...statuses].join(' '));
      if (throttle === 'off') assert.equal(statuses.get(200), 20_000);
      const grown = rssMegabytes(serve.pid) - before;
      t.diagnostic(`RSS ${before.toFixed(0)} MB before, grown by ${grown.toFixed(1)} MB`);
      assert.ok(grown < 64, `RSS grew by ${grown.toFixed(0)} MB`);
      const health = await fetch(`http://${endpoint}/healthz`);
      assert.equal(health.status, 200);
    });
  });
}

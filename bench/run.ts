/**
 * `npm run bench`: throughput of signed GetMessageContact and UpdateMessageContact through the whole
 * rdcontacts stack, against a bare Fastify hello-world, in one run, on this machine, with one load
 * generator (autocannon, in this process; every server is a child process).
 *
 * Every request carries a fresh ACS3-HMAC-SHA256 signature and a unique nonce, built in autocannon's
 * per-request hook; the hello-world requests get the same hook, so the client side costs the same.
 *
 * Environment:
 *   BENCH_DURATION     seconds measured per target (default 10)
 *   BENCH_WARMUP       seconds of warm-up before each target (default 3)
 *   BENCH_CONNECTIONS  concurrent connections (default 32)
 *   BENCH_LOG_LEVELS   rdcontacts log levels to measure, comma-separated (default "warn,info";
 *                      info is the service's default level)
 *   BENCH_CPU_PROF     a directory: run every server child with --cpu-prof and keep the profiles there,
 *                      one sub-directory per server; the main thread's profile is CPU.*.<pid>.0.*.cpuprofile
 *                      (summarise it with `node --import tsx bench/profile-summary.ts <file>`)
 *   BENCH_ACTIONS      which rdcontacts targets to measure: "get,update" (default), "get" or "update"
 *   BENCH_RDCONTACTS_ROOT  another checkout to run the rdcontacts server from (A/B comparisons of a
 *                      change to src/); its node_modules must be installed. Default: this checkout.
 *   BENCH_STRICT=1     exit 1 when a goal is missed
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { apiClient } from '../test/support/clients.js';
import { type Child, cpuSeconds, freePort, killAllNow, logTail, startChild, stopAll, stopChild, waitUntilReady } from './children.js';
import { type Key, signRequest } from './sign.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** A setting that makes no sense: say so and stop, before anything is started. */
function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

function envInt(name: string, fallback: number, min: number, max: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(`${name} must be an integer from ${min} to ${max}, not "${text}"`);
  }
  return value;
}

const durationS = envInt('BENCH_DURATION', 10, 1, 600);
const warmupS = envInt('BENCH_WARMUP', 3, 0, 600);
const connections = envInt('BENCH_CONNECTIONS', 32, 1, 500);
const logLevels = (process.env.BENCH_LOG_LEVELS ?? 'warn,info').split(',').map((l) => l.trim()).filter(Boolean);
const cpuProfDir = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;
const strict = process.env.BENCH_STRICT === '1';
const actions = new Set((process.env.BENCH_ACTIONS ?? 'get,update').split(',').map((a) => a.trim().toLowerCase()).filter(Boolean));
for (const action of actions) {
  if (action !== 'get' && action !== 'update') fail(`unknown action "${action}" in BENCH_ACTIONS (get, update)`);
}
const serverRoot = process.env.BENCH_RDCONTACTS_ROOT ? resolve(process.env.BENCH_RDCONTACTS_ROOT) : repoRoot;
if (!existsSync(join(serverRoot, 'src/cli/main.ts'))) fail(`no src/cli/main.ts under BENCH_RDCONTACTS_ROOT ${serverRoot}`);
for (const level of logLevels) {
  if (!/^(fatal|error|warn|info|debug|trace|silent)$/.test(level)) fail(`unknown log level "${level}" in BENCH_LOG_LEVELS`);
}

const goals = { get: 0.5, update: 0.3 };

// ---------------------------------------------------------------------------------------------
// Signed calls outside the load (setup and checks)

interface Answer {
  status: number;
  body: any;
}

function signedCall(port: number, key: Key, action: string, query: Record<string, string>): Promise<Answer> {
  const signed = signRequest(`127.0.0.1:${port}`, key, action, query);
  return new Promise((resolvePromise, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: signed.method, path: signed.path, headers: signed.headers, timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolvePromise({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.once('timeout', () => req.destroy(new Error(`${action} timed out`)));
    req.once('error', reject);
    req.end();
  });
}

function expect200(answer: Answer, what: string): void {
  if (answer.status !== 200) {
    throw new Error(`${what} answered HTTP ${answer.status}, not 200: ${JSON.stringify(answer.body)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Load

/** Two states of a contact; every Update moves a contact to the other one, so each is a real change. */
const variants = [
  { Title: 'TechnicalDirector', 'MessageTypes.1': 'AccountExpenses' },
  { Title: 'CEO', 'MessageTypes.1': 'AccountExpenses', 'MessageTypes.2': 'SecurityMessage' },
] as const;

interface Workload {
  action: 'GetMessageContact' | 'UpdateMessageContact';
  contactIds: string[];
  /** For Update: the variant each contact holds now (index into `variants`). */
  holds: number[];
}

interface Measured {
  target: string;
  result: autocannon.Result;
  errorCodes: Map<string, number>;
  /** CPU seconds the server child used during the run (Linux /proc), if known. */
  serverCpuS: number | undefined;
  loadCpuS: number;
  wallS: number;
}

/** Per-connection state: autocannon deep-clones `requests` for each connection, so each gets its own. */
interface ConnectionState {
  slot?: number;
}

interface InFlight {
  slot: number;
  variant: number;
}

async function load(
  target: string,
  port: number,
  key: Key,
  workload: Workload,
  seconds: number,
  server: Child | undefined,
): Promise<Measured> {
  const host = `127.0.0.1:${port}`;
  let nextSlot = 0;
  const errorCodes = new Map<string, number>();
  const { action, contactIds, holds } = workload;

  const setupRequest = (request: autocannon.Request, context: object): autocannon.Request => {
    const state = (request as unknown as { state: ConnectionState }).state;
    if (state.slot === undefined) state.slot = nextSlot++;
    const slot = state.slot % contactIds.length;
    const contactId = contactIds[slot]!;
    let query: Record<string, string>;
    if (action === 'UpdateMessageContact') {
      const variant = 1 - holds[slot]!;
      query = { ContactId: contactId, ...variants[variant] };
      (context as { sent?: InFlight }).sent = { slot, variant };
    } else {
      query = { ContactId: contactId };
    }
    const signed = signRequest(host, key, action, query);
    return { ...request, method: signed.method, path: signed.path, headers: signed.headers };
  };

  const onResponse = (status: number, body: string, context: object): void => {
    const sent = (context as { sent?: InFlight }).sent;
    if (status >= 200 && status < 300) {
      if (sent) holds[sent.slot] = sent.variant;
      return;
    }
    let code = `HTTP ${status}`;
    try {
      const parsed = JSON.parse(body) as { Code?: unknown };
      if (typeof parsed.Code === 'string') code = `${status} ${parsed.Code}`;
    } catch {
      // not JSON
    }
    errorCodes.set(code, (errorCodes.get(code) ?? 0) + 1);
  };

  const cpuBefore = cpuSeconds(server?.process.pid);
  const loadBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await autocannon({
    url: `http://${host}`,
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
    requests: [{ method: 'POST', path: '/', state: {}, setupRequest, onResponse } as autocannon.Request],
  });
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuAfter = cpuSeconds(server?.process.pid);
  const loadUsed = process.cpuUsage(loadBefore);
  return {
    target,
    result,
    errorCodes,
    serverCpuS: cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined,
    loadCpuS: (loadUsed.user + loadUsed.system) / 1e6,
    wallS,
  };
}

async function warmAndMeasure(
  target: string,
  port: number,
  key: Key,
  workload: Workload,
  server: Child | undefined,
  beforeEach: () => Promise<void> = async () => {},
): Promise<Measured> {
  if (warmupS > 0) {
    await beforeEach();
    log(`  warm-up ${target} (${warmupS} s)`);
    await load(target, port, key, workload, warmupS, server);
  }
  await beforeEach();
  log(`  measure ${target} (${durationS} s, ${connections} connections)`);
  const measured = await load(target, port, key, workload, durationS, server);
  if (server?.exited) throw new Error(`${server.name} exited during the run\n${logTail(server)}`);
  return measured;
}

// ---------------------------------------------------------------------------------------------
// Targets

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function nodeArgs(profileName: string): string[] {
  // One directory per server: the tsx loader thread writes a profile of its own (CPU.*.<pid>.<thread>.*.cpuprofile);
  // the main thread's is the one with thread id 0.
  return cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', join(cpuProfDir, profileName)] : [];
}

/** A contact name: letters only, 2–12 characters. */
function contactName(index: number): string {
  const a = String.fromCharCode(65 + Math.floor(index / 26));
  const b = String.fromCharCode(65 + (index % 26));
  return `Bench${a}${b}`;
}

async function benchHello(tmp: string, key: Key, target: string): Promise<Measured> {
  const port = await freePort();
  const name = target.replace(/\W+/g, '-').replace(/-+$/, '');
  const child = startChild({
    name: target,
    port,
    cwd: repoRoot,
    args: [...nodeArgs(name), '--import', 'tsx', 'bench/hello-server.ts', String(port)],
    logFile: join(tmp, `${name}.log`),
  });
  try {
    await waitUntilReady(child, '/');
    const answer = await signedCall(port, key, 'GetMessageContact', { ContactId: 'c-0000000000000000' });
    expect200(answer, 'hello-world with a signed request');
    // The same hook as the Get target: fake but well-formed contact IDs.
    const contactIds = Array.from({ length: connections }, (_, i) => `c-${String(i).padStart(16, '0')}`);
    return await warmAndMeasure(target, port, key, { action: 'GetMessageContact', contactIds, holds: [] }, child);
  } finally {
    await stopChild(child);
  }
}

async function benchRdcontacts(tmp: string, key: Key, logLevel: string): Promise<Measured[]> {
  const port = await freePort();
  const dir = join(tmp, `rdcontacts-${logLevel}`);
  mkdirSync(dir);
  const child = startChild({
    name: `rdcontacts (log ${logLevel})`,
    port,
    cwd: serverRoot,
    args: [
      ...nodeArgs(`rdcontacts-${logLevel}`),
      '--import',
      'tsx',
      'src/cli/main.ts',
      'serve',
      '--port',
      String(port),
      '--database',
      `sqlite:${join(dir, 'bench.db')}`,
      '--throttle',
      'off',
      '--max-contacts',
      String(connections + 10),
      '--log-level',
      logLevel,
    ],
    env: { RDC_ACCESS_KEY_ID: key.accessKeyId, RDC_ACCESS_KEY_SECRET: key.accessKeySecret },
    logFile: join(dir, 'server.log'),
  });
  try {
    await waitUntilReady(child, '/healthz');

    // Contacts, through the official client (ACS3): one per connection.
    const client = apiClient('openapi-v3', `127.0.0.1:${port}`, { ...key, accountId: '', directoryId: '' });
    const contactIds: string[] = [];
    for (let i = 0; i < connections; i++) {
      const body = await client.call('AddMessageContact', {
        Name: contactName(i),
        EmailAddress: `bench${i}@example.com`,
        Title: variants[0].Title,
        MessageTypes: [variants[0]['MessageTypes.1']],
      });
      const id = body?.Contact?.ContactId;
      if (typeof id !== 'string') throw new Error(`AddMessageContact answered no ContactId: ${JSON.stringify(body)}`);
      contactIds.push(id);
    }

    // One signed Get and one signed Update must answer 200 (and the Update must show), or nothing is measured.
    const first = contactIds[0]!;
    const got = await signedCall(port, key, 'GetMessageContact', { ContactId: first });
    expect200(got, 'signed GetMessageContact');
    if (got.body?.Contact?.ContactId !== first) throw new Error(`GetMessageContact returned ${JSON.stringify(got.body)}`);
    expect200(await signedCall(port, key, 'UpdateMessageContact', { ContactId: first, ...variants[1] }), 'signed UpdateMessageContact');
    const after = await signedCall(port, key, 'GetMessageContact', { ContactId: first });
    expect200(after, 'signed GetMessageContact after the update');
    if (after.body?.Contact?.Title !== variants[1].Title) {
      throw new Error(`UpdateMessageContact did not change the Title: ${JSON.stringify(after.body)}`);
    }

    /** Reads every contact's Title, so each Update of the next run is a real change. */
    const holds: number[] = contactIds.map(() => 0);
    const resync = async () => {
      for (const [slot, contactId] of contactIds.entries()) {
        const answer = await signedCall(port, key, 'GetMessageContact', { ContactId: contactId });
        expect200(answer, 'signed GetMessageContact (resync)');
        holds[slot] = answer.body.Contact.Title === variants[1].Title ? 1 : 0;
      }
    };

    const results: Measured[] = [];
    if (actions.has('get')) {
      results.push(await warmAndMeasure(`Get (log ${logLevel})`, port, key, { action: 'GetMessageContact', contactIds, holds }, child));
    }
    if (actions.has('update')) {
      results.push(
        await warmAndMeasure(`Update (log ${logLevel})`, port, key, { action: 'UpdateMessageContact', contactIds, holds }, child, resync),
      );
    }
    return results;
  } finally {
    await stopChild(child);
  }
}

// ---------------------------------------------------------------------------------------------
// Report

function fixed(value: number | undefined, digits = 0): string {
  return value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits);
}

function okPerSecond(m: Measured): number {
  return m.result['2xx'] / m.result.duration;
}

const serverCpuPercent = (m: Measured) => (m.serverCpuS === undefined ? undefined : (m.serverCpuS / m.wallS) * 100);
const loadCpuPercent = (m: Measured) => (m.loadCpuS / m.wallS) * 100;
/** Server CPU time per answered request, in microseconds: the cost that does not depend on the load generator. */
const serverCpuPerRequest = (m: Measured) =>
  m.serverCpuS === undefined || m.result.requests.total === 0 ? undefined : (m.serverCpuS * 1e6) / m.result.requests.total;

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row, index) => {
      const line = row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
      return index === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

function report(helloBefore: Measured, helloAfter: Measured, others: Measured[]): boolean {
  const all = [helloBefore, ...others, helloAfter];
  const rows = [['target', 'req/s', '2xx/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'server CPU %', 'server µs/req', 'loadgen CPU %']];
  for (const m of all) {
    rows.push([
      m.target,
      fixed(m.result.requests.average),
      fixed(okPerSecond(m)),
      fixed(m.result.latency.p50, 1),
      fixed(m.result.latency.p99, 1),
      String(m.result.non2xx),
      String(m.result.errors),
      fixed(serverCpuPercent(m)),
      fixed(serverCpuPerRequest(m)),
      fixed(loadCpuPercent(m)),
    ]);
  }
  process.stdout.write(
    `\nrdcontacts bench: ${durationS} s per target after ${warmupS} s warm-up, ${connections} connections, ` +
      `autocannon in-process, servers in child processes, node ${process.version}` +
      `${serverRoot === repoRoot ? '' : `\nrdcontacts server from ${serverRoot}`}\n\n${table(rows)}\n`,
  );

  for (const m of all) {
    if (m.errorCodes.size > 0) {
      const codes = [...m.errorCodes].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code} ×${n}`);
      process.stdout.write(`  ${m.target} non-2xx: ${codes.join(', ')}\n`);
    }
  }

  // The baseline is the mean of the hello-world runs before and after: drift between them means
  // something else used this machine's CPU during the run.
  const before = okPerSecond(helloBefore);
  const after = okPerSecond(helloAfter);
  const base = (before + after) / 2;
  const drift = Math.abs(before - after) / Math.max(before, after);
  const ratioRows = [['ratio (2xx/s over mean hello-world)', 'value', 'goal', 'met']];
  let allMet = true;
  const ratios: Record<string, number> = {};
  for (const m of others) {
    const kind = m.target.startsWith('Get') ? 'get' : 'update';
    const ratio = base > 0 ? okPerSecond(m) / base : Number.NaN;
    const met = ratio >= goals[kind];
    allMet &&= met;
    const name = m.target.replace(/^(\w+)/, '$1/hello');
    ratios[name] = Math.round(ratio * 1000) / 1000;
    ratioRows.push([name, fixed(ratio, 2), `≥ ${goals[kind]}`, met ? 'yes' : 'NO']);
  }
  process.stdout.write(`\n${table(ratioRows)}\n`);
  if (drift > 0.15) {
    process.stdout.write(
      `\nwarning: hello-world gave ${fixed(before)} 2xx/s before and ${fixed(after)} after (${fixed(drift * 100)} % apart): ` +
        'the machine was busy with something else; run again on a quiet machine.\n',
    );
  }
  for (const hello of [helloBefore, helloAfter]) {
    if (loadCpuPercent(hello) > 85) {
      process.stdout.write(
        `\nnote: the load generator used ${fixed(loadCpuPercent(hello))} % of a core against ${hello.target} ` +
          `(server ${fixed(serverCpuPercent(hello))} %), so the baseline may be client-bound and the ratios flattering.\n`,
      );
    }
  }
  const summary: Record<string, unknown> = Object.fromEntries(
    all.map((m) => [
      m.target,
      {
        rps: Math.round(m.result.requests.average),
        ok: Math.round(okPerSecond(m)),
        p50: m.result.latency.p50,
        p99: m.result.latency.p99,
        non2xx: m.result.non2xx,
        serverUsPerReq: Math.round(serverCpuPerRequest(m) ?? Number.NaN),
      },
    ]),
  );
  process.stdout.write(`\n${JSON.stringify({ durationS, warmupS, connections, results: summary, ratios })}\n`);
  return allMet;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const tmp = mkdtempSync(join(tmpdir(), 'rdcontacts-bench-'));
  // Synchronous, so that it also runs on a signal, an uncaught error, or any other way out.
  const cleanUp = () => {
    killAllNow();
    rmSync(tmp, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log(`\n${signal}: stopping`);
    cleanUp();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', cleanUp);
  if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });

  const key: Key = {
    accessKeyId: `LTAIbench${randomBytes(8).toString('hex')}`,
    accessKeySecret: randomBytes(22).toString('base64url'),
  };
  try {
    log('hello-world');
    const helloBefore = await benchHello(tmp, key, 'hello-world');
    const others: Measured[] = [];
    for (const level of logLevels) {
      log(`rdcontacts, --log-level ${level}`);
      others.push(...(await benchRdcontacts(tmp, key, level)));
    }
    log('hello-world again');
    const helloAfter = await benchHello(tmp, key, 'hello-world (again)');
    const met = report(helloBefore, helloAfter, others);
    if (cpuProfDir) process.stdout.write(`\nCPU profiles in ${cpuProfDir}\n`);
    return met || !strict ? 0 : 1;
  } finally {
    await stopAll();
    cleanUp();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(`\nbench FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}

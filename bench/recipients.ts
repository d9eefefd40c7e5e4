/**
 * `npm run bench:recipients`: ListEffectiveMessageContacts and GetMessageContactCoverage through the
 * whole stack, on a directory of 20 member accounts and on one of 10,000, each with 20 verified
 * contacts bound to the directory, to folders and to accounts. Prints requests per second and
 * latency, and how many SQL statements one call runs (which must not grow with the directory).
 *
 * Environment: BENCH_DURATION (seconds per measurement, default 5), BENCH_CONNECTIONS (default 8).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Kysely, SqliteDialect } from 'kysely';
import SQLite from 'better-sqlite3';
import { resolveConfig } from '../src/config.js';
import { bootstrap } from '../src/domain/organization.js';
import { systemClock } from '../src/domain/time.js';
import { createApp } from '../src/server/app.js';
import { openStore, storeOver, type Store } from '../src/store/store.js';
import type { Database } from '../src/store/schema.js';
import { addFolder, rootFolderOf } from '../test/support/tree-fixtures.js';
import { freePort, killAllNow, startChild, stopAll, waitUntilReady } from './children.js';
import { type Key, signRequest } from './sign.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const durationS = Number(process.env.BENCH_DURATION ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 8);
const messageTypes = ['ServiceMessage', 'FaultMessage', 'AccountExpenses', 'SecurityMessage', 'ActivityMessage', 'ProductMessage'];

interface Seeded {
  key: Key;
  accounts: string[];
}

/** A directory with `members` accounts spread over 10 folders (two levels) and 20 verified contacts. */
async function seed(databaseUrl: string, members: number): Promise<Seeded> {
  const store = await openStore(databaseUrl);
  const key = { accessKeyId: 'LTAIbenchRecipients0000', accessKeySecret: 'benchRecipientsSecret000000000' };
  const { account } = await bootstrap(store, systemClock, key);
  const directoryId = account.directoryId;
  const root = await rootFolderOf(store, directoryId);
  const folders: string[] = [];
  for (let i = 0; i < 5; i += 1) {
    const top = await addFolder(store, directoryId, root, `top${i}`);
    folders.push(top, await addFolder(store, directoryId, top, `sub${i}`));
  }
  const now = new Date().toISOString();
  const accounts: string[] = [];
  await store.transaction(async (tx) => {
    const db = tx.tree.db;
    for (let i = 0; i < members; i += 1) {
      const id = String(5_000_000_000_000_000 + i);
      accounts.push(id);
      await db
        .insertInto('members')
        .values({
          id,
          directory_id: directoryId,
          folder_id: folders[i % folders.length]!,
          display_name: `member${i}`,
          account_name: `member${i}@${directoryId.toLowerCase()}.aliyunid.com`,
          type: 'ResourceAccount',
          status: 'CreateSuccess',
          join_method: 'created',
          join_time: now,
          modify_time: now,
          payer_account_id: null,
          resell_account_type: 'resell',
          removed_at: null,
          version: 1,
        })
        .execute();
    }
    for (let c = 0; c < 20; c += 1) {
      const id = `c-bench${String(c).padStart(11, '0')}`;
      const types = [messageTypes[c % 6]!, messageTypes[(c + 1) % 6]!];
      await db
        .insertInto('contacts')
        .values({
          id,
          directory_id: directoryId,
          name: `bench${String.fromCharCode(97 + c)}`,
          title: 'Other',
          message_types: JSON.stringify(types),
          email: `bench${c}@example.com`,
          phone: null,
          lifecycle: 'Live',
          version: 1,
          created_at: now,
          updated_at: now,
          deleted_at: null,
        })
        .execute();
      await tx.contacts.setMessageTypes(id, types);
      // Contact 0 covers the directory, 1–10 one folder each, the rest up to 10 accounts each.
      const targets: [string, 'directory' | 'folder' | 'account'][] =
        c === 0
          ? [[directoryId, 'directory']]
          : c <= 10
            ? [[folders[c - 1]!, 'folder']]
            : accounts.slice(c * 7, c * 7 + 10).map((a) => [a, 'account']);
      for (const [memberId, kind] of targets) {
        await db.insertInto('contact_bindings').values({ contact_id: id, member_id: memberId, member_kind: kind, created_at: now }).execute();
      }
    }
  });
  await store.close();
  return { key, accounts };
}

/** Counts the SQL statements one call runs, in-process, with Kysely's query log. */
async function statementsPerCall(databaseUrl: string, key: Key, action: string, query: Record<string, string>): Promise<number> {
  let statements = 0;
  const sqlite = new SQLite(databaseUrl.slice('sqlite:'.length));
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: sqlite }),
    log: (event) => {
      if (event.level === 'query') statements += 1;
    },
  });
  const store: Store = storeOver(db);
  const port = await freePort();
  const app = createApp({ config: resolveConfig({ port: String(port), throttle: 'off' }, {}), store, logger: false });
  await app.listen({ host: '127.0.0.1', port });
  try {
    const signed = signRequest(`127.0.0.1:${port}`, key, action, query);
    statements = 0;
    const response = await app.inject({ method: 'POST', url: signed.path, headers: signed.headers });
    if (response.statusCode !== 200) throw new Error(`${action}: ${response.statusCode} ${response.body}`);
    return statements;
  } finally {
    await app.close();
    await store.close();
  }
}

async function measure(port: number, key: Key, action: string, query: () => Record<string, string>) {
  const first = signRequest(`127.0.0.1:${port}`, key, action, query());
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: durationS,
    requests: [
      {
        method: 'POST',
        path: first.path,
        setupRequest: (request) => {
          const signed = signRequest(`127.0.0.1:${port}`, key, action, query());
          return { ...request, method: 'POST', path: signed.path, headers: signed.headers };
        },
      },
    ],
  });
  return { rps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx };
}

async function scenario(members: number) {
  const dir = mkdtempSync(join(tmpdir(), 'rdc-bench-recipients-'));
  try {
    const databaseUrl = `sqlite:${join(dir, 'bench.db')}`;
    const { key, accounts } = await seed(databaseUrl, members);
    const coverageQuery = { PageSize: '100' };
    const effectiveStatements = await statementsPerCall(databaseUrl, key, 'ListEffectiveMessageContacts', { AccountId: accounts[0]! });
    const coverageStatements = await statementsPerCall(databaseUrl, key, 'GetMessageContactCoverage', coverageQuery);
    const port = await freePort();
    const child = startChild({
      name: `rdcontacts-${members}`,
      port,
      args: ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), 'serve', '--port', String(port), '--database', databaseUrl, '--throttle', 'off', '--log-level', 'warn'],
      cwd: repoRoot,
      env: { RDC_ACCESS_KEY_ID: key.accessKeyId, RDC_ACCESS_KEY_SECRET: key.accessKeySecret },
      logFile: join(dir, 'server.log'),
    });
    await waitUntilReady(child, '/healthz');
    let next = 0;
    const effective = await measure(port, key, 'ListEffectiveMessageContacts', () => ({ AccountId: accounts[next++ % accounts.length]! }));
    const coverage = await measure(port, key, 'GetMessageContactCoverage', () => coverageQuery);
    await stopAll();
    return { members, effective, coverage, effectiveStatements, coverageStatements };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.once('SIGINT', () => {
  killAllNow();
  process.exit(130);
});

try {
  const rows = [];
  for (const members of [20, 10_000]) rows.push(await scenario(members));
  process.stdout.write(`\nrecipients bench: ${durationS} s per measurement, ${connections} connections, node ${process.version}\n\n`);
  process.stdout.write('accounts  action                        SQL/call  req/s  p50 ms  p99 ms  non-2xx\n');
  for (const row of rows) {
    for (const [name, figures, statements] of [
      ['ListEffectiveMessageContacts', row.effective, row.effectiveStatements],
      ['GetMessageContactCoverage', row.coverage, row.coverageStatements],
    ] as const) {
      process.stdout.write(
        `${String(row.members).padStart(8)}  ${name.padEnd(28)}  ${String(statements).padStart(8)}  ${String(figures.rps).padStart(5)}  ${String(figures.p50).padStart(6)}  ${String(figures.p99).padStart(6)}  ${String(figures.non2xx).padStart(7)}\n`,
      );
    }
  }
  process.stdout.write(`${JSON.stringify(rows)}\n`);
} catch (error) {
  killAllNow();
  throw error;
}

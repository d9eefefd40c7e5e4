/**
 * The storage backends every behaviour suite runs against. Each entry opens a fresh, empty store.
 *
 * PostgreSQL: the server at RDC_TEST_POSTGRES_URL (default postgres://root@127.0.0.1:5432/test);
 * every store it opens lives in a schema of its own, dropped when the store is closed, so runs never
 * see each other's data.
 */
import pg from 'pg';
import { openStore, type Store } from '../../src/store/store.js';

export interface Backend {
  name: string;
  open(): Promise<Store>;
}

export const postgresUrl = process.env.RDC_TEST_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/test';

/** A URL of the test database whose connections work in `schema`. */
export function inSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

/** A fresh schema on the test server; `drop` removes it with everything in it. */
export async function freshSchema(): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `rdc_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
  } finally {
    await admin.end();
  }
  return {
    url: inSchema(postgresUrl, schema),
    async drop() {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      try {
        await client.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

const postgres: Backend = {
  name: 'postgres',
  async open() {
    const schema = await freshSchema();
    const store = await openStore(schema.url);
    const close = store.close.bind(store);
    store.close = async () => {
      await close();
      await schema.drop();
    };
    return store;
  },
};

async function postgresReachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

const sqlite: Backend = { name: 'sqlite', open: () => openStore('sqlite::memory:') };

async function available(): Promise<Backend[]> {
  if (process.env.RDC_TEST_POSTGRES !== '1') return [sqlite];
  const problem = await postgresReachable();
  if (problem === undefined) return [sqlite, postgres];
  throw new Error(`the PostgreSQL pass needs ${postgresUrl.replace(/:[^:@/]*@/, ':[hidden]@')}: ${problem}`);
}

export const backends: Backend[] = await available();

/**
 * The storage backends every behaviour suite runs against. Each entry opens a fresh, empty store.
 *
 * PostgreSQL: the server at RDC_TEST_POSTGRES_URL (default postgres://root@127.0.0.1:5432/test);
 * every store it opens lives in a schema of its own, dropped when the store is closed, so runs never
 * see each other's data.
 */
import pg from 'pg';
import { openStore, type Store } from '../../src/store/store.js';
import { freshSchema, postgresUrl } from './pg-schemas.js';

export interface Backend {
  name: string;
  open(): Promise<Store>;
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

/**
 * SQLite always; PostgreSQL when its server answers. In CI (CI=true) the PostgreSQL pass is
 * required: an unreachable server fails the run. Elsewhere it is skipped with a note saying how to
 * enable it; RDC_TEST_POSTGRES=off skips it on purpose.
 */
async function available(): Promise<Backend[]> {
  const required = process.env.CI === 'true';
  if (process.env.RDC_TEST_POSTGRES === 'off' && !required) return [sqlite];
  const problem = await postgresReachable();
  if (problem === undefined) return [sqlite, postgres];
  const where = postgresUrl.replace(/:[^:@/]*@/, ':[hidden]@');
  if (required) throw new Error(`CI=true requires the PostgreSQL pass, but ${where} does not answer: ${problem}`);
  process.stderr.write(
    `note: the PostgreSQL pass is SKIPPED: ${where} does not answer (${problem}). Start PostgreSQL ` +
      '(pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or point ' +
      'RDC_TEST_POSTGRES_URL at a server where this user may create schemas.\n',
  );
  return [sqlite];
}

export const backends: Backend[] = await available();

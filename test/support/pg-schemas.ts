/**
 * Schemas of their own on the test PostgreSQL server (RDC_TEST_POSTGRES_URL, default
 * postgres://root@127.0.0.1:5432/test), so that test runs and bench runs never see each other's data.
 */
import pg from 'pg';

export const postgresUrl = process.env.RDC_TEST_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/test';

/** A URL of the test database whose connections work in `schema`. */
export function inSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

/** A fresh schema on the test server: `exec` runs a statement in it from outside the store, `drop` removes it with everything in it. */
export async function freshSchema(): Promise<{ schema: string; url: string; exec: (statement: string) => Promise<void>; drop: () => Promise<void> }> {
  const schema = `rdc_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
  } finally {
    await admin.end();
  }
  const url = inSchema(postgresUrl, schema);
  return {
    schema,
    url,
    async exec(statement) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(statement);
      } finally {
        await client.end();
      }
    },
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


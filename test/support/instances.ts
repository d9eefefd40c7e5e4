/**
 * Several rdcontacts instances on one fresh PostgreSQL schema, each an app with its own store and
 * connection pool, on 127.0.0.1: the first bootstraps the management account and its root key.
 */
import type { FastifyInstance } from 'fastify';
import { type RawSettings, resolveConfig } from '../../src/config.js';
import { type ManagementAccount, bootstrap } from '../../src/domain/organization.js';
import { systemClock } from '../../src/domain/time.js';
import { createApp } from '../../src/server/app.js';
import { openStore, type Store } from '../../src/store/store.js';
import { freshSchema } from './pg-schemas.js';
import { freePort } from './ports.js';

export interface Instance {
  app: FastifyInstance;
  store: Store;
  /** `127.0.0.1:<port>`. */
  endpoint: string;
}

export interface Instances {
  instances: Instance[];
  account: ManagementAccount;
  rootKey: { accessKeyId: string; accessKeySecret: string };
  close(): Promise<void>;
}

export async function startInstances(count: number, settings: RawSettings = {}): Promise<Instances> {
  const schema = await freshSchema();
  const instances: Instance[] = [];
  let bootstrapped: Awaited<ReturnType<typeof bootstrap>> | undefined;
  for (let i = 0; i < count; i++) {
    const store = await openStore(schema.url);
    const port = await freePort();
    bootstrapped ??= await bootstrap(store, systemClock);
    const app = createApp({ config: resolveConfig({ port: String(port), throttle: 'off', ...settings }, {}), store, logger: false });
    await app.listen({ host: '127.0.0.1', port });
    instances.push({ app, store, endpoint: `127.0.0.1:${port}` });
  }
  const { account, createdKey } = bootstrapped!;
  return {
    instances,
    account,
    rootKey: { accessKeyId: createdKey!.accessKeyId, accessKeySecret: createdKey!.accessKeySecret },
    async close() {
      for (const { app, store } of instances) {
        await app.close();
        await store.close();
      }
      await schema.drop();
    },
  };
}

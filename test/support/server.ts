/** Starts rdcontacts in this process on 127.0.0.1 with a fresh store, for one test file or suite. */
import { type Config, resolveConfig } from '../../src/config.js';
import { bootstrap, createAccessKey, createManagementAccount } from '../../src/domain/organization.js';
import { createApp } from '../../src/server/app.js';
import type { Store } from '../../src/store/store.js';
import { type Backend, backends } from './backends.js';
import { TestClock } from './test-clock.js';
import { freePort } from './ports.js';

export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  accountId: string;
  directoryId: string;
}

export interface TestServer {
  /** `127.0.0.1:<port>`, as the clients' `endpoint` wants it. */
  endpoint: string;
  baseUrl: string;
  store: Store;
  clock: TestClock;
  config: Config;
  /** The bootstrap management account's key. */
  credentials: Credentials;
  /** A new management account with its own directory and key: another tenant. */
  newTenant(): Promise<Credentials>;
  close(): Promise<void>;
}


export async function startServer(
  options: { backend?: Backend; config?: Partial<Config>; /** How often the audit trail is swept (createApp's default unless given). */ auditSweepMs?: number } = {},
): Promise<TestServer> {
  const backend = options.backend ?? backends[0]!;
  const store = await backend.open();
  const clock = new TestClock();
  const port = await freePort();
  const config: Config = {
    ...resolveConfig({ port: String(port), throttle: 'off' }, {}),
    ...options.config,
  };
  const { account, createdKey } = await bootstrap(store, clock.now);
  // RDC_TEST_LOG=error (or another level) shows the server's log, to see why a test got a 500.
  const logLevel = process.env.RDC_TEST_LOG;
  const app = createApp({
    config,
    store,
    clock: clock.now,
    signatureClock: clock.signatureNow,
    logger: logLevel ? { level: logLevel } : false,
    ...(options.auditSweepMs !== undefined ? { auditSweepMs: options.auditSweepMs } : {}),
  });
  await app.listen({ host: '127.0.0.1', port });
  const newTenant = async (): Promise<Credentials> => {
    const other = await createManagementAccount(store, clock.now);
    const key = await createAccessKey(store, clock.now, other.accountId);
    return {
      accessKeyId: key.accessKeyId,
      accessKeySecret: key.accessKeySecret,
      accountId: other.accountId,
      directoryId: other.directoryId,
    };
  };
  return {
    endpoint: `127.0.0.1:${port}`,
    baseUrl: `http://127.0.0.1:${port}`,
    store,
    clock,
    config,
    credentials: {
      accessKeyId: createdKey!.accessKeyId,
      accessKeySecret: createdKey!.accessKeySecret,
      accountId: account.accountId,
      directoryId: account.directoryId,
    },
    newTenant,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

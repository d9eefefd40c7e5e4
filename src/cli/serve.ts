/** `rdcontacts serve`: open the store, bootstrap it on first start, and listen. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { type RawSettings, type SettingName, defaultPublicUrl, resolveConfig, settingHelp, settings } from '../config.js';
import { AccessKeyConflictError, type BootstrapResult, bootstrap } from '../domain/organization.js';
import { CliError } from './output.js';
import { systemClock } from '../domain/time.js';
import { createApp } from '../server/app.js';
import { type ConfiguredTransports, createTransports, transportNames } from '../delivery/transports/index.js';
import { type Metrics, type MetricsListener, createMetrics, listenForScrapes } from '../metrics/index.js';
import { describeError, parseDatabaseUrl, redactUrl } from '../store/database.js';
import { type ServeLock, lockForServe } from '../store/sqlite/serve-lock.js';
import { type Store, openStore } from '../store/store.js';

/**
 * Where a generated bootstrap key is written, readable by its owner only: beside the SQLite file,
 * named after it (`<database file>.credentials.json`), so that two databases in one directory
 * never share one; for PostgreSQL, `./data/bootstrap-credentials.json` of the working directory.
 */
export function credentialsFile(databaseUrl: string): string | undefined {
  const location = parseDatabaseUrl(databaseUrl);
  if (location.dialect === 'postgres') return resolve('data', 'bootstrap-credentials.json');
  return location.path === ':memory:' ? undefined : `${resolve(location.path)}.credentials.json`;
}

/**
 * A generated key is written to its credentials file, which must not exist: refused before the
 * account and key are made (so no secret is made that cannot be kept), when this start would
 * generate one — no key given in the environment, none stored yet.
 */
async function refuseLostSecret(store: Store, file: string | undefined, keyGiven: boolean): Promise<void> {
  if (keyGiven || file === undefined || !existsSync(file)) return;
  if ((await store.accessKeys.list()).length > 0) return;
  throw new CliError(
    `a new AccessKey would be written to ${file}, which already exists (left by another database?): ` +
      'move it away, or set RDC_ACCESS_KEY_ID and RDC_ACCESS_KEY_SECRET',
  );
}

/** Writes the generated key, owner-only; what went wrong instead, if it could not. */
function writeCredentials(file: string, credentials: Record<string, string>): string | undefined {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    return undefined;
  } catch (error) {
    return describeError(error);
  }
}

export function serveCommand(): Command {
  const command = new Command('serve').description('run the rdcontacts service');
  for (const setting of Object.values(settings)) command.addOption(new Option(setting.flag, settingHelp(setting)));
  command.option('--json', 'print a generated bootstrap key as JSON instead of text');
  return command.action(async (flags: RawSettings & { json?: boolean }) => {
    const config = resolveConfig(flags, process.env, process.stdout.isTTY === true);
    let transports: ConfiguredTransports;
    try {
      transports = await createTransports(config.delivery);
    } catch (error) {
      throw new CliError(`the delivery transports cannot be set up: ${(error as Error).message}`);
    }
    const location = parseDatabaseUrl(config.databaseUrl);
    // One serve per SQLite file: what it keeps in memory (nonces, throttling) is its own.
    const lock: ServeLock | undefined = location.dialect === 'sqlite' && location.path !== ':memory:' ? lockForServe(location.path) : undefined;
    let store: Store | undefined;
    const file = credentialsFile(config.databaseUrl);
    let booted: BootstrapResult;
    try {
      store = await openStore(config.databaseUrl, { sqliteSynchronous: config.sqliteSynchronous });
      await refuseLostSecret(store, file, config.bootstrapKey !== undefined);
      booted = await bootstrap(store, systemClock, config.bootstrapKey);
    } catch (error) {
      await store?.close();
      lock?.release();
      if (error instanceof AccessKeyConflictError) throw new CliError(error.message);
      throw error;
    }
    const opened = store;
    const { newer } = await opened.schemaStatus();
    const { account, createdKey } = booted;
    // Metrics only when asked for (--metrics-port): otherwise nothing is measured at all.
    const metrics: Metrics | undefined = config.metrics
      ? createMetrics({
          store: opened,
          transports: transportNames(config.delivery),
          onError: (error) => app.log.warn({ err: error }, 'metrics: the store could not be read for a scrape'),
        })
      : undefined;
    const app = createApp({ config, store: opened, transports, ...(metrics ? { telemetry: metrics.telemetry } : {}) });

    if (createdKey?.generated) {
      const credentials = {
        AccountId: account.accountId,
        ResourceDirectoryId: account.directoryId,
        AccessKeyId: createdKey.accessKeyId,
        AccessKeySecret: createdKey.accessKeySecret,
      };
      const notWritten = file ? writeCredentials(file, credentials) : undefined;
      const written = file !== undefined && notWritten === undefined ? file : undefined;
      // Printed once, on the terminal, never through the log; printed even when the file could not
      // be written, so that the secret is never lost.
      if (flags.json) process.stdout.write(`${JSON.stringify({ ...credentials, CredentialsFile: written ?? null })}\n`);
      else process.stdout.write(
        `Created management account ${account.accountId} with resource directory ${account.directoryId}.\n` +
          `AccessKeyId:     ${createdKey.accessKeyId}\nAccessKeySecret: ${createdKey.accessKeySecret}\n` +
          (written ? `Also written to ${written} (readable only by you). This is the only time it is printed.\n` : ''),
      );
      if (notWritten) process.stderr.write(`rdcontacts: the key could not be written to ${file} (${notWritten}): keep it now, it is not printed again\n`);
    }

    let closing = false;
    let scrapes: MetricsListener | undefined;
    const shutdown = async () => {
      if (closing) return;
      closing = true;
      await scrapes?.close();
      await app.close();
      await opened.close();
      lock?.release();
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    try {
      await app.listen({ host: config.host, port: config.port });
    } catch (error) {
      await app.close();
      await opened.close();
      lock?.release();
      throw new CliError(`cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`);
    }
    // Without --public-url the links name where the service listens: with --port 0, the port the
    // system chose (the verification service reads config.publicUrl at each send).
    const address = app.server.address();
    if (config.publicUrl === defaultPublicUrl(config.host, config.port) && address !== null && typeof address === 'object') {
      config.publicUrl = defaultPublicUrl(config.host, address.port);
    }
    // The metrics listener once the service answers; said before "ready", so that ready means both.
    if (metrics && config.metrics) {
      const at = config.metrics;
      try {
        scrapes = await listenForScrapes(metrics.registry, {
          host: at.host,
          port: at.port,
          onError: (error) => app.log.error({ err: error }, 'metrics: a scrape failed'),
        });
      } catch (error) {
        await app.close();
        await opened.close();
        lock?.release();
        throw new CliError(`cannot listen on ${at.host}:${at.port} for metrics: ${(error as Error).message}`);
      }
      if (closing) await scrapes.close();
      app.log.info({ host: scrapes.host, port: scrapes.port }, 'metrics listening');
    }
    app.log.info(
      { directory: account.directoryId, account: account.accountId, database: redactUrl(config.databaseUrl), publicUrl: config.publicUrl },
      'rdcontacts ready',
    );
    if (newer.length > 0) {
      app.log.warn({ migrations: newer }, 'the database was migrated by a newer release; running on it as it is');
    }
  });
}

export type { SettingName };

/** `rdcontacts serve`: open the store, bootstrap it on first start, and listen. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { type RawSettings, type SettingName, resolveConfig, settings } from '../config.js';
import { AccessKeyConflictError, type BootstrapResult, bootstrap } from '../domain/organization.js';
import { CliError } from './output.js';
import { systemClock } from '../domain/time.js';
import { createApp } from '../server/app.js';
import { type ConfiguredTransports, createTransports } from '../delivery/transports/index.js';
import { parseDatabaseUrl, redactUrl } from '../store/database.js';
import { openStore } from '../store/store.js';

/**
 * Where a generated bootstrap key is written, readable by its owner only: beside the SQLite file;
 * for PostgreSQL, under ./data of the working directory.
 */
export function credentialsFile(databaseUrl: string): string | undefined {
  const location = parseDatabaseUrl(databaseUrl);
  if (location.dialect === 'postgres') return resolve('data', 'bootstrap-credentials.json');
  return location.path === ':memory:' ? undefined : join(dirname(resolve(location.path)), 'bootstrap-credentials.json');
}

export function serveCommand(): Command {
  const command = new Command('serve').description('run the rdcontacts service');
  for (const setting of Object.values(settings)) {
    command.addOption(new Option(setting.flag, `${setting.help} (env ${setting.env})`));
  }
  command.option('--json', 'print a generated bootstrap key as JSON instead of text');
  return command.action(async (flags: RawSettings & { json?: boolean }) => {
    const config = resolveConfig(flags);
    let transports: ConfiguredTransports;
    try {
      transports = await createTransports(config.delivery);
    } catch (error) {
      throw new CliError(`the delivery transports cannot be set up: ${(error as Error).message}`);
    }
    const store = await openStore(config.databaseUrl, { sqliteSynchronous: config.sqliteSynchronous });
    const { newer } = await store.schemaStatus();
    let booted: BootstrapResult;
    try {
      booted = await bootstrap(store, systemClock, config.bootstrapKey);
    } catch (error) {
      await store.close();
      if (error instanceof AccessKeyConflictError) throw new CliError(error.message);
      throw error;
    }
    const { account, createdKey } = booted;
    const app = createApp({ config, store, transports });

    if (createdKey?.generated) {
      const file = credentialsFile(config.databaseUrl);
      const credentials = {
        AccountId: account.accountId,
        ResourceDirectoryId: account.directoryId,
        AccessKeyId: createdKey.accessKeyId,
        AccessKeySecret: createdKey.accessKeySecret,
      };
      if (file) {
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
        writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      }
      // Printed once, on the terminal, never through the log.
      if (flags.json) process.stdout.write(`${JSON.stringify({ ...credentials, CredentialsFile: file ?? null })}\n`);
      else process.stdout.write(
        `Created management account ${account.accountId} with resource directory ${account.directoryId}.\n` +
          `AccessKeyId:     ${createdKey.accessKeyId}\nAccessKeySecret: ${createdKey.accessKeySecret}\n` +
          (file ? `Also written to ${file} (readable only by you). This is the only time it is printed.\n` : ''),
      );
    }

    let closing = false;
    const shutdown = async () => {
      if (closing) return;
      closing = true;
      await app.close();
      await store.close();
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    try {
      await app.listen({ host: config.host, port: config.port });
    } catch (error) {
      await app.close();
      await store.close();
      throw new CliError(`cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`);
    }
    app.log.info(
      { directory: account.directoryId, account: account.accountId, database: redactUrl(config.databaseUrl) },
      'rdcontacts ready',
    );
    if (newer.length > 0) {
      app.log.warn({ migrations: newer }, 'the database was migrated by a newer release; running on it as it is');
    }
  });
}

export type { SettingName };

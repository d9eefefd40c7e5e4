/** `rdcontacts admin`: management accounts and AccessKey pairs. */
import { Command } from 'commander';
import { checkDisplayName } from '../domain/directory/names.js';
import { isApiError } from '../domain/errors.js';
import {
  AccessKeyConflictError,
  UnknownAccountError,
  changeAccessKey,
  createAccessKey,
  createManagementAccount,
  listManagementAccounts,
} from '../domain/organization.js';
import { systemClock, toApiDate } from '../domain/time.js';
import { databaseOption, jsonOption, withStore } from './database-option.js';
import { CliError, printJson, printTable } from './output.js';

interface Common {
  database?: string;
  json?: boolean;
}

/** `--name`: the rule of every account's display name in the directory (checkDisplayName). */
function displayName(name: string): string {
  try {
    return checkDisplayName(name);
  } catch (error) {
    if (!isApiError(error)) throw error;
    throw new CliError(
      `--name must be 2 to 50 letters, digits, "_", ".", "-", spaces between them or Chinese characters (${error.code}), not "${name}"`,
    );
  }
}

/** Says that a listing holds nothing (in text mode; JSON prints []). */
function printRows(rows: Record<string, string>[], none: string): void {
  if (rows.length === 0) process.stdout.write(`${none}\n`);
  else printTable(rows);
}

export function adminCommand(): Command {
  const admin = new Command('admin').description('manage accounts and AccessKey pairs');
  const accounts = admin.command('accounts').description('management accounts, each with its own resource directory');
  const keys = admin.command('keys').description('AccessKey pairs');

  accounts
    .command('create')
    .description('create a management account with its resource directory and Root folder')
    .option('--name <name>', 'display name of the account: 2 to 50 letters, digits, _ . -, inner spaces or Chinese characters', 'management')
    .addOption(databaseOption())
    .addOption(jsonOption())
    .action(async (options: Common & { name: string }) => {
      const name = displayName(options.name);
      const account = await withStore(options, (store) => createManagementAccount(store, systemClock, name));
      const shaped = {
        AccountId: account.accountId,
        DisplayName: account.displayName,
        ResourceDirectoryId: account.directoryId,
        RootFolderId: account.rootFolderId,
        CreateDate: toApiDate(account.createdAt),
      };
      if (options.json) printJson(shaped);
      else printTable([shaped]);
    });

  accounts
    .command('list')
    .description('list management accounts')
    .addOption(databaseOption())
    .addOption(jsonOption())
    .action(async (options: Common) => {
      const list = await withStore(options, (store) => listManagementAccounts(store));
      const shaped = list.map((account) => ({
        AccountId: account.accountId,
        DisplayName: account.displayName,
        ResourceDirectoryId: account.directoryId,
        RootFolderId: account.rootFolderId,
        CreateDate: toApiDate(account.createdAt),
      }));
      if (options.json) printJson(shaped);
      else printRows(shaped, 'no accounts');
    });

  keys
    .command('create')
    .description('create an AccessKey pair for a management account; the secret is shown only now')
    .requiredOption('--account <id>', 'management account ID')
    .addOption(databaseOption())
    .addOption(jsonOption())
    .action(async (options: Common & { account: string }) => {
      const pair = await withStore(options, async (store) => {
        try {
          return await createAccessKey(store, systemClock, options.account);
        } catch (error) {
          if (error instanceof UnknownAccountError || error instanceof AccessKeyConflictError) throw new CliError(error.message);
          throw error;
        }
      });
      const shaped = {
        AccessKeyId: pair.accessKeyId,
        AccessKeySecret: pair.accessKeySecret,
        AccountId: pair.accountId,
        Status: pair.status,
        CreateDate: toApiDate(pair.createdAt),
      };
      if (options.json) printJson(shaped);
      else printTable([shaped]);
    });

  keys
    .command('list')
    .description('list AccessKey pairs (never their secrets)')
    .addOption(databaseOption())
    .addOption(jsonOption())
    .action(async (options: Common) => {
      const list = await withStore(options, (store) => store.accessKeys.list());
      const shaped = list.map((key) => ({
        AccessKeyId: key.id,
        AccountId: key.account_id,
        // Whose key: the account itself (root) or one of its RAM users.
        Identity: key.user_id === null ? 'root' : `user/${key.user_name ?? key.user_id}`,
        Status: key.status,
        CreateDate: toApiDate(key.created_at),
      }));
      if (options.json) printJson(shaped);
      else printRows(shaped, 'no keys');
    });

  for (const [name, description] of [
    ['disable', 'disable an AccessKey pair: requests signed with it answer InvalidAccessKeyId.Inactive'],
    ['enable', 'enable a disabled AccessKey pair'],
    ['delete', 'delete an AccessKey pair: requests signed with it answer InvalidAccessKeyId.NotFound'],
  ] as const) {
    keys
      .command(`${name} <key>`)
      .description(description)
      .addOption(databaseOption())
      .addOption(jsonOption())
      .action(async (accessKeyId: string, options: Common) => {
        const done = await withStore(options, (store) => changeAccessKey(store, systemClock, accessKeyId, name));
        if (!done) throw new CliError(`no access key ${accessKeyId}`);
        const status = name === 'delete' ? 'Deleted' : name === 'disable' ? 'Inactive' : 'Active';
        if (options.json) printJson({ AccessKeyId: accessKeyId, Status: status });
        else process.stdout.write(`${accessKeyId} ${status}\n`);
      });
  }
  return admin;
}

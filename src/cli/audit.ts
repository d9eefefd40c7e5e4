/**
 * `rdcontacts audit`: the audit trail for an operator on the machine, newest first — the events
 * LookupEvents answers, of every account or of one, filtered by resource, user, action and time.
 */
import { Command } from 'commander';
import { listManagementAccounts } from '../domain/organization.js';
import { toStored } from '../domain/time.js';
import { eventOf, eventTime } from '../products/actiontrail/event-shape.js';
import { parseTimestamp } from '../wire/authenticate.js';
import { databaseOption, jsonOption, withStore } from './database-option.js';
import { CliError, printJson, printTable } from './output.js';

interface AuditOptions {
  account?: string;
  resource?: string;
  user?: string;
  action?: string;
  since?: string;
  until?: string;
  limit: string;
  database?: string;
  json?: boolean;
}

const units: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A time: `yyyy-MM-ddTHH:mm:ss[.SSS]Z`, a day `yyyy-MM-dd` (its start, UTC), or an age (`30m`, `12h`, `7d`) before now. */
export function parseWhen(flag: string, text: string, now: number): number {
  const age = /^(\d{1,6})([mhd])$/.exec(text);
  if (age) return now - Number(age[1]) * units[age[2]!]!;
  const day = /^\d{4}-\d{2}-\d{2}$/.test(text) ? parseTimestamp(`${text}T00:00:00Z`) : undefined;
  const ms = day ?? parseTimestamp(text);
  if (ms === undefined) throw new CliError(`${flag} must be a time (2026-12-01T08:00:00Z), a day (2026-12-01) or an age (30m, 12h, 7d), not "${text}"`);
  return ms;
}

function hostOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).host : undefined;
  } catch {
    return undefined;
  }
}

export function auditCommand(): Command {
  return new Command('audit')
    .description('list audit events, newest first: changes, refused calls and what the service did itself')
    .option('--account <id>', 'only the events of this management account')
    .option('--resource <id>', 'only events naming this resource (a ContactId, FolderId, AccountId, UserName, AccessKeyId, …)')
    .option('--user <name>', 'only events of this user: root, a RAM user name, rdcontacts (the service), rdcontacts-cli, verification-link')
    .option('--action <name>', 'only events of this action (AddMessageContact, CreateAccessKey, DeleteMessageContactStep, …)')
    .option('--since <time>', 'only events at or after this time, day or age (30m, 12h, 7d)')
    .option('--until <time>', 'only events at or before this time, day or age')
    .option('--limit <number>', 'at most this many events', '50')
    .addOption(databaseOption())
    .addOption(jsonOption())
    .action(async (options: AuditOptions) => {
      if (!/^\d{1,6}$/.test(options.limit) || Number(options.limit) < 1) throw new CliError('--limit must be a positive integer');
      const now = Date.now();
      const from = options.since === undefined ? 0 : parseWhen('--since', options.since, now);
      // Without --until, everything up to now, and a day beyond for a clock that runs ahead.
      const to = options.until === undefined ? now + 86_400_000 : parseWhen('--until', options.until, now);
      if (to < from) throw new CliError('--until must not be before --since');
      const { events, accounts } = await withStore(options, async (store) => {
        const accounts = await listManagementAccounts(store);
        const account = options.account === undefined ? undefined : accounts.find((a) => a.accountId === options.account);
        if (options.account !== undefined && !account) throw new CliError(`no management account ${options.account}`);
        const events = await store.audit.lookup({
          ...(account ? { directoryId: account.directoryId } : {}),
          from: toStored(new Date(from)),
          to: toStored(new Date(to)),
          newestFirst: true,
          ...(options.resource !== undefined ? { resourceName: options.resource } : {}),
          ...(options.user !== undefined ? { userName: options.user } : {}),
          ...(options.action !== undefined ? { eventName: options.action } : {}),
          limit: Number(options.limit),
        });
        return { events, accounts };
      });
      const accountOf = new Map(accounts.map((a) => [a.directoryId, a.accountId]));
      // Events of no request (jobs, this command line) name the service's public host, where it is known.
      const serviceHost = hostOf(process.env.RDC_PUBLIC_URL) ?? 'rdcontacts';
      const shaped = events.map((row) => eventOf(row, { accountId: accountOf.get(row.directory_id) ?? '', serviceHost }));
      if (options.json) return printJson(shaped);
      if (shaped.length === 0) return void process.stdout.write('There is no audit event that matches.\n');
      printTable(
        events.map((row, index) => {
          const event = shaped[index]!;
          return {
            Time: eventTime(row.created_at),
            Account: String(event.recipientAccountId),
            User: row.user_name ?? '',
            Event: row.action,
            Resource: String(event.resourceName ?? ''),
            Result: row.error_code ?? 'OK',
            SourceIp: row.source_ip ?? '',
          };
        }),
      );
    });
}

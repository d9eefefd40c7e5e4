/** `rdcontacts outbox`: what was sent, with its links, so verification works without an inbox. */
import { Command } from 'commander';
import { toApiDate } from '../domain/time.js';
import { databaseOption, jsonOption, withStore } from './database-option.js';
import { CliError, printJson, printTable } from './output.js';

export function outboxCommand(): Command {
  return new Command('outbox')
    .description('list messages in the outbox, newest first')
    .option('--to <address>', 'only messages to this email address or phone number')
    .option('--limit <number>', 'at most this many messages', '50')
    .addOption(databaseOption())
    .addOption(jsonOption())
    .action(async (options: { to?: string; limit: string; database?: string; json?: boolean }) => {
      if (!/^\d+$/.test(options.limit) || Number(options.limit) < 1) throw new CliError('--limit must be a positive integer');
      const rows = await withStore(options, (store) =>
        store.outbox.list({ ...(options.to ? { recipient: options.to } : {}), limit: Number(options.limit) }),
      );
      const shaped = rows.map((row) => ({
        MessageId: row.id,
        CreateDate: toApiDate(row.created_at),
        Channel: row.channel,
        Purpose: row.purpose,
        Recipient: row.recipient,
        ContactId: row.contact_id ?? '',
        Subject: row.subject,
        Body: row.body,
        Link: row.link ?? '',
        Transport: row.transport,
        Status: row.status,
      }));
      if (options.json) return printJson(shaped);
      if (shaped.length === 0) return void process.stdout.write('The outbox is empty.\n');
      printTable(
        shaped.map((message) => ({
          CreateDate: message.CreateDate,
          Channel: message.Channel,
          Recipient: message.Recipient,
          Status: message.Status,
          Link: message.Link,
        })),
      );
    });
}

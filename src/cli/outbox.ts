/**
 * `rdcontacts outbox`: every message and how its delivery went (status, attempts, last error),
 * with the verification links, so verification works without an inbox.
 */
import { Command } from 'commander';
import { isContactId } from '../domain/ids.js';
import { systemClock, toApiDate, toStored } from '../domain/time.js';
import { messageText, shownLink } from '../domain/outbox.js';
import { type DeliveryStatus, deliveryStatuses } from '../store/schema.js';
import { databaseOption, jsonOption, withStore } from './database-option.js';
import { CliError, printJson, printTable } from './output.js';

/** What an empty listing means: no message at all, or none that the filters let through. */
function nothingFound(filters: { to?: string; contact?: string; status?: string }): string {
  if (!filters.to && !filters.contact && !filters.status) return 'The outbox is empty.';
  return `There is no message${filters.to ? ` to ${filters.to}` : ''}${filters.contact ? ` of contact ${filters.contact}` : ''}${filters.status ? ` in status ${filters.status}` : ''}.`;
}

export function outboxCommand(): Command {
  return new Command('outbox')
    .description('list messages in the outbox and how their delivery went, newest first')
    .option('--to <address>', 'only messages to this email address or phone number')
    .option('--contact <id>', 'only messages of this contact (c-…)')
    .option('--status <status>', `only deliveries in this status: ${deliveryStatuses.join(', ')}`)
    .option('--limit <number>', 'at most this many messages', '50')
    .addOption(databaseOption())
    .addOption(jsonOption())
    .action(async (options: { to?: string; contact?: string; status?: string; limit: string; database?: string; json?: boolean }) => {
      if (!/^\d+$/.test(options.limit) || Number(options.limit) < 1) throw new CliError('--limit must be a positive integer');
      if (options.contact !== undefined && !isContactId(options.contact)) throw new CliError('--contact must be a contact ID (c-…)');
      if (options.status !== undefined && !deliveryStatuses.includes(options.status as DeliveryStatus)) {
        throw new CliError(`--status must be one of ${deliveryStatuses.join(', ')}`);
      }
      const rows = await withStore(options, (store) =>
        store.outbox.list({
          ...(options.to ? { recipient: options.to } : {}),
          ...(options.contact ? { contactId: options.contact } : {}),
          ...(options.status ? { status: options.status as DeliveryStatus } : {}),
          limit: Number(options.limit),
        }),
      );
      const date = (stored: string | null) => (stored === null ? '' : toApiDate(stored));
      // A link whose token expired is shown cut short even before the service's sweep took it out.
      const now = toStored(systemClock());
      const shaped = rows.map((row) => ({
        DeliveryId: row.id,
        MessageId: row.message_id ?? row.id,
        CreateDate: toApiDate(row.created_at),
        Channel: row.channel,
        Purpose: row.purpose,
        Recipient: row.recipient,
        ContactId: row.contact_id ?? '',
        Subject: row.subject,
        Body: row.body,
        Text: messageText(row, now),
        Link: shownLink(row, now),
        Transport: row.transport,
        Status: row.status,
        Attempts: row.attempts,
        LastAttemptDate: date(row.last_attempt_at),
        NextAttemptDate: row.status === 'Queued' ? date(row.next_attempt_at) : '',
        SentDate: date(row.sent_at),
        LastError: row.last_error ?? '',
      }));
      if (options.json) return printJson(shaped);
      if (shaped.length === 0) return void process.stdout.write(`${nothingFound(options)}\n`);
      printTable(
        shaped.map((message) => ({
          CreateDate: message.CreateDate,
          Channel: message.Channel,
          Recipient: message.Recipient,
          Purpose: message.Purpose,
          Status: message.Status,
          Attempts: String(message.Attempts),
          LastError: message.LastError.length > 60 ? `${message.LastError.slice(0, 57)}...` : message.LastError,
          Link: message.Link,
        })),
      );
    });
}

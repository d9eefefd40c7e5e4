/**
 * Extension actions (not in the Alibaba Cloud API; listed in the README): effective recipients of a
 * member account, the coverage of the directory, test messages, notifications and the delivery
 * history. Same endpoint, signatures and error envelope; lists are bare JSON arrays like the rest
 * of the message-contact family.
 */
import type { QueuedDelivery } from '../../domain/delivery-queue.js';
import { toApiDate } from '../../domain/time.js';
import type { OutboxRow } from '../../store/repositories.js';
import { page, pageParams } from './contacts.js';
import { type Action, defineAction, param } from '../define.js';
import { account, contact, everything } from './resources.js';

/** How the family's answers name a channel. */
export const channelNames = { email: 'Email', sms: 'SMS' } as const;
const apiDate = (stored: string | null) => (stored === null ? undefined : toApiDate(stored));

const queuedShape = (delivery: QueuedDelivery) => ({
  DeliveryId: delivery.deliveryId,
  Channel: channelNames[delivery.channel],
  Recipient: delivery.recipient,
  Transport: delivery.transport,
  Status: delivery.status,
});

const deliveryShape = (row: OutboxRow) => {
  const optional = {
    MessageId: row.message_id ?? undefined,
    ContactId: row.contact_id ?? undefined,
    AccountId: row.account_id ?? undefined,
    Subject: row.subject || undefined,
    LastAttemptDate: apiDate(row.last_attempt_at),
    NextAttemptDate: row.status === 'Queued' ? apiDate(row.next_attempt_at) : undefined,
    SentDate: apiDate(row.sent_at),
    LastError: row.last_error ?? undefined,
  };
  return {
    DeliveryId: row.id,
    Purpose: row.purpose,
    Channel: channelNames[row.channel],
    Recipient: row.recipient,
    Transport: row.transport,
    Status: row.status,
    Attempts: row.attempts,
    CreateDate: toApiDate(row.created_at),
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
  };
};

export const extensionActions: Action[] = [
  defineAction({
    name: 'ListEffectiveMessageContacts',
    resources: account(),
    readOnly: true,
    params: { AccountId: param.string(), MessageType: param.string() },
    async handle({ tenant, services }, p) {
      const recipients = await services.recipients.effectiveRecipients(tenant, p.AccountId, p.MessageType);
      return {
        AccountId: p.AccountId,
        Contacts: recipients.map((recipient) => ({
          ContactId: recipient.contactId,
          Name: recipient.name,
          ...(recipient.title ? { Title: recipient.title } : {}),
          MessageTypes: recipient.messageTypes,
          Status: recipient.status,
          ...(recipient.emailAddress ? { EmailAddress: recipient.emailAddress } : {}),
          ...(recipient.phoneNumber ? { PhoneNumber: recipient.phoneNumber } : {}),
          Sources: recipient.sources.map((source) => ({ MemberId: source.memberId, Type: source.type })),
        })),
      };
    },
  }),

  defineAction({
    name: 'GetMessageContactCoverage',
    resources: everything,
    readOnly: true,
    params: { MessageType: param.string(), ...pageParams },
    async handle({ tenant, services }, p) {
      const paging = page(p);
      const report = await services.recipients.coverage(tenant, p.MessageType, paging);
      return {
        TotalCount: report.totalAccounts,
        PageNumber: paging.pageNumber,
        PageSize: paging.pageSize,
        Totals: report.totals.map((total) => ({
          MessageType: total.messageType,
          CoveredAccounts: total.coveredAccounts,
          UncoveredAccounts: total.uncoveredAccounts,
        })),
        Accounts: report.accounts.map((account) => ({
          AccountId: account.accountId,
          DisplayName: account.displayName,
          FolderId: account.folderId,
          UncoveredMessageTypes: account.uncoveredMessageTypes,
        })),
      };
    },
  }),

  defineAction({
    name: 'SendTestMessage',
    resources: contact(),
    params: { ContactId: param.string(), MessageType: param.string() },
    async handle({ tenant, services }, p) {
      const sent = await services.messages.sendTest(tenant, p.ContactId, p.MessageType);
      return { MessageId: sent.messageId, Deliveries: sent.deliveries.map(queuedShape) };
    },
  }),

  defineAction({
    name: 'SendMessage',
    resources: account(),
    params: { AccountId: param.string(), MessageType: param.string(), Subject: param.string(), Content: param.string() },
    async handle({ tenant, services }, p) {
      const sent = await services.messages.send(tenant, p.AccountId, p.MessageType, p.Subject, p.Content);
      return {
        MessageId: sent.messageId,
        AccountId: p.AccountId,
        MessageType: p.MessageType,
        Recipients: sent.deliveries.map((delivery) => ({
          ContactId: delivery.contactId,
          Name: delivery.contactName,
          ...queuedShape(delivery),
        })),
      };
    },
  }),

  defineAction({
    name: 'ListMessageDeliveries',
    resources: everything,
    readOnly: true,
    params: { ContactId: param.string(), AccountId: param.string(), Status: param.string(), ...pageParams },
    async handle({ tenant, services }, p) {
      const paging = page(p);
      const { total, deliveries } = await services.messages.listDeliveries(
        tenant,
        { contactId: p.ContactId, accountId: p.AccountId, status: p.Status },
        { offset: (paging.pageNumber - 1) * paging.pageSize, limit: paging.pageSize },
      );
      return { TotalCount: total, PageNumber: paging.pageNumber, PageSize: paging.pageSize, Deliveries: deliveries.map(deliveryShape) };
    },
  }),
];

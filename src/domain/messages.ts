/**
 * Messages rdcontacts sends on request (extension actions): a test message to one contact, a
 * notification to every verified effective recipient of an account, and the history of what was
 * sent. Each goes into the outbox in one transaction with its audit event; the delivery worker
 * sends it after the answer.
 */
import type { Language } from '../delivery/language.js';
import { notificationEmail, notificationSms, testEmail, testSms } from '../delivery/templates.js';
import type { DeliveryFilter, OutboxRow } from '../store/repositories.js';
import { type DeliveryStatus, deliveryStatuses } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { type AuditTarget, recordAudit } from './audit.js';
import { type ContactService, checkContactId, toContact } from './contacts.js';
import { type DeliveryQueue, type NewDelivery, type QueuedDelivery, newMessageId } from './delivery-queue.js';
import { ApiError } from './errors.js';
import { type RecipientService, checkAccountId, checkMessageType } from './recipients.js';
import type { Tenant } from './tenant.js';
import { type Clock, toStored } from './time.js';

export const maxSubjectLength = 256;
export const maxContentLength = 4000;

export interface SentMessage {
  messageId: string;
  deliveries: (QueuedDelivery & { contactId: string; contactName: string })[];
}

export interface DeliveryPage {
  total: number;
  deliveries: OutboxRow[];
}

export class MessageService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly contacts: ContactService,
    private readonly recipients: RecipientService,
    private readonly deliveries: DeliveryQueue,
    private readonly language: Language,
  ) {}

  /** SendTestMessage: to the contact's verified email and verified phone, whichever it has. */
  async sendTest(tenant: Tenant, contactIdParam: string | undefined, messageTypeParam: string | undefined): Promise<SentMessage> {
    const contactId = checkContactId(contactIdParam);
    const messageType = messageTypeParam ? checkMessageType(messageTypeParam) : undefined;
    const contact = toContact(await this.contacts.loadWritable(tenant, contactId));
    const lang = this.language;
    const vars = { contactName: contact.name, ...(messageType ? { messageType } : {}) };
    const messageId = newMessageId();
    const planned: NewDelivery[] = [];
    const base = { messageId, directoryId: tenant.directoryId, contactId, purpose: 'test' as const };
    if (contact.verifiedEmailAddress) {
      planned.push({ ...base, recipient: contact.verifiedEmailAddress, content: { channel: 'email', email: testEmail(lang, vars) } });
    }
    if (contact.verifiedPhoneNumber) {
      planned.push({ ...base, recipient: contact.verifiedPhoneNumber, content: { channel: 'sms', sms: testSms(lang, vars) } });
    }
    if (planned.length === 0) throw new ApiError('OperationDenied.ContactNotVerified');
    return this.queue(tenant, { action: 'SendTestMessage', target: contactId }, messageId, planned, () => contact.name, {
      ContactId: contactId,
      ...(messageType ? { MessageType: messageType } : {}),
    });
  }

  /** SendMessage: one delivery per verified effective recipient of the account and channel. */
  async send(
    tenant: Tenant,
    accountIdParam: string | undefined,
    messageTypeParam: string | undefined,
    subjectParam: string | undefined,
    contentParam: string | undefined,
  ): Promise<SentMessage> {
    const accountId = checkAccountId(accountIdParam);
    if (!messageTypeParam) throw new ApiError('MissingParameter.MessageType');
    const messageType = checkMessageType(messageTypeParam)!;
    if (subjectParam === undefined || subjectParam.trim() === '') throw new ApiError('MissingParameter.Subject');
    if ([...subjectParam].length > maxSubjectLength) throw new ApiError('InvalidParameter.Subject.Length');
    if (contentParam === undefined || contentParam.trim() === '') throw new ApiError('MissingParameter.Content');
    if ([...contentParam].length > maxContentLength) throw new ApiError('InvalidParameter.Content.Length');

    const recipients = await this.recipients.effectiveRecipients(tenant, accountId, messageType);
    const lang = this.language;
    const messageId = newMessageId();
    const planned: NewDelivery[] = [];
    const names = new Map<string, string>();
    for (const recipient of recipients) {
      // Effective recipients carry only verified values; a retained recipient is one still.
      const vars = { contactName: recipient.name, messageType, accountId, subject: subjectParam, content: contentParam };
      const base = { messageId, directoryId: tenant.directoryId, contactId: recipient.contactId, accountId, purpose: 'notification' as const };
      names.set(recipient.contactId, recipient.name);
      if (recipient.emailAddress) {
        planned.push({ ...base, recipient: recipient.emailAddress, content: { channel: 'email', email: notificationEmail(lang, vars) } });
      }
      if (recipient.phoneNumber) {
        planned.push({ ...base, recipient: recipient.phoneNumber, content: { channel: 'sms', sms: notificationSms(lang, vars) } });
      }
    }
    return this.queue(tenant, { action: 'SendMessage', target: { resource: `account/${accountId}` } }, messageId, planned, (contactId) => names.get(contactId) ?? '', {
      AccountId: accountId,
      MessageType: messageType,
      Subject: subjectParam,
      Recipients: planned.length,
    });
  }

  /** Writes the deliveries and the audit event in one transaction, then wakes the worker. Nothing planned: nothing written. */
  private async queue(
    tenant: Tenant,
    event: { action: string; target: AuditTarget },
    messageId: string,
    planned: NewDelivery[],
    nameOf: (contactId: string) => string,
    audit: Record<string, unknown>,
  ): Promise<SentMessage> {
    if (planned.length === 0) return { messageId, deliveries: [] };
    const now = toStored(this.clock());
    const deliveries = await this.store.transaction(async (tx) => {
      const written: SentMessage['deliveries'] = [];
      for (const delivery of planned) {
        const queued = await this.deliveries.add(tx, now, delivery);
        written.push({ ...queued, contactId: delivery.contactId!, contactName: nameOf(delivery.contactId!) });
      }
      await recordAudit(tx, tenant, now, event.action, event.target, { MessageId: messageId, ...audit });
      return written;
    });
    this.deliveries.queued();
    return { messageId, deliveries };
  }

  /** ListMessageDeliveries: newest first. A filter naming nothing known finds nothing. */
  async listDeliveries(
    tenant: Tenant,
    filter: { contactId?: string | undefined; accountId?: string | undefined; status?: string | undefined },
    page: { offset: number; limit: number },
  ): Promise<DeliveryPage> {
    const query: DeliveryFilter = { directoryId: tenant.directoryId };
    if (filter.contactId) query.contactId = checkContactId(filter.contactId);
    if (filter.accountId) query.accountId = checkAccountId(filter.accountId);
    if (filter.status) {
      if (!deliveryStatuses.includes(filter.status as DeliveryStatus)) throw new ApiError('InvalidParameter.Status');
      query.status = filter.status as DeliveryStatus;
    }
    const [total, deliveries] = await Promise.all([
      this.store.outbox.countDeliveries(query),
      this.store.outbox.listDeliveries(query, page.offset, page.limit),
    ]);
    return { total, deliveries };
  }
}

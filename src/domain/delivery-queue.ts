/**
 * Puts messages into the outbox, inside the caller's transaction: Queued for the worker when the
 * channel has a real transport, Stored (kept only) when it is the `outbox` transport.
 */
import { randomUUID } from 'node:crypto';
import type { EmailContent, SmsContent } from '../delivery/templates.js';
import type { Repositories } from '../store/repositories.js';
import type { DeliveryStatus, OutboxChannel } from '../store/schema.js';

/** The transport of each channel by name; `outbox` stores only. */
export interface ChannelTransports {
  email: string;
  sms: string;
}

export interface NewDelivery {
  messageId: string;
  directoryId: string;
  contactId: string | null;
  accountId?: string | null;
  purpose: 'verification' | 'test' | 'notification';
  recipient: string;
  link?: string | null;
  content: { channel: 'email'; email: EmailContent } | { channel: 'sms'; sms: SmsContent };
}

export interface QueuedDelivery {
  deliveryId: string;
  channel: OutboxChannel;
  recipient: string;
  transport: string;
  status: DeliveryStatus;
}

export const newMessageId = (): string => `m-${randomUUID()}`;
const newDeliveryId = (): string => `d-${randomUUID()}`;

export class DeliveryQueue {
  constructor(
    readonly transports: ChannelTransports,
    /** Called after a transaction that queued deliveries has committed (wakes the worker). */
    private readonly onQueued: () => void = () => {},
  ) {}

  /** Writes one delivery in `tx`; call `queued()` once `tx` has committed. */
  async add(tx: Repositories, now: string, delivery: NewDelivery): Promise<QueuedDelivery> {
    const { content } = delivery;
    const transport = this.transports[content.channel];
    const status: DeliveryStatus = transport === 'outbox' ? 'Stored' : 'Queued';
    const id = newDeliveryId();
    await tx.outbox.insert({
      id,
      message_id: delivery.messageId,
      directory_id: delivery.directoryId,
      contact_id: delivery.contactId,
      account_id: delivery.accountId ?? null,
      channel: content.channel,
      purpose: delivery.purpose,
      recipient: delivery.recipient,
      subject: content.channel === 'email' ? content.email.subject : '',
      body: content.channel === 'email' ? content.email.text : content.sms.text,
      html_body: content.channel === 'email' ? content.email.html : null,
      sms_params: content.channel === 'sms' ? JSON.stringify(content.sms.templateParams) : null,
      link: delivery.link ?? null,
      transport,
      status,
      next_attempt_at: status === 'Queued' ? now : null,
      created_at: now,
    });
    return { deliveryId: id, channel: content.channel, recipient: delivery.recipient, transport, status };
  }

  queued(): void {
    this.onQueued();
  }
}

/**
 * Puts messages into the outbox, inside the caller's transaction: Queued for the worker when the
 * channel has a real transport, Stored (kept only) when it is the `outbox` transport.
 *
 * A verification message carries its token in clear (the link, in the text, the HTML, the SMS
 * values) only while it may still be needed: the row is marked with the token's expiry, and the
 * token is taken out of it when the message is Sent (store, in the statement that records it),
 * when the token is used, superseded or cancelled (`retireTokens`, `retireLinks`, in the
 * transaction that does it), and when it expires (the delivery worker's sweep).
 */
import { randomUUID } from 'node:crypto';
import type { EmailContent, SmsContent } from '../delivery/templates.js';
import type { Repositories } from '../store/repositories.js';
import type { DeliveryStatus, OutboxChannel, TargetKind, TokenState } from '../store/schema.js';

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
  /** When the token in `link` expires: the row holds it in clear until then at the latest. */
  linkExpiresAt?: string | null;
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
      link_expires_at: delivery.link ? (delivery.linkExpiresAt ?? null) : null,
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

/** Why a verification message that had not been sent yet never will be (its LastError). */
export const notSentReasons = {
  Superseded: 'not sent: a newer verification message replaced it',
  Cancelled: 'not sent: the verification was cancelled',
  Used: 'not sent: its link had already been used',
  Expired: 'not sent: its link expired before it could be sent',
} as const satisfies Record<Exclude<TokenState, 'Pending'> | 'Expired', string>;

const channelOf = (kind: TargetKind): OutboxChannel => (kind === 'email' ? 'email' : 'sms');

/**
 * The verification messages of a contact (of one kind of target, if given) lose their token: it
 * was used, superseded or cancelled. Call it in the transaction that does so.
 */
export async function retireLinks(
  tx: Repositories,
  contactId: string,
  why: Exclude<TokenState, 'Pending'>,
  kind?: TargetKind,
): Promise<void> {
  await tx.outbox.retireLinks(contactId, kind === undefined ? undefined : channelOf(kind), notSentReasons[why]);
}

/**
 * Retires every still-pending token of a contact (of one kind, if given) into `state`, and takes
 * the tokens out of their messages, in `tx`: the one way a token is superseded or cancelled.
 */
export async function retireTokens(
  tx: Repositories,
  contactId: string,
  state: 'Superseded' | 'Cancelled',
  kind?: TargetKind,
): Promise<void> {
  await tx.tokens.retire(contactId, state, kind);
  await retireLinks(tx, contactId, state, kind);
}

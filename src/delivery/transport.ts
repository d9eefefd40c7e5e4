/**
 * What a transport is to the delivery worker: something that hands one message to the outside
 * world and says how it went. A transport never touches the database; the worker records what it
 * answers.
 */

/** One message for one recipient, as the worker hands it to a transport. */
export interface OutgoingEmail {
  /** The delivery's ID: stable across attempts (SMTP uses it in the Message-ID header). */
  deliveryId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface OutgoingSms {
  deliveryId: string;
  /** What the message is for (`verification`, `test`, `notification`): providers with a template per kind choose by it. */
  purpose: string;
  /** As rdcontacts stores it: `<country code>-<number>`, e.g. `86-13800138000`. */
  phoneNumber: string;
  /** The whole text (webhook). */
  text: string;
  /** The named values of the text, for providers that fill a template of their own (aliyun). */
  templateParams: Readonly<Record<string, string>>;
}

/** The transport took the message: it is on its way and must not be sent again. */
export interface Accepted {
  /** The provider's ID of the message (SMTP Message-ID or queue ID, SMS BizId, …), if it gave one. */
  providerId?: string;
}

/**
 * A send that did not succeed. `temporary`: worth another attempt later (connection refused,
 * timeouts, SMTP 4xx, HTTP 5xx, provider throttling); otherwise permanent (SMTP 5xx, HTTP 4xx,
 * a number or address the provider refuses): no further attempt.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly temporary: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface EmailTransport {
  /** The name recorded with each delivery (`smtp`). */
  readonly name: string;
  /** Resolves once the server has accepted the message; rejects with a DeliveryError otherwise. */
  send(message: OutgoingEmail): Promise<Accepted>;
  close(): Promise<void>;
}

export interface SmsTransport {
  /** The name recorded with each delivery (`webhook`, `aliyun`). */
  readonly name: string;
  send(message: OutgoingSms): Promise<Accepted>;
  close(): Promise<void>;
}

/**
 * SMS through an HTTP webhook: rdcontacts POSTs each message as signed JSON to a URL of the
 * operator's, which hands it to whatever SMS gateway they use (docs/transports.md).
 */
import { createHmac } from 'node:crypto';
import { e164 } from '../phone.js';
import { type Accepted, DeliveryError, type OutgoingSms, type SmsTransport } from '../transport.js';
import { oneLine } from './one-line.js';

export interface WebhookSmsSettings {
  url: string;
  secret: string;
  timeoutMs: number;
}

export const signatureHeader = 'x-rdcontacts-signature';

/** `sha256=<hex HMAC-SHA256 of the body bytes>`, what the receiver recomputes and compares. */
export function webhookSignature(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function createWebhookSmsTransport(settings: WebhookSmsSettings): SmsTransport {
  // Only the host goes into error messages: the URL's path or query may carry a token.
  const host = new URL(settings.url).host;

  return {
    name: 'webhook',
    async send(message: OutgoingSms): Promise<Accepted> {
      const body = JSON.stringify({
        deliveryId: message.deliveryId,
        to: e164(message.phoneNumber),
        text: message.text,
        sentAt: new Date().toISOString(),
      });
      let response: Response;
      try {
        response = await fetch(settings.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [signatureHeader]: webhookSignature(body, settings.secret) },
          body,
          // A redirect would resend the signed message somewhere nobody configured: report it.
          redirect: 'manual',
          // Covers reading the answer too, not only the headers.
          signal: AbortSignal.timeout(settings.timeoutMs),
        });
      } catch (caught) {
        throw new DeliveryError(describeNetworkFailure(caught, host, settings.timeoutMs), true);
      }
      let answer = '';
      try {
        answer = await response.text();
      } catch {
        // The status has said how it went; the answer only adds an ID or a reason.
      }
      if (response.status >= 200 && response.status < 300) return accepted(answer);
      const status = response.status;
      const temporary = status >= 500 || status === 408 || status === 429;
      const excerpt = oneLine(answer, 120);
      throw new DeliveryError(`webhook ${host} answered HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`, temporary);
    },
    async close(): Promise<void> {},
  };
}


function accepted(answer: string): Accepted {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const { id, messageId } = parsed as { id?: unknown; messageId?: unknown };
  if (typeof id === 'string' && id) return { providerId: id };
  if (typeof messageId === 'string' && messageId) return { providerId: messageId };
  return {};
}

function describeNetworkFailure(caught: unknown, host: string, timeoutMs: number): string {
  const error = caught as { name?: string; cause?: { code?: string; message?: string } };
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') return `webhook ${host} timed out after ${timeoutMs} ms`;
  const code = error?.cause?.code;
  if (code === 'ECONNREFUSED') return `connection refused ${host}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot resolve ${host}`;
  // Without a code, fetch's own reason, e.g. `bad port` (fetch refuses ports such as 25 or 6000).
  const reason = code ?? (error?.cause?.message ? oneLine(error.cause.message, 120) : undefined);
  return `webhook ${host} unreachable${reason ? ` (${reason})` : ''}`;
}

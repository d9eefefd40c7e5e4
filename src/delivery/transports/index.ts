/** The transports the configuration names; `outbox` channels have none (their messages are only stored). */
import type { DeliveryConfig } from '../../config.js';
import type { EmailTransport, SmsTransport } from '../transport.js';
import { createAliyunSmsTransport } from './aliyun.js';
import { createSmtpTransport } from './smtp.js';
import { createWebhookSmsTransport } from './webhook.js';

export interface ConfiguredTransports {
  email?: EmailTransport;
  sms?: SmsTransport;
}

export function createTransports(delivery: DeliveryConfig): ConfiguredTransports {
  const transports: ConfiguredTransports = {};
  if (delivery.email.transport === 'smtp') {
    transports.email = createSmtpTransport({ ...delivery.email.smtp, maxConnections: delivery.concurrency });
  }
  if (delivery.sms.transport === 'webhook') transports.sms = createWebhookSmsTransport(delivery.sms.webhook);
  if (delivery.sms.transport === 'aliyun') transports.sms = createAliyunSmsTransport(delivery.sms.aliyun);
  return transports;
}

/** The transport names recorded with each delivery. */
export function transportNames(delivery: DeliveryConfig): { email: string; sms: string } {
  return { email: delivery.email.transport, sms: delivery.sms.transport };
}

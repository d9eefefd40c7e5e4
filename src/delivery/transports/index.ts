/**
 * The transports the configuration names; `outbox` channels have none (their messages are only
 * stored). Each transport's library (nodemailer, the Alibaba Cloud SMS client) is loaded only when
 * it is configured: every CLI command starts faster for it.
 */
import type { DeliveryConfig } from '../../config.js';
import type { EmailTransport, SmsTransport } from '../transport.js';

export interface ConfiguredTransports {
  email?: EmailTransport;
  sms?: SmsTransport;
}

export async function createTransports(delivery: DeliveryConfig): Promise<ConfiguredTransports> {
  const transports: ConfiguredTransports = {};
  if (delivery.email.transport === 'smtp') {
    const { createSmtpTransport } = await import('./smtp.js');
    transports.email = createSmtpTransport({ ...delivery.email.smtp, maxConnections: delivery.concurrency });
  }
  if (delivery.sms.transport === 'webhook') {
    const { createWebhookSmsTransport } = await import('./webhook.js');
    transports.sms = createWebhookSmsTransport(delivery.sms.webhook);
  }
  if (delivery.sms.transport === 'aliyun') {
    const { createAliyunSmsTransport } = await import('./aliyun.js');
    transports.sms = createAliyunSmsTransport(delivery.sms.aliyun);
  }
  return transports;
}

/** The transport names recorded with each delivery. */
export function transportNames(delivery: DeliveryConfig): { email: string; sms: string } {
  return { email: delivery.email.transport, sms: delivery.sms.transport };
}

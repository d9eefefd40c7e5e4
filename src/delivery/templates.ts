/** The texts rdcontacts sends. */
import type { TargetKind } from '../store/schema.js';

export interface ComposedMessage {
  channel: 'email' | 'sms';
  subject: string;
  body: string;
}

export function verificationMessage(kind: TargetKind, contactName: string, link: string): ComposedMessage {
  if (kind === 'phone') {
    return {
      channel: 'sms',
      subject: 'Verify your phone number',
      body: `[rdcontacts] ${contactName}, confirm this number as a notification contact: ${link}`,
    };
  }
  return {
    channel: 'email',
    subject: 'Verify your email address for notifications',
    body: [
      `Hello ${contactName},`,
      '',
      'This address was added as a notification contact of a resource directory.',
      'Open the link below and press Confirm to start receiving its messages:',
      '',
      link,
      '',
      'If you did not expect this message, ignore it: nothing changes until you confirm.',
    ].join('\n'),
  };
}

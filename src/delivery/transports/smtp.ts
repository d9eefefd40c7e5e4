/**
 * Email through an SMTP relay, with nodemailer.
 *
 * A pool of connections, as many as the worker sends at once, each reused for up to 100 messages:
 * setting up a connection (TCP, the relay's greeting pause, TLS, AUTH) costs far more than sending
 * one message. Measured with the local test relay, whose greeting waits 100 ms like many real
 * relays do: 31 messages/s with a connection per message, 223 with the pool (docs/delivery.md).
 * A pooled connection that the relay dropped fails its send as a temporary error, and the
 * worker's next attempt gets a new connection.
 */
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { createTransport } from 'nodemailer';
import { type Accepted, DeliveryError, type EmailTransport, type OutgoingEmail } from '../transport.js';
import { oneLine } from './one-line.js';

export interface SmtpSettings {
  host: string;
  port: number;
  /** `tls`: implicit TLS; `starttls`: STARTTLS required; `none`: plain, never upgraded. */
  security: 'starttls' | 'tls' | 'none';
  user?: string;
  password?: string;
  from: string;
  fromName?: string;
  /** PEM file of CAs to trust besides the system's (a relay with a private CA). */
  caFile?: string;
  timeoutMs: number;
  /** Connections open at once (the worker's concurrency). */
  maxConnections?: number;
}

/** What nodemailer puts on the errors it hands back (see nodemailer's NodemailerError). */
interface SmtpFailure {
  code?: string;
  originalCode?: string;
  responseCode?: number;
  response?: string;
  timeoutType?: string;
  message?: string;
}

export function createSmtpTransport(settings: SmtpSettings): EmailTransport {
  // Read once: a missing or unreadable CA file is a configuration error at start, not at every send.
  const ca = settings.caFile ? readFileSync(settings.caFile, 'utf8') : undefined;
  const transporter = createTransport({
    pool: true,
    maxConnections: settings.maxConnections ?? 1,
    maxMessages: 100,
    host: settings.host,
    port: settings.port,
    secure: settings.security === 'tls',
    requireTLS: settings.security === 'starttls',
    ignoreTLS: settings.security === 'none',
    // Node verifies certificates by default; `ca` replaces the system list, so both are given.
    ...(ca ? { tls: { ca: [...systemCertificates(), ca] } } : {}),
    ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
    dnsTimeout: settings.timeoutMs,
    // The messages are our own templates: nothing in them may make nodemailer read a file or URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const where = `${settings.host}:${settings.port}`;
  // The password goes before anything is cut short: a cut password would no longer be recognised.
  const describe = (error: SmtpFailure) => describeFailure(error, where, settings.timeoutMs, (text) => redact(text, settings));

  return {
    name: 'smtp',
    async send(message: OutgoingEmail): Promise<Accepted> {
      const messageId = `<${message.deliveryId}@rdcontacts>`;
      try {
        await transporter.sendMail({
          from: settings.fromName ? { name: settings.fromName, address: settings.from } : settings.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          messageId,
          // The timeouts above start again at every step; this one bounds the whole send, so a
          // relay that answers just often enough cannot hold a message past the worker's lease.
          signal: AbortSignal.timeout(settings.timeoutMs),
        });
      } catch (caught) {
        const error = (caught ?? {}) as SmtpFailure;
        throw new DeliveryError(describe(error), isTemporary(error));
      }
      // The Message-ID, not the relay's queue ID: it is always there, it is the same on every
      // attempt (so it finds a duplicate), and relays log it (Postfix: `message-id=<…>`), whereas
      // the queue ID is free text in the 250 reply whose form differs from one relay to another.
      return { providerId: messageId };
    },
    async close(): Promise<void> {
      transporter.close();
    },
  };
}

function isTemporary(error: SmtpFailure): boolean {
  const reply = error.responseCode;
  if (error.code === 'EAUTH') return reply !== undefined && reply >= 400 && reply < 500; // 454: try again
  // TLS could not be set up (certificate, handshake, STARTTLS refused): nothing is wrong with the
  // message, and once the relay or our CA file is fixed the attempts still left will deliver it.
  if (error.code === 'ETLS') return true;
  if (reply !== undefined && reply >= 400 && reply < 600) {
    // 503 (bad sequence of commands) is about the session, not the message: a new one may work.
    return reply < 500 || reply === 503;
  }
  // No reply to go by: the connection, DNS or a timeout is worth another attempt; a fault of the
  // message or of the settings is not, the same message would hit it again.
  return !['ENOAUTH', 'EENVELOPE', 'EMESSAGE', 'ECONFIG', 'EMAXRECIPIENTS', 'EFILEACCESS', 'EURLACCESS'].includes(
    error.code ?? '',
  );
}

const timeoutPhases: Record<string, string> = {
  CONNECT_TIMEOUT: 'connecting',
  GREETING_TIMEOUT: 'waiting for the greeting',
  UPGRADE_TIMEOUT: 'upgrading to TLS',
  SOCKET_TIMEOUT: 'waiting for a reply',
};

function describeFailure(error: SmtpFailure, where: string, timeoutMs: number, clean: (text: string) => string): string {
  const reply = oneLine(clean(error.response ?? ''), 200);
  if (error.code === 'EAUTH') return `SMTP authentication failed at ${where}${reply ? `: ${reply}` : ''}`;
  if (error.code === 'ENOAUTH') return `SMTP server ${where} asks for credentials and none are set`;
  if (error.code === 'ETLS' && reply) return `SMTP server ${where} refused STARTTLS: ${reply}`;
  if (error.responseCode !== undefined && reply) return `SMTP ${reply}`;
  if (error.code === 'ETIMEDOUT' || error.code === 'EABORT') {
    // EABORT is the deadline of the whole send, which may run out while a phase's timer still runs.
    const phase = error.code === 'EABORT' ? 'for the whole send' : (timeoutPhases[error.timeoutType ?? ''] ?? 'waiting');
    return `SMTP timeout after ${timeoutMs} ms ${phase} (${where})`;
  }
  switch (error.originalCode) {
    case 'ECONNREFUSED':
      return `connection refused ${where}`;
    case 'ECONNRESET':
      return `connection reset by ${where}`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `host unreachable ${where}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve ${where}`;
  }
  if (error.originalCode && /CERT|SIGNATURE|ALTNAME|ISSUER/.test(error.originalCode)) {
    return `TLS certificate of ${where} not trusted (${error.originalCode})`;
  }
  // OpenSSL's own text is a line of internals; its code says it (e.g. a plain server on a TLS port).
  if (error.originalCode && /^ERR_(SSL|TLS)_/.test(error.originalCode)) {
    return `TLS handshake with ${where} failed (${error.originalCode})`;
  }
  const detail = oneLine(clean(error.message ?? 'unknown error'), 200);
  return `SMTP ${error.code ?? 'error'}${error.originalCode ? `/${error.originalCode}` : ''} at ${where}: ${detail}`;
}

/** A relay could echo what it was sent: the password never reaches a message, plain or encoded. */
function redact(text: string, settings: SmtpSettings): string {
  const password = settings.password;
  if (!password) return text;
  const forms = [
    password,
    Buffer.from(password).toString('base64'),
    Buffer.from(`\u0000${settings.user ?? ''}\u0000${password}`).toString('base64'),
  ];
  return forms.reduce((result, form) => result.split(form).join('***'), text);
}

/**
 * What Node trusts when no `ca` is given: `getCACertificates('default')` (Node 22.15+) includes
 * NODE_EXTRA_CA_CERTS and --use-system-ca; Node 20 has only its bundled list.
 */
function systemCertificates(): readonly string[] {
  const getCACertificates = (tls as { getCACertificates?: (type: string) => string[] }).getCACertificates;
  return getCACertificates ? getCACertificates('default') : tls.rootCertificates;
}

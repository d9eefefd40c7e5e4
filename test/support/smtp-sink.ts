/**
 * A real SMTP server for tests (smtp-server + mailparser) on 127.0.0.1: it records what it
 * accepts, and can be told to refuse, to be slow, or to go away and come back on the same port.
 */
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerOptions } from 'smtp-server';
import type { SmtpConfig } from '../../src/config.js';
import { freePort } from './ports.js';

/** Self-signed for IP 127.0.0.1, valid until 2056; trusted by a transport given `testCaFile`. */
export const testCertFile = fileURLToPath(new URL('../fixtures/tls/cert.pem', import.meta.url));
export const testKeyFile = fileURLToPath(new URL('../fixtures/tls/key.pem', import.meta.url));
/** The certificate is its own CA. */
export const testCaFile = testCertFile;

export interface ReceivedMail {
  /** The From header, decoded, e.g. `"rdcontacts" <noreply@example.com>`. */
  from: string;
  /** The addresses of the To header. */
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** With its angle brackets, e.g. `<d-1@rdcontacts>`. */
  messageId: string;
  headers: Map<string, unknown>;
  raw: Buffer;
  /** MAIL FROM and RCPT TO, as the client gave them. */
  envelope: { from: string; to: string[] };
  /** The user the client authenticated as, if it did. */
  user?: string;
  /** Whether the session was encrypted (implicit TLS or after STARTTLS). */
  secure: boolean;
}

export interface SmtpSink {
  port: number;
  /** Accepted messages, in order. */
  received: ReceivedMail[];
  /** Resolves when at least n messages have been accepted (rejects after timeoutMs, default 10 s, with a clear error). */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** The next n messages are answered with this reply at the end of DATA (e.g. 451 or 550), then normal service resumes. */
  failNext(n: number, code: number, message?: string): void;
  /**
   * Every message waits this long before being accepted (a slow server). One whose client gave
   * up meanwhile is still accepted, as a real server may: the case a stable Message-ID is for.
   */
  setDelay(ms: number): void;
  /** Stop listening (connections are refused) / listen again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
  /** DATA commands seen, accepted or not. */
  attempts: number;
}

export interface SmtpSinkOptions {
  port?: number;
  /** Implicit TLS. */
  secure?: boolean;
  /** Offer STARTTLS. */
  starttls?: boolean;
  auth?: { user: string; password: string };
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const port = options.port ?? (await freePort());
  const tls = { key: readFileSync(testKeyFile), cert: readFileSync(testCertFile) };
  const waiters = new Set<{ n: number; resolve: () => void }>();
  const pendingDelays = new Set<{ timer: NodeJS.Timeout; cancel: () => void }>();
  let failures: { left: number; code: number; message: string } | undefined;
  let delayMs = 0;
  let server: SMTPServer | undefined;

  const sink: SmtpSink = {
    port,
    received: [],
    attempts: 0,
    waitFor(n, timeoutMs = 10_000) {
      if (sink.received.length >= n) return Promise.resolve(sink.received);
      return new Promise((resolve, reject) => {
        const waiter = {
          n,
          resolve: () => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(sink.received);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`SMTP sink on port ${port}: waited ${timeoutMs} ms for ${n} message(s), ${sink.received.length} accepted (${sink.attempts} DATA seen)`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    failNext(n, code, message) {
      failures = { left: n, code, message: message ?? (code < 500 ? 'Try again later' : 'Message rejected') };
    },
    setDelay(ms) {
      delayMs = ms;
    },
    async start() {
      if (server) return;
      server = new SMTPServer(serverOptions());
      // A client that hangs up or refuses our certificate is a scenario under test, not a crash.
      server.on('error', () => {});
      const listening = server;
      await new Promise<void>((resolve, reject) => {
        listening.server.once('error', reject);
        listening.listen(port, '127.0.0.1', () => {
          listening.server.off('error', reject);
          resolve();
        });
      });
    },
    async stop() {
      const closing = server;
      if (!closing) return;
      server = undefined;
      await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
    async close() {
      for (const pending of pendingDelays) pending.cancel();
      await sink.stop();
    },
  };

  function serverOptions(): SMTPServerOptions {
    return {
      logger: false,
      // Own certificate even without TLS, so smtp-server does not warn about its built-in one.
      ...tls,
      secure: options.secure ?? false,
      hideSTARTTLS: !options.starttls,
      disabledCommands: [...(options.auth ? [] : ['AUTH']), ...(options.starttls ? [] : ['STARTTLS'])],
      authOptional: !options.auth,
      allowInsecureAuth: true,
      disableReverseLookup: true,
      closeTimeout: 200,
      onAuth(auth, _session, callback) {
        const expected = options.auth;
        if (expected && auth.username === expected.user && auth.password === expected.password) {
          callback(null, { user: auth.username });
        } else {
          callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
        }
      },
      onData(stream, session, callback) {
        sink.attempts += 1;
        void (async () => {
          const raw = await receive(stream);
          if (delayMs > 0 && !(await delay(delayMs))) {
            return callback(Object.assign(new Error('Server shutting down'), { responseCode: 421 }));
          }
          if (failures && failures.left > 0) {
            failures.left -= 1;
            return callback(Object.assign(new Error(failures.message), { responseCode: failures.code }));
          }
          const envelope = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          };
          const mail = await parse(raw, envelope, session.secure);
          if (typeof session.user === 'string') mail.user = session.user;
          sink.received.push(mail);
          for (const waiter of waiters) if (sink.received.length >= waiter.n) waiter.resolve();
          callback(null, `Ok: queued as Q${sink.received.length}`);
        })().catch((error: Error) => callback(error));
      },
    };
  }

  /** Resolves false when the sink closed first. */
  function delay(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const pending = {
        timer: setTimeout(() => {
          pendingDelays.delete(pending);
          resolve(true);
        }, ms),
        cancel: () => {
          clearTimeout(pending.timer);
          pendingDelays.delete(pending);
          resolve(false);
        },
      };
      pendingDelays.add(pending);
    });
  }

  await sink.start();
  return sink;
}

async function receive(stream: SMTPServerDataStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function parse(raw: Buffer, envelope: ReceivedMail['envelope'], secure: boolean): Promise<ReceivedMail> {
  const parsed = await simpleParser(raw);
  const to = ([] as AddressObject[]).concat(parsed.to ?? []).flatMap((group) => group.value.map((address) => address.address ?? ''));
  return {
    from: parsed.from?.text ?? '',
    to,
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: parsed.html || '',
    messageId: parsed.messageId ?? '',
    headers: parsed.headers as Map<string, unknown>,
    raw,
    envelope,
    secure,
  };
}

/** What the smtp transport is configured with to deliver to a sink on `port`: plain SMTP, no login. */
export function sinkSmtp(port: number): SmtpConfig {
  return { host: '127.0.0.1', port, security: 'none', from: 'noreply@rdcontacts.example', fromName: 'rdcontacts', timeoutMs: 5000 };
}

/** Service configuration: defaults, overridden by environment variables, overridden by flags. */
import { isIPv6 } from 'node:net';
import { type Language, isLanguage, languages } from './delivery/language.js';
import { parseDatabaseUrl } from './store/database.js';
// Types only: the transports' libraries are loaded when a transport is made, not with the configuration.
import type { AliyunSmsSettings } from './delivery/transports/aliyun.js';
import type { SmtpSettings } from './delivery/transports/smtp.js';
import type { WebhookSmsSettings } from './delivery/transports/webhook.js';

/** What the smtp transport takes, but its connection count (the worker's concurrency). */
export type SmtpConfig = Omit<SmtpSettings, 'maxConnections'>;

export type EmailDelivery = { transport: 'outbox' } | { transport: 'smtp'; smtp: SmtpConfig };
export type SmsDelivery =
  | { transport: 'outbox' }
  | { transport: 'webhook'; webhook: WebhookSmsSettings }
  /** `templateCode` is the template of every SMS, unless `templateCodes` names one for its kind. */
  | { transport: 'aliyun'; aliyun: AliyunSmsSettings & { templateCodes: Partial<Record<SmsKind, string>> } };

/** The kinds of messages, each of which may have its own SMS template. */
export const smsKinds = ['verification', 'test', 'notification'] as const;
export type SmsKind = (typeof smsKinds)[number];

export interface DeliveryConfig {
  email: EmailDelivery;
  sms: SmsDelivery;
  /** Attempts of one message before it is Failed. */
  attempts: number;
  /** Wait before the second attempt; doubled for each further one (with jitter), up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Messages sent at the same time. */
  concurrency: number;
  /** Longest wait for one send. */
  timeoutMs: number;
  /** How long a message being sent is held by its worker before another may take it over. */
  leaseSeconds: number;
}

/** pino's levels. */
export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/** How log lines are written: one JSON object per line, or pino-pretty's coloured text for a person. */
export const logFormats = ['json', 'pretty'] as const;
export type LogFormat = (typeof logFormats)[number];

export const sqliteSynchronousModes = ['full', 'normal'] as const;
export type SqliteSynchronous = (typeof sqliteSynchronousModes)[number];

export interface Config {
  host: string;
  port: number;
  databaseUrl: string;
  /** Base of the links in messages, without a trailing slash. */
  publicUrl: string;
  /** Calls per second per account and action, or 0 for no throttling. */
  throttlePerSecond: number;
  maxContactsPerDirectory: number;
  maxMembersPerDirectory: number;
  maxFoldersPerDirectory: number;
  phoneCountryCodes: string[];
  verificationTtlSeconds: number;
  sendsPerMinutePerAddress: number;
  sendsPerDayPerAccount: number;
  maxSkewSeconds: number;
  /** Member accounts a deletion job decides per transaction. */
  deletionBatchSize: number;
  /** Pause between two steps of a deletion job (pacing), in milliseconds. */
  deletionStepDelayMs: number;
  /** How long a deletion job's lease lasts without a step renewing it: how soon another instance takes over a dead one's job. */
  deletionLeaseSeconds: number;
  maxQueryBytes: number;
  maxBodyBytes: number;
  maxHeaderBytes: number;
  /** Longest time to receive one request, headers and body (slow senders are cut off: 408). */
  requestTimeoutMs: number;
  /** A connection without a byte either way for this long is closed; also the wait for the next request of a kept-alive one. */
  idleTimeoutMs: number;
  /** SQLite's `synchronous`: `full` keeps acknowledged commits through a power loss, `normal` only through a process crash. */
  sqliteSynchronous: SqliteSynchronous;
  logLevel: LogLevel;
  logFormat: LogFormat;
  /** Where `/metrics` is served (Prometheus text format); none when metrics are off (the default). */
  metrics?: { host: string; port: number };
  /** Days an audit event is kept before the background sweep removes it. */
  auditRetentionDays: number;
  /** Language of the messages, and of the confirmation page when the browser names none of ours. */
  language: Language;
  delivery: DeliveryConfig;
  bootstrapKey?: { accessKeyId: string; accessKeySecret: string };
}

export const defaults = {
  host: '127.0.0.1',
  port: 8080,
  databaseUrl: 'sqlite:./data/rdcontacts.db',
  throttle: '20',
  maxContactsPerDirectory: 20,
  maxMembersPerDirectory: 20,
  maxFoldersPerDirectory: 100,
  phoneCountryCodes: '86',
  verificationTtlSeconds: 86_400,
  sendsPerMinutePerAddress: 10,
  sendsPerDayPerAccount: 100,
  maxSkewSeconds: 900,
  deletionBatchSize: 10,
  deletionStepDelayMs: 0,
  deletionLeaseSeconds: 30,
  maxQueryBytes: 16 * 1024,
  maxBodyBytes: 64 * 1024,
  maxHeaderBytes: 16 * 1024,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 65_000,
  sqliteSynchronous: 'full',
  logLevel: 'info',
  metricsHost: '127.0.0.1',
  auditRetentionDays: 90,
  language: 'en-US',
  transport: 'outbox',
  smtpPort: 587,
  smtpSecurity: 'starttls',
  mailFromName: 'rdcontacts',
  smsAliyunEndpoint: 'dysmsapi.aliyuncs.com',
  deliveryAttempts: 10,
  deliveryRetryBaseMs: 10_000,
  deliveryRetryMaxMs: 3_600_000,
  deliveryConcurrency: 4,
  deliveryTimeoutMs: 30_000,
  deliveryLeaseSeconds: 120,
} as const;

/**
 * Every setting: its flag, its environment variable, what it means and its default, if it has one
 * (the README lists these; `serve --help` shows them).
 */
export const settings = {
  host: { flag: '--host <address>', env: 'RDC_HOST', help: 'address to listen on; a wildcard (0.0.0.0, ::) needs --public-url', default: defaults.host },
  port: { flag: '--port <number>', env: 'RDC_PORT', help: 'port to listen on (0: any free port)', default: String(defaults.port) },
  database: {
    flag: '--database <url>',
    env: 'RDC_DATABASE',
    help: 'sqlite:<path> or postgres://user[:password]@host:port/database',
    default: defaults.databaseUrl,
  },
  publicUrl: { flag: '--public-url <url>', env: 'RDC_PUBLIC_URL', help: 'base of links in messages', default: 'http://<host>:<port>' },
  throttle: { flag: '--throttle <calls-per-second|off>', env: 'RDC_THROTTLE', help: 'calls per second per account and action', default: defaults.throttle },
  maxContacts: { flag: '--max-contacts <number>', env: 'RDC_MAX_CONTACTS', help: 'contacts per resource directory', default: String(defaults.maxContactsPerDirectory) },
  maxMembers: { flag: '--max-members <number>', env: 'RDC_MAX_MEMBERS', help: 'member accounts per resource directory', default: String(defaults.maxMembersPerDirectory) },
  maxFolders: {
    flag: '--max-folders <number>',
    env: 'RDC_MAX_FOLDERS',
    help: 'folders per resource directory, Root not counted',
    default: String(defaults.maxFoldersPerDirectory),
  },
  phoneCountryCodes: {
    flag: '--phone-country-codes <list>',
    env: 'RDC_PHONE_COUNTRY_CODES',
    help: 'allowed phone country codes, comma-separated',
    default: defaults.phoneCountryCodes,
  },
  verificationTtl: {
    flag: '--verification-ttl <seconds>',
    env: 'RDC_VERIFICATION_TTL',
    help: 'lifetime of a verification link',
    default: String(defaults.verificationTtlSeconds),
  },
  sendsPerMinute: {
    flag: '--sends-per-minute <number>',
    env: 'RDC_SENDS_PER_MINUTE',
    help: 'verification messages from one directory (account) to one address per 60 s',
    default: String(defaults.sendsPerMinutePerAddress),
  },
  sendsPerDay: {
    flag: '--sends-per-day <number>',
    env: 'RDC_SENDS_PER_DAY',
    help: 'verification messages per account per 24 h',
    default: String(defaults.sendsPerDayPerAccount),
  },
  deletionBatchSize: {
    flag: '--deletion-batch-size <number>',
    env: 'RDC_DELETION_BATCH_SIZE',
    help: 'member accounts a deletion job decides per transaction',
    default: String(defaults.deletionBatchSize),
  },
  deletionStepDelay: {
    flag: '--deletion-step-delay <ms>',
    env: 'RDC_DELETION_STEP_DELAY',
    help: 'pause between two steps of a deletion job, milliseconds',
    default: String(defaults.deletionStepDelayMs),
  },
  deletionLease: {
    flag: '--deletion-lease <seconds>',
    env: 'RDC_DELETION_LEASE',
    help: 'after this long without a step, a deletion job held by a vanished instance is taken over',
    default: String(defaults.deletionLeaseSeconds),
  },
  requestTimeout: {
    flag: '--request-timeout <ms>',
    env: 'RDC_REQUEST_TIMEOUT',
    help: 'longest time to receive one request, headers and body (else 408)',
    default: String(defaults.requestTimeoutMs),
  },
  idleTimeout: {
    flag: '--idle-timeout <ms>',
    env: 'RDC_IDLE_TIMEOUT',
    help: 'a connection silent this long is closed; also how long a kept-alive one waits for its next request',
    default: String(defaults.idleTimeoutMs),
  },
  sqliteSynchronous: {
    flag: '--sqlite-synchronous <mode>',
    env: 'RDC_SQLITE_SYNCHRONOUS',
    help: 'full: an answered write survives a power loss; normal: only a crash of the process',
    default: defaults.sqliteSynchronous,
  },
  logLevel: { flag: '--log-level <level>', env: 'RDC_LOG_LEVEL', help: 'fatal, error, warn, info, debug, trace or silent', default: defaults.logLevel },
  logFormat: {
    flag: '--log-format <format>',
    env: 'RDC_LOG_FORMAT',
    help: 'json (one object per line) or pretty (for a person; the default when standard output is a terminal)',
    default: 'json',
  },
  metricsPort: { flag: '--metrics-port <number>', env: 'RDC_METRICS_PORT', help: 'serve Prometheus metrics on /metrics at this port (off unless given; 0: any free port)' },
  metricsHost: { flag: '--metrics-host <address>', env: 'RDC_METRICS_HOST', help: 'address of the metrics listener', default: defaults.metricsHost },
  auditRetention: {
    flag: '--audit-retention-days <days>',
    env: 'RDC_AUDIT_RETENTION_DAYS',
    help: 'days an audit event is kept',
    default: String(defaults.auditRetentionDays),
  },
  language: { flag: '--language <tag>', env: 'RDC_LANGUAGE', help: `language of messages and pages: ${languages.join(' or ')}`, default: defaults.language },
  emailTransport: { flag: '--email-transport <name>', env: 'RDC_EMAIL_TRANSPORT', help: 'outbox (store only) or smtp', default: defaults.transport },
  smtpHost: { flag: '--smtp-host <host>', env: 'RDC_SMTP_HOST', help: 'SMTP server' },
  smtpPort: { flag: '--smtp-port <number>', env: 'RDC_SMTP_PORT', help: 'SMTP port', default: String(defaults.smtpPort) },
  smtpSecurity: {
    flag: '--smtp-security <mode>',
    env: 'RDC_SMTP_SECURITY',
    help: 'starttls (required), tls (implicit) or none',
    default: defaults.smtpSecurity,
  },
  smtpUser: { flag: '--smtp-user <name>', env: 'RDC_SMTP_USER', help: 'SMTP user; the password comes from RDC_SMTP_PASSWORD only' },
  smtpCaFile: { flag: '--smtp-ca-file <path>', env: 'RDC_SMTP_CA_FILE', help: 'PEM file of CAs to trust for the SMTP server' },
  mailFrom: { flag: '--mail-from <address>', env: 'RDC_MAIL_FROM', help: 'sender address of emails' },
  mailFromName: { flag: '--mail-from-name <name>', env: 'RDC_MAIL_FROM_NAME', help: 'sender name of emails', default: defaults.mailFromName },
  smsTransport: { flag: '--sms-transport <name>', env: 'RDC_SMS_TRANSPORT', help: 'outbox (store only), webhook or aliyun', default: defaults.transport },
  smsWebhookUrl: { flag: '--sms-webhook-url <url>', env: 'RDC_SMS_WEBHOOK_URL', help: 'where the webhook transport POSTs; the secret comes from RDC_SMS_WEBHOOK_SECRET only' },
  smsAliyunSignName: { flag: '--sms-aliyun-sign-name <name>', env: 'RDC_SMS_ALIYUN_SIGN_NAME', help: 'SMS signature name (SignName)' },
  smsAliyunTemplateCode: { flag: '--sms-aliyun-template-code <code>', env: 'RDC_SMS_ALIYUN_TEMPLATE_CODE', help: 'SMS template (TemplateCode); keys from RDC_SMS_ALIYUN_ACCESS_KEY_ID / _SECRET only' },
  smsAliyunTemplates: {
    flag: '--sms-aliyun-templates <list>',
    env: 'RDC_SMS_ALIYUN_TEMPLATES',
    help: 'a template per kind, e.g. verification=SMS_1,test=SMS_2,notification=SMS_3 (others use the template code)',
  },
  smsAliyunEndpoint: { flag: '--sms-aliyun-endpoint <host>', env: 'RDC_SMS_ALIYUN_ENDPOINT', help: 'Dysmsapi endpoint', default: defaults.smsAliyunEndpoint },
  deliveryAttempts: {
    flag: '--delivery-attempts <number>',
    env: 'RDC_DELIVERY_ATTEMPTS',
    help: 'attempts of a message before it is Failed',
    default: String(defaults.deliveryAttempts),
  },
  deliveryRetryBase: {
    flag: '--delivery-retry-base <ms>',
    env: 'RDC_DELIVERY_RETRY_BASE',
    help: 'wait before the 2nd attempt, doubled for each further one',
    default: String(defaults.deliveryRetryBaseMs),
  },
  deliveryRetryMax: {
    flag: '--delivery-retry-max <ms>',
    env: 'RDC_DELIVERY_RETRY_MAX',
    help: 'longest wait between two attempts',
    default: String(defaults.deliveryRetryMaxMs),
  },
  deliveryConcurrency: {
    flag: '--delivery-concurrency <number>',
    env: 'RDC_DELIVERY_CONCURRENCY',
    help: 'messages sent at the same time',
    default: String(defaults.deliveryConcurrency),
  },
  deliveryTimeout: { flag: '--delivery-timeout <ms>', env: 'RDC_DELIVERY_TIMEOUT', help: 'longest wait for one send', default: String(defaults.deliveryTimeoutMs) },
  deliveryLease: {
    flag: '--delivery-lease <seconds>',
    env: 'RDC_DELIVERY_LEASE',
    help: 'after this long, a message being sent by a dead process is taken over',
    default: String(defaults.deliveryLeaseSeconds),
  },
} as const satisfies Record<string, Setting>;

export interface Setting {
  flag: string;
  env: string;
  help: string;
  /** What applies when neither the flag nor the environment gives a value; none for what must be given. */
  default?: string;
}

/** The help text of a setting: what it means, its environment variable and its default. */
export function settingHelp(setting: Setting): string {
  return `${setting.help} (env ${setting.env}${setting.default === undefined ? '' : `, default ${setting.default}`})`;
}

export type SettingName = keyof typeof settings;
export type RawSettings = Partial<Record<SettingName, string>>;

export class ConfigError extends Error {}

function integer(name: string, text: string, min: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min) throw new ConfigError(`${name} must be an integer of at least ${min}, not "${text}"`);
  return Number(text);
}

/** One of a list of words. */
function oneOf<T extends string>(name: string, text: string, allowed: readonly T[]): T {
  if (!allowed.includes(text as T)) {
    throw new ConfigError(`${name} must be ${allowed.length > 2 ? 'one of ' : ''}${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}, not "${text}"`);
  }
  return text as T;
}

/** Listening on every address: no recipient can open a link to it. */
function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || (isIPv6(host) && /^[0:]+$/.test(host));
}

/** The public URL when none is given: where the service listens (`serve` puts the real port in after listening). */
export function defaultPublicUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * The database URL of every command (a flag, else RDC_DATABASE, else the default), refused with
 * a one-line message when it is of no supported kind.
 */
export function resolveDatabaseUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const url = flag ?? (env[settings.database.env] || defaults.databaseUrl);
  parseDatabaseUrl(url);
  return url;
}

/** Flags win over the environment, which wins over the defaults. */
export function resolveConfig(
  flags: RawSettings,
  env: NodeJS.ProcessEnv = process.env,
  /** Whether standard output is a terminal: pretty logs are then the default. */
  terminal = false,
): Config {
  const pick = (name: SettingName): string | undefined => flags[name] ?? (env[settings[name].env] || undefined);
  const host = pick('host') ?? defaults.host;
  const port = integer('port', pick('port') ?? String(defaults.port), 0);
  if (port > 65_535) throw new ConfigError(`port must be at most 65535, not ${port}`);
  const throttleText = pick('throttle') ?? defaults.throttle;
  if (throttleText !== 'off' && !(/^\d+$/.test(throttleText) && Number(throttleText) >= 1)) {
    throw new ConfigError(`throttle must be an integer of at least 1 (calls per second) or off, not "${throttleText}"`);
  }
  const throttlePerSecond = throttleText === 'off' ? 0 : Number(throttleText);
  const givenPublicUrl = pick('publicUrl');
  if (givenPublicUrl === undefined && isWildcard(host)) {
    throw new ConfigError(
      `host ${host} listens on every address, which no link can name: set --public-url or RDC_PUBLIC_URL to the URL recipients open (https://contacts.example.com)`,
    );
  }
  const publicUrl = (givenPublicUrl ?? defaultPublicUrl(host, port)).replace(/\/+$/, '');
  const phoneCountryCodes = (pick('phoneCountryCodes') ?? defaults.phoneCountryCodes).split(',').map((c) => c.trim()).filter(Boolean);
  for (const code of phoneCountryCodes) {
    if (!/^\d{1,4}$/.test(code)) throw new ConfigError(`phone country code "${code}" must be 1 to 4 digits`);
  }
  const language = pick('language') ?? defaults.language;
  if (!isLanguage(language)) throw new ConfigError(`language must be ${languages.join(' or ')}, not "${language}"`);
  const accessKeyId = env.RDC_ACCESS_KEY_ID || undefined;
  const accessKeySecret = env.RDC_ACCESS_KEY_SECRET || undefined;
  if (Boolean(accessKeyId) !== Boolean(accessKeySecret)) {
    throw new ConfigError('set both RDC_ACCESS_KEY_ID and RDC_ACCESS_KEY_SECRET, or neither');
  }
  const deletionStepDelayMs = integer('deletion-step-delay', pick('deletionStepDelay') ?? String(defaults.deletionStepDelayMs), 0);
  const deletionLeaseSeconds = integer('deletion-lease', pick('deletionLease') ?? String(defaults.deletionLeaseSeconds), 1);
  // Every step renews the lease; it must outlast the pause between two steps with room to spare.
  if (deletionLeaseSeconds * 1000 < 2 * deletionStepDelayMs) throw new ConfigError('deletion-lease must be at least twice deletion-step-delay');
  return {
    host,
    port,
    databaseUrl: resolveDatabaseUrl(flags.database, env),
    publicUrl,
    throttlePerSecond,
    maxContactsPerDirectory: integer('max-contacts', pick('maxContacts') ?? String(defaults.maxContactsPerDirectory), 1),
    maxMembersPerDirectory: integer('max-members', pick('maxMembers') ?? String(defaults.maxMembersPerDirectory), 1),
    maxFoldersPerDirectory: integer('max-folders', pick('maxFolders') ?? String(defaults.maxFoldersPerDirectory), 1),
    phoneCountryCodes,
    verificationTtlSeconds: integer('verification-ttl', pick('verificationTtl') ?? String(defaults.verificationTtlSeconds), 1),
    sendsPerMinutePerAddress: integer('sends-per-minute', pick('sendsPerMinute') ?? String(defaults.sendsPerMinutePerAddress), 1),
    sendsPerDayPerAccount: integer('sends-per-day', pick('sendsPerDay') ?? String(defaults.sendsPerDayPerAccount), 1),
    maxSkewSeconds: defaults.maxSkewSeconds,
    deletionBatchSize: integer('deletion-batch-size', pick('deletionBatchSize') ?? String(defaults.deletionBatchSize), 1),
    deletionStepDelayMs,
    deletionLeaseSeconds,
    maxQueryBytes: defaults.maxQueryBytes,
    maxBodyBytes: defaults.maxBodyBytes,
    maxHeaderBytes: defaults.maxHeaderBytes,
    requestTimeoutMs: integer('request-timeout', pick('requestTimeout') ?? String(defaults.requestTimeoutMs), 1),
    idleTimeoutMs: integer('idle-timeout', pick('idleTimeout') ?? String(defaults.idleTimeoutMs), 1),
    sqliteSynchronous: oneOf('sqlite-synchronous', pick('sqliteSynchronous') ?? defaults.sqliteSynchronous, sqliteSynchronousModes),
    logLevel: oneOf('log-level', pick('logLevel') ?? defaults.logLevel, logLevels),
    logFormat: oneOf('log-format', pick('logFormat') ?? (terminal ? 'pretty' : 'json'), logFormats),
    ...metricsListener(pick),
    auditRetentionDays: integer('audit-retention-days', pick('auditRetention') ?? String(defaults.auditRetentionDays), 1),
    language,
    delivery: resolveDelivery(pick, env),
    ...(accessKeyId && accessKeySecret ? { bootstrapKey: { accessKeyId, accessKeySecret } } : {}),
  };
}

/** The metrics listener, when a port is given. */
function metricsListener(pick: (name: SettingName) => string | undefined): Pick<Config, 'metrics'> {
  const portText = pick('metricsPort');
  if (portText === undefined) return {};
  const port = integer('metrics-port', portText, 0);
  if (port > 65_535) throw new ConfigError(`metrics-port must be at most 65535, not ${port}`);
  return { metrics: { host: pick('metricsHost') ?? defaults.metricsHost, port } };
}

/** `verification=SMS_1,test=SMS_2`: a template code per kind of message. */
function templatesByKind(text: string | undefined): Partial<Record<SmsKind, string>> {
  const codes: Partial<Record<SmsKind, string>> = {};
  for (const entry of (text ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    const [kind, code, ...rest] = entry.split('=').map((part) => part.trim());
    if (!smsKinds.includes(kind as SmsKind) || !code || rest.length > 0) {
      throw new ConfigError(`sms-aliyun-templates: "${entry}" is not <kind>=<template code> with kind ${smsKinds.join(', ')}`);
    }
    codes[kind as SmsKind] = code;
  }
  return codes;
}

/** Transports and retry settings; a transport named without what it needs is a clear error. */
function resolveDelivery(pick: (name: SettingName) => string | undefined, env: NodeJS.ProcessEnv): DeliveryConfig {
  const number = (name: SettingName, flag: string, fallback: number, min: number, max: number) => {
    const value = integer(flag, pick(name) ?? String(fallback), min);
    if (value > max) throw new ConfigError(`${flag} must be at most ${max}, not ${value}`);
    return value;
  };
  const timeoutMs = number('deliveryTimeout', 'delivery-timeout', defaults.deliveryTimeoutMs, 1, 600_000);
  const required = (name: SettingName, what: string): string => {
    const value = pick(name);
    if (!value) throw new ConfigError(`${what}: set ${settings[name].flag.split(' ')[0]} or ${settings[name].env}`);
    return value;
  };
  const requiredEnv = (name: string, what: string): string => {
    const value = env[name];
    if (!value) throw new ConfigError(`${what}: set ${name} in the environment`);
    return value;
  };

  let email: EmailDelivery;
  const emailTransport = pick('emailTransport') ?? defaults.transport;
  if (emailTransport === 'outbox') email = { transport: 'outbox' };
  else if (emailTransport === 'smtp') {
    const security = pick('smtpSecurity') ?? defaults.smtpSecurity;
    if (security !== 'starttls' && security !== 'tls' && security !== 'none') {
      throw new ConfigError(`smtp-security must be starttls, tls or none, not "${security}"`);
    }
    const port = number('smtpPort', 'smtp-port', defaults.smtpPort, 1, 65_535);
    const user = pick('smtpUser');
    const password = env.RDC_SMTP_PASSWORD || undefined;
    if (password && !user) throw new ConfigError('RDC_SMTP_PASSWORD is set but no SMTP user: set --smtp-user or RDC_SMTP_USER');
    if (user && !password) throw new ConfigError(`--smtp-user is ${user} but RDC_SMTP_PASSWORD is not set`);
    const from = required('mailFrom', 'the smtp email transport needs a sender address');
    if (!/^[^\s@<>]+@[^\s@<>]+$/.test(from)) throw new ConfigError(`mail-from must be an email address, not "${from}"`);
    const caFile = pick('smtpCaFile');
    email = {
      transport: 'smtp',
      smtp: {
        host: required('smtpHost', 'the smtp email transport needs a server'),
        port,
        security,
        ...(user ? { user } : {}),
        ...(password ? { password } : {}),
        from,
        fromName: pick('mailFromName') ?? defaults.mailFromName,
        ...(caFile ? { caFile } : {}),
        timeoutMs,
      },
    };
  } else throw new ConfigError(`email-transport must be outbox or smtp, not "${emailTransport}"`);

  let sms: SmsDelivery;
  const smsTransport = pick('smsTransport') ?? defaults.transport;
  if (smsTransport === 'outbox') sms = { transport: 'outbox' };
  else if (smsTransport === 'webhook') {
    const url = required('smsWebhookUrl', 'the webhook SMS transport needs a URL');
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    // The URL may carry a token: the message names its scheme and host at most.
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      throw new ConfigError('sms-webhook-url must be an http(s) URL');
    }
    if (parsed.username || parsed.password) {
      throw new ConfigError(`sms-webhook-url must not carry a user or password (${parsed.protocol}//${parsed.host}): the requests are signed instead`);
    }
    sms = { transport: 'webhook', webhook: { url, secret: requiredEnv('RDC_SMS_WEBHOOK_SECRET', 'the webhook SMS transport signs its requests'), timeoutMs } };
  } else if (smsTransport === 'aliyun') {
    sms = {
      transport: 'aliyun',
      aliyun: {
        accessKeyId: requiredEnv('RDC_SMS_ALIYUN_ACCESS_KEY_ID', 'the aliyun SMS transport needs an AccessKey'),
        accessKeySecret: requiredEnv('RDC_SMS_ALIYUN_ACCESS_KEY_SECRET', 'the aliyun SMS transport needs an AccessKey secret'),
        signName: required('smsAliyunSignName', 'the aliyun SMS transport needs a sign name'),
        templateCode: required('smsAliyunTemplateCode', 'the aliyun SMS transport needs a template code'),
        templateCodes: templatesByKind(pick('smsAliyunTemplates')),
        endpoint: pick('smsAliyunEndpoint') ?? defaults.smsAliyunEndpoint,
        timeoutMs,
      },
    };
  } else throw new ConfigError(`sms-transport must be outbox, webhook or aliyun, not "${smsTransport}"`);

  const week = 7 * 86_400_000;
  const retryBaseMs = number('deliveryRetryBase', 'delivery-retry-base', defaults.deliveryRetryBaseMs, 1, week);
  const retryMaxMs = number('deliveryRetryMax', 'delivery-retry-max', defaults.deliveryRetryMaxMs, 1, week);
  if (retryMaxMs < retryBaseMs) throw new ConfigError('delivery-retry-max must be at least delivery-retry-base');
  const leaseSeconds = number('deliveryLease', 'delivery-lease', defaults.deliveryLeaseSeconds, 1, 86_400);
  // A margin over the send's own deadline: a lease that runs out while its send still runs lets
  // another worker send the message a second time.
  if (leaseSeconds * 1000 < 2 * timeoutMs) throw new ConfigError('delivery-lease must be at least twice delivery-timeout');
  return {
    email,
    sms,
    attempts: number('deliveryAttempts', 'delivery-attempts', defaults.deliveryAttempts, 1, 100),
    retryBaseMs,
    retryMaxMs,
    concurrency: number('deliveryConcurrency', 'delivery-concurrency', defaults.deliveryConcurrency, 1, 100),
    timeoutMs,
    leaseSeconds,
  };
}

/** Service configuration: defaults, overridden by environment variables, overridden by flags. */

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
  maxQueryBytes: number;
  maxBodyBytes: number;
  maxHeaderBytes: number;
  logLevel: string;
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
  maxQueryBytes: 16 * 1024,
  maxBodyBytes: 64 * 1024,
  maxHeaderBytes: 16 * 1024,
  logLevel: 'info',
} as const;

/** Every setting: its flag, its environment variable, and what it means (the README lists these). */
export const settings = {
  host: { flag: '--host <address>', env: 'RDC_HOST', help: 'address to listen on' },
  port: { flag: '--port <number>', env: 'RDC_PORT', help: 'port to listen on' },
  database: { flag: '--database <url>', env: 'RDC_DATABASE', help: 'sqlite:<path>' },
  publicUrl: { flag: '--public-url <url>', env: 'RDC_PUBLIC_URL', help: 'base of links in messages (default http://<host>:<port>)' },
  throttle: { flag: '--throttle <calls-per-second|off>', env: 'RDC_THROTTLE', help: 'calls per second per account and action' },
  maxContacts: { flag: '--max-contacts <number>', env: 'RDC_MAX_CONTACTS', help: 'contacts per resource directory' },
  maxMembers: { flag: '--max-members <number>', env: 'RDC_MAX_MEMBERS', help: 'member accounts per resource directory' },
  maxFolders: { flag: '--max-folders <number>', env: 'RDC_MAX_FOLDERS', help: 'folders per resource directory, Root not counted' },
  phoneCountryCodes: { flag: '--phone-country-codes <list>', env: 'RDC_PHONE_COUNTRY_CODES', help: 'allowed phone country codes, comma-separated' },
  verificationTtl: { flag: '--verification-ttl <seconds>', env: 'RDC_VERIFICATION_TTL', help: 'lifetime of a verification link' },
  sendsPerMinute: { flag: '--sends-per-minute <number>', env: 'RDC_SENDS_PER_MINUTE', help: 'verification messages per minute to one address' },
  sendsPerDay: { flag: '--sends-per-day <number>', env: 'RDC_SENDS_PER_DAY', help: 'verification messages per day per account' },
  deletionBatchSize: { flag: '--deletion-batch-size <number>', env: 'RDC_DELETION_BATCH_SIZE', help: 'member accounts a deletion job decides per transaction' },
  deletionStepDelay: { flag: '--deletion-step-delay <ms>', env: 'RDC_DELETION_STEP_DELAY', help: 'pause between two steps of a deletion job, milliseconds' },
  logLevel: { flag: '--log-level <level>', env: 'RDC_LOG_LEVEL', help: 'fatal, error, warn, info, debug or silent' },
} as const;

export type SettingName = keyof typeof settings;
export type RawSettings = Partial<Record<SettingName, string>>;

export class ConfigError extends Error {}

function integer(name: string, text: string, min: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min) throw new ConfigError(`${name} must be an integer of at least ${min}, not "${text}"`);
  return Number(text);
}

/** Flags win over the environment, which wins over the defaults. */
export function resolveConfig(flags: RawSettings, env: NodeJS.ProcessEnv = process.env): Config {
  const pick = (name: SettingName): string | undefined => flags[name] ?? (env[settings[name].env] || undefined);
  const host = pick('host') ?? defaults.host;
  const port = integer('port', pick('port') ?? String(defaults.port), 0);
  if (port > 65_535) throw new ConfigError(`port must be at most 65535, not ${port}`);
  const throttleText = pick('throttle') ?? defaults.throttle;
  const throttlePerSecond = throttleText === 'off' ? 0 : integer('throttle', throttleText, 1);
  const publicUrl = (pick('publicUrl') ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');
  const phoneCountryCodes = (pick('phoneCountryCodes') ?? defaults.phoneCountryCodes).split(',').map((c) => c.trim()).filter(Boolean);
  for (const code of phoneCountryCodes) {
    if (!/^\d{1,4}$/.test(code)) throw new ConfigError(`phone country code "${code}" must be 1 to 4 digits`);
  }
  const accessKeyId = env.RDC_ACCESS_KEY_ID || undefined;
  const accessKeySecret = env.RDC_ACCESS_KEY_SECRET || undefined;
  if (Boolean(accessKeyId) !== Boolean(accessKeySecret)) {
    throw new ConfigError('set both RDC_ACCESS_KEY_ID and RDC_ACCESS_KEY_SECRET, or neither');
  }
  return {
    host,
    port,
    databaseUrl: pick('database') ?? defaults.databaseUrl,
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
    deletionStepDelayMs: integer('deletion-step-delay', pick('deletionStepDelay') ?? String(defaults.deletionStepDelayMs), 0),
    maxQueryBytes: defaults.maxQueryBytes,
    maxBodyBytes: defaults.maxBodyBytes,
    maxHeaderBytes: defaults.maxHeaderBytes,
    logLevel: pick('logLevel') ?? defaults.logLevel,
    ...(accessKeyId && accessKeySecret ? { bootstrapKey: { accessKeyId, accessKeySecret } } : {}),
  };
}

/**
 * Server configuration from command-line flags and environment variables. Flags win over the
 * environment, the environment over defaults. Every value is checked at startup: a bad value
 * stops the server with a ConfigError that names the flag, the variable and what is expected.
 */
import { DEFAULT_LIMITS, type Limits } from '../protocol';

export type Registration = 'first-user' | 'invite' | 'open';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Config {
  listenHost: string;
  listenPort: number;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Origin people and devices reach the server at (verification URIs, Secure cookies). */
  publicUrl: string | undefined;
  registration: Registration;
  /** Web-app origins allowed by CORS on /v1 besides browser-extension origins. */
  appOrigins: string[];
  /** Take the client address from X-Forwarded-For (only behind a trusted reverse proxy). */
  trustProxy: boolean;
  /** Folder of a built web app served at /; / redirects to /activate when it does not exist. */
  webDir: string;
  maxPayloadBytes: number;
  maxBatchOps: number;
  maxBatchBytes: number;
  maxBodyBytes: number;
  maxChangesLimit: number;
  accessTokenTtlS: number;
  deviceCodeTtlS: number;
  pollIntervalS: number;
  sessionTtlS: number;
  inviteTtlS: number;
  tombstoneRetentionMs: number;
  purgeIntervalS: number;
  rateLimitWindowS: number;
  signInMaxPerAccount: number;
  signInMaxPerAddress: number;
  userCodeMaxPerAddress: number;
  userCodeMaxPerAccount: number;
  deviceCodeMaxPerAddress: number;
  /** How long a pairing (approving a new device from an existing one) stays open, in seconds. */
  pairingTtlS: number;
  /** Most open pairings one account may have at once. */
  pairingMaxOpen: number;
  /** Pairings one account may create per pairing window. */
  pairingMaxPerAccount: number;
  pairingRateWindowS: number;
  logLevel: LogLevel;
}

export class ConfigError extends Error {
  readonly code = 'invalid_config';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_CONFIG: Config = {
  listenHost: '127.0.0.1',
  listenPort: 8787,
  dataDir: './.data',
  databaseUrl: undefined,
  publicUrl: undefined,
  registration: 'first-user',
  appOrigins: [],
  trustProxy: false,
  webDir: 'dist/pwa',
  maxPayloadBytes: DEFAULT_LIMITS.max_payload_bytes,
  maxBatchOps: DEFAULT_LIMITS.max_batch_ops,
  maxBatchBytes: DEFAULT_LIMITS.max_batch_bytes,
  maxBodyBytes: DEFAULT_LIMITS.max_body_bytes,
  maxChangesLimit: DEFAULT_LIMITS.max_changes_limit,
  accessTokenTtlS: 15 * 60,
  deviceCodeTtlS: 600,
  pollIntervalS: 5,
  sessionTtlS: 30 * 60,
  inviteTtlS: 7 * 24 * 60 * 60,
  tombstoneRetentionMs: 90 * DAY_MS,
  purgeIntervalS: 60 * 60,
  rateLimitWindowS: 15 * 60,
  signInMaxPerAccount: 10,
  signInMaxPerAddress: 50,
  userCodeMaxPerAddress: 50,
  userCodeMaxPerAccount: 50,
  deviceCodeMaxPerAddress: 30,
  pairingTtlS: 300,
  pairingMaxOpen: 3,
  pairingMaxPerAccount: 10,
  pairingRateWindowS: 600,
  logLevel: 'info',
};

/** The limits a server advertises in GET /v1/info. */
export function limitsOf(config: Config): Limits {
  return {
    max_payload_bytes: config.maxPayloadBytes,
    max_batch_ops: config.maxBatchOps,
    max_batch_bytes: config.maxBatchBytes,
    max_body_bytes: config.maxBodyBytes,
    max_changes_limit: config.maxChangesLimit,
  };
}

interface OptionName {
  flag: string;
  env: string;
}

type Parse = (raw: string, option: OptionName) => Partial<Config>;

interface Option extends OptionName {
  help: string;
  /** Shown in --help; the default of the corresponding Config field. */
  shownDefault: string;
  parse: Parse;
}

function fail(option: OptionName, raw: string, expected: string): never {
  // A database URL may carry a password: never echo it.
  const shown = option.env === 'DATABASE_URL' ? 'a value' : `"${raw}"`;
  throw new ConfigError(`--${option.flag} / ${option.env}: got ${shown}, expected ${expected}`);
}

function integer(min: number, max: number, set: (n: number) => Partial<Config>): Parse {
  return (raw, option) => {
    if (!/^\d+$/.test(raw)) fail(option, raw, `a whole number between ${min} and ${max}`);
    const n = Number(raw);
    if (n < min || n > max) fail(option, raw, `a whole number between ${min} and ${max}`);
    return set(n);
  };
}

function oneOf<T extends string>(values: readonly T[], set: (v: T) => Partial<Config>): Parse {
  return (raw, option) => {
    if (!(values as readonly string[]).includes(raw))
      fail(option, raw, `one of ${values.join(', ')}`);
    return set(raw as T);
  };
}

function boolean(set: (v: boolean) => Partial<Config>): Parse {
  return (raw, option) => {
    if (['1', 'true', 'yes', 'on'].includes(raw)) return set(true);
    if (['0', 'false', 'no', 'off'].includes(raw)) return set(false);
    return fail(option, raw, 'true or false');
  };
}

function parseListen(raw: string, option: OptionName): Partial<Config> {
  const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(raw);
  const port = Number(match?.[2]);
  if (!match?.[1] || !(port >= 0 && port <= 65535)) {
    fail(
      option,
      raw,
      'HOST:PORT, for example 127.0.0.1:8787 or 0.0.0.0:8787 (port 0 picks a free one)',
    );
  }
  return { listenHost: match[1].replace(/^\[|\]$/g, ''), listenPort: port };
}

function parseUrl(protocols: string[], set: (url: string) => Partial<Config>): Parse {
  return (raw, option) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return fail(option, raw, `a URL (${protocols.join(' or ')})`);
    }
    if (!protocols.includes(url.protocol)) fail(option, raw, `a URL (${protocols.join(' or ')})`);
    return set(raw);
  };
}

function parsePublicUrl(raw: string, option: OptionName): Partial<Config> {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.search || url.hash) {
    fail(option, raw, 'an http(s) URL without query, for example https://sync.example.org');
  }
  return { publicUrl: url.href.replace(/\/+$/, '') };
}

function parseOrigins(raw: string, option: OptionName): Partial<Config> {
  const origins = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const origin of origins) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (!url || url.origin !== origin) {
      fail(option, raw, 'comma-separated origins such as https://app.example.org (no path)');
    }
  }
  return { appOrigins: origins };
}

function parseDays(raw: string, option: OptionName): Partial<Config> {
  if (!/^\d+(\.\d+)?$/.test(raw) || Number(raw) > 36500) {
    fail(option, raw, 'a number of days (decimals allowed) up to 36500');
  }
  return { tombstoneRetentionMs: Math.round(Number(raw) * DAY_MS) };
}

const HOUR_S = 3600;

const OPTIONS: Option[] = [
  {
    flag: 'listen',
    env: 'LISTEN_ADDR',
    help: 'Address and port to listen on (0.0.0.0:8787 to accept other machines)',
    shownDefault: '127.0.0.1:8787',
    parse: parseListen,
  },
  {
    flag: 'data-dir',
    env: 'DATA_DIR',
    help: 'Folder of the embedded database (PGlite); unused with DATABASE_URL',
    shownDefault: './.data',
    parse: (raw, o) => (raw ? { dataDir: raw } : fail(o, raw, 'a folder path')),
  },
  {
    flag: 'database-url',
    env: 'DATABASE_URL',
    help: 'PostgreSQL connection URL; switches from the embedded database to PostgreSQL',
    shownDefault: '(embedded PGlite)',
    parse: parseUrl(['postgres:', 'postgresql:'], (url) => ({ databaseUrl: url })),
  },
  {
    flag: 'public-url',
    env: 'PUBLIC_URL',
    help: 'URL people reach the server at (verification links; https makes cookies Secure)',
    shownDefault: '(taken from each request)',
    parse: parsePublicUrl,
  },
  {
    flag: 'registration',
    env: 'REGISTRATION',
    help: 'Who may create accounts: first-user (then invites), invite, or open',
    shownDefault: 'first-user',
    parse: oneOf(['first-user', 'invite', 'open'] as const, (registration) => ({ registration })),
  },
  {
    flag: 'app-origins',
    env: 'APP_ORIGINS',
    help: 'Comma-separated web-app origins allowed by CORS on /v1 (extensions always are)',
    shownDefault: '(none)',
    parse: parseOrigins,
  },
  {
    flag: 'trust-proxy',
    env: 'TRUST_PROXY',
    help: 'Use X-Forwarded-For for client addresses (only behind a reverse proxy you run)',
    shownDefault: 'false',
    parse: boolean((trustProxy) => ({ trustProxy })),
  },
  {
    flag: 'web-dir',
    env: 'WEB_DIR',
    help: 'Built web app served at / when the folder exists',
    shownDefault: 'dist/pwa',
    parse: (raw, o) => (raw ? { webDir: raw } : fail(o, raw, 'a folder path')),
  },
  {
    flag: 'max-payload-bytes',
    env: 'MAX_PAYLOAD_BYTES',
    help: 'Largest sealed record payload',
    shownDefault: String(DEFAULT_CONFIG.maxPayloadBytes),
    parse: integer(16, 16 * 1024 * 1024, (maxPayloadBytes) => ({ maxPayloadBytes })),
  },
  {
    flag: 'max-batch-ops',
    env: 'MAX_BATCH_OPS',
    help: 'Most operations in one POST /v1/batch',
    shownDefault: String(DEFAULT_CONFIG.maxBatchOps),
    parse: integer(1, 10_000, (maxBatchOps) => ({ maxBatchOps })),
  },
  {
    flag: 'max-batch-bytes',
    env: 'MAX_BATCH_BYTES',
    help: 'Most payload bytes in one POST /v1/batch',
    shownDefault: String(DEFAULT_CONFIG.maxBatchBytes),
    parse: integer(16, 256 * 1024 * 1024, (maxBatchBytes) => ({ maxBatchBytes })),
  },
  {
    flag: 'max-body-bytes',
    env: 'MAX_BODY_BYTES',
    help: 'Largest request body',
    shownDefault: String(DEFAULT_CONFIG.maxBodyBytes),
    parse: integer(1024, 512 * 1024 * 1024, (maxBodyBytes) => ({ maxBodyBytes })),
  },
  {
    flag: 'max-changes-limit',
    env: 'MAX_CHANGES_LIMIT',
    help: 'Most changes in one GET /v1/changes page',
    shownDefault: String(DEFAULT_CONFIG.maxChangesLimit),
    parse: integer(1, 100_000, (maxChangesLimit) => ({ maxChangesLimit })),
  },
  {
    flag: 'access-token-ttl',
    env: 'ACCESS_TOKEN_TTL_S',
    help: 'Access-token lifetime in seconds',
    shownDefault: String(DEFAULT_CONFIG.accessTokenTtlS),
    parse: integer(1, 24 * HOUR_S, (accessTokenTtlS) => ({ accessTokenTtlS })),
  },
  {
    flag: 'device-code-ttl',
    env: 'DEVICE_CODE_TTL_S',
    help: 'How long a device code and its user code stay valid, in seconds',
    shownDefault: String(DEFAULT_CONFIG.deviceCodeTtlS),
    parse: integer(1, HOUR_S, (deviceCodeTtlS) => ({ deviceCodeTtlS })),
  },
  {
    flag: 'poll-interval',
    env: 'POLL_INTERVAL_S',
    help: 'Seconds a device must wait between token polls',
    shownDefault: String(DEFAULT_CONFIG.pollIntervalS),
    parse: integer(0, 60, (pollIntervalS) => ({ pollIntervalS })),
  },
  {
    flag: 'session-ttl',
    env: 'SESSION_TTL_S',
    help: 'Lifetime of a sign-in on the /activate page, in seconds',
    shownDefault: String(DEFAULT_CONFIG.sessionTtlS),
    parse: integer(60, 7 * 24 * HOUR_S, (sessionTtlS) => ({ sessionTtlS })),
  },
  {
    flag: 'invite-ttl',
    env: 'INVITE_TTL_S',
    help: 'Lifetime of an invite link, in seconds',
    shownDefault: String(DEFAULT_CONFIG.inviteTtlS),
    parse: integer(60, 365 * 24 * HOUR_S, (inviteTtlS) => ({ inviteTtlS })),
  },
  {
    flag: 'tombstone-retention-days',
    env: 'TOMBSTONE_RETENTION_DAYS',
    help: 'Days deletions are kept (and until every active device has pulled them)',
    shownDefault: '90',
    parse: parseDays,
  },
  {
    flag: 'purge-interval',
    env: 'PURGE_INTERVAL_S',
    help: 'Seconds between tombstone purges',
    shownDefault: String(DEFAULT_CONFIG.purgeIntervalS),
    parse: integer(1, 7 * 24 * HOUR_S, (purgeIntervalS) => ({ purgeIntervalS })),
  },
  {
    flag: 'rate-limit-window',
    env: 'RATE_LIMIT_WINDOW_S',
    help: 'Window of the sign-in and user-code throttles, in seconds',
    shownDefault: String(DEFAULT_CONFIG.rateLimitWindowS),
    parse: integer(1, 24 * HOUR_S, (rateLimitWindowS) => ({ rateLimitWindowS })),
  },
  {
    flag: 'sign-in-max-per-account',
    env: 'SIGN_IN_MAX_PER_ACCOUNT',
    help: 'Sign-in attempts per account per window',
    shownDefault: String(DEFAULT_CONFIG.signInMaxPerAccount),
    parse: integer(1, 1_000_000, (signInMaxPerAccount) => ({ signInMaxPerAccount })),
  },
  {
    flag: 'sign-in-max-per-address',
    env: 'SIGN_IN_MAX_PER_ADDRESS',
    help: 'Sign-in and registration attempts per client address per window',
    shownDefault: String(DEFAULT_CONFIG.signInMaxPerAddress),
    parse: integer(1, 1_000_000, (signInMaxPerAddress) => ({ signInMaxPerAddress })),
  },
  {
    flag: 'user-code-max-per-address',
    env: 'USER_CODE_MAX_PER_ADDRESS',
    help: 'User-code look-ups per client address per window',
    shownDefault: String(DEFAULT_CONFIG.userCodeMaxPerAddress),
    parse: integer(1, 1_000_000, (userCodeMaxPerAddress) => ({ userCodeMaxPerAddress })),
  },
  {
    flag: 'user-code-max-per-account',
    env: 'USER_CODE_MAX_PER_ACCOUNT',
    help: 'User-code look-ups per signed-in account per window',
    shownDefault: String(DEFAULT_CONFIG.userCodeMaxPerAccount),
    parse: integer(1, 1_000_000, (userCodeMaxPerAccount) => ({ userCodeMaxPerAccount })),
  },
  {
    flag: 'device-code-max-per-address',
    env: 'DEVICE_CODE_MAX_PER_ADDRESS',
    help: 'Device sign-ins started (POST /v1/auth/device) per client address per window',
    shownDefault: String(DEFAULT_CONFIG.deviceCodeMaxPerAddress),
    parse: integer(1, 1_000_000, (deviceCodeMaxPerAddress) => ({ deviceCodeMaxPerAddress })),
  },
  {
    flag: 'pairing-ttl',
    env: 'PAIRING_TTL_SECONDS',
    help: 'Seconds a pairing (approving a new device from an existing one) stays open',
    shownDefault: String(DEFAULT_CONFIG.pairingTtlS),
    parse: integer(30, HOUR_S, (pairingTtlS) => ({ pairingTtlS })),
  },
  {
    flag: 'pairing-max-open',
    env: 'PAIRING_MAX_OPEN',
    help: 'Open pairings one account may have at once',
    shownDefault: String(DEFAULT_CONFIG.pairingMaxOpen),
    parse: integer(1, 100, (pairingMaxOpen) => ({ pairingMaxOpen })),
  },
  {
    flag: 'pairing-max-per-account',
    env: 'PAIRING_MAX_PER_ACCOUNT',
    help: 'Pairings one account may start (POST /v1/pairings) per pairing window',
    shownDefault: String(DEFAULT_CONFIG.pairingMaxPerAccount),
    parse: integer(1, 1_000_000, (pairingMaxPerAccount) => ({ pairingMaxPerAccount })),
  },
  {
    flag: 'pairing-rate-window',
    env: 'PAIRING_RATE_WINDOW_S',
    help: 'Window of the pairing throttle, in seconds',
    shownDefault: String(DEFAULT_CONFIG.pairingRateWindowS),
    parse: integer(1, 24 * HOUR_S, (pairingRateWindowS) => ({ pairingRateWindowS })),
  },
  {
    flag: 'log-level',
    env: 'LOG_LEVEL',
    help: 'debug, info, warn, error or silent',
    shownDefault: 'info',
    parse: oneOf(['debug', 'info', 'warn', 'error', 'silent'] as const, (logLevel) => ({
      logLevel,
    })),
  },
];

export type ParsedArgs = { help: true } | { help: false; config: Config };

/**
 * Reads flags (`--name value` or `--name=value`) and environment variables into a Config.
 * Throws ConfigError on an unknown flag, a missing value or a bad value.
 */
export function parseConfig(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): ParsedArgs {
  const fromFlags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return { help: true };
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const name = match?.[1];
    if (!match || !name || !OPTIONS.some((o) => o.flag === name)) {
      throw new ConfigError(`unknown argument "${arg}" (see --help)`);
    }
    let value = match[2];
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--'))
        throw new ConfigError(`--${name} needs a value`);
      value = next;
      i++;
    }
    fromFlags.set(name, value);
  }

  let config: Config = { ...DEFAULT_CONFIG };
  for (const option of OPTIONS) {
    const raw = fromFlags.get(option.flag) ?? env[option.env];
    if (raw === undefined || (raw === '' && !fromFlags.has(option.flag))) continue;
    config = { ...config, ...option.parse(raw.trim(), option) };
  }
  return { help: false, config };
}

export function helpText(): string {
  const rows = OPTIONS.map((o) => {
    const left = `  --${o.flag} <value>`.padEnd(38);
    return `${left}${o.help}\n${''.padEnd(38)}env ${o.env}, default ${o.shownDefault}`;
  });
  return [
    'Satchel sync server',
    '',
    'Usage: tsx src/server/main.ts [options]',
    '',
    'Every option can also be set through its environment variable; a flag wins.',
    '',
    ...rows,
    `${'  --help'.padEnd(38)}Print this help`,
    '',
  ].join('\n');
}

/**
 * Every server option, each named once: its Config field (the key), flag, environment variable,
 * default, reader and --help line. `Config` and `DEFAULT_CONFIG` are derived from this table,
 * so a new option is one entry here.
 */
import { DEFAULT_LIMITS } from '../protocol';
import {
  boolean,
  DAY_MS,
  days,
  daysAtLeast,
  folder,
  integer,
  listenAddress,
  oneOf,
  optional,
  origins,
  publicUrl,
  type Reader,
  url,
} from './config-readers';

export interface OptionSpec<T> {
  flag: string;
  env: string;
  /** The --help line; left out when the flag is another field's (--listen sets two). */
  help?: string;
  default: NoInfer<T>;
  read: Reader<T>;
  /** The default as --help shows it, when String(default) would not say it. */
  show?: (value: NoInfer<T>) => string;
  /** Never echo the raw value in an error: it may hold a password. */
  secret?: boolean;
  /** The variable's earlier name, still read (after `env`) so existing setups keep working. */
  formerEnv?: string;
}

/** Ties each entry's default to its reader's type (so a wrong default does not compile). */
function option<T>(spec: OptionSpec<T>): OptionSpec<T> {
  return spec;
}

const REGISTRATIONS = ['first-user', 'invite', 'open'] as const;
const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const HOUR_S = 3600;
const DEFAULT_PORT = 8787;
const LISTEN = { flag: 'listen', env: 'LISTEN_ADDR' };

export const OPTIONS = {
  listenHost: option({
    ...LISTEN,
    help: 'Address and port to listen on (0.0.0.0:8787 to accept other machines)',
    default: '127.0.0.1',
    read: (raw) => listenAddress(raw).host,
    show: (host) => `${host}:${DEFAULT_PORT}`,
  }),
  listenPort: option({ ...LISTEN, default: DEFAULT_PORT, read: (raw) => listenAddress(raw).port }),
  dataDir: option({
    flag: 'data-dir',
    env: 'DATA_DIR',
    help: 'Folder of the embedded database (PGlite); unused with DATABASE_URL',
    default: './.data',
    read: folder,
  }),
  databaseUrl: option({
    flag: 'database-url',
    env: 'DATABASE_URL',
    help: 'PostgreSQL connection URL; switches from the embedded database to PostgreSQL',
    default: undefined,
    read: optional(url(['postgres:', 'postgresql:'])),
    show: () => '(embedded PGlite)',
    secret: true,
  }),
  /** Origin people and devices reach the server at (verification URIs, Secure cookies). */
  publicUrl: option({
    flag: 'public-url',
    env: 'PUBLIC_URL',
    help: 'URL people reach the server at (verification links; https makes cookies Secure)',
    default: undefined,
    read: optional(publicUrl),
    show: () => '(taken from each request)',
  }),
  registration: option({
    flag: 'registration',
    env: 'REGISTRATION',
    help: 'Who may create accounts: first-user (then invites), invite, or open',
    default: 'first-user',
    read: oneOf(REGISTRATIONS),
  }),
  /** Web-app origins allowed by CORS on /v1 besides browser-extension origins. */
  appOrigins: option({
    flag: 'app-origins',
    env: 'APP_ORIGINS',
    help: 'Comma-separated web-app origins allowed by CORS on /v1 (extensions always are)',
    default: [],
    read: origins,
    show: () => '(none)',
  }),
  /** Take the client address from X-Forwarded-For (only behind a trusted reverse proxy). */
  trustProxy: option({
    flag: 'trust-proxy',
    env: 'TRUST_PROXY',
    help: 'Use X-Forwarded-For for client addresses (only behind a reverse proxy you run)',
    default: false,
    read: boolean,
  }),
  /** Folder of a built web app served at /; / redirects to /activate when it does not exist. */
  webDir: option({
    flag: 'web-dir',
    env: 'WEB_DIR',
    help: 'Built web app served at / when the folder exists',
    default: 'dist/pwa',
    read: folder,
  }),
  /** Folder of the built admin page served at /admin/; /admin/ is a 404 when it does not exist. */
  adminDir: option({
    flag: 'admin-dir',
    env: 'ADMIN_DIR',
    help: 'Built admin page served at /admin/ when the folder exists',
    default: 'dist/admin',
    read: folder,
  }),
  maxPayloadBytes: option({
    flag: 'max-payload-bytes',
    env: 'MAX_PAYLOAD_BYTES',
    help: 'Largest sealed record payload',
    default: DEFAULT_LIMITS.max_payload_bytes,
    read: integer(16, 16 * 1024 * 1024),
  }),
  maxBatchOps: option({
    flag: 'max-batch-ops',
    env: 'MAX_BATCH_OPS',
    help: 'Most operations in one POST /v1/batch',
    default: DEFAULT_LIMITS.max_batch_ops,
    read: integer(1, 10_000),
  }),
  maxBatchBytes: option({
    flag: 'max-batch-bytes',
    env: 'MAX_BATCH_BYTES',
    help: 'Most payload bytes in one POST /v1/batch',
    default: DEFAULT_LIMITS.max_batch_bytes,
    read: integer(16, 256 * 1024 * 1024),
  }),
  /** A person has a handful of devices; 10 leaves room for a few tabs of the web app each. */
  liveMaxPerAccount: option({
    flag: 'live-max-per-account',
    env: 'LIVE_MAX_PER_ACCOUNT',
    help: 'Live-sync streams one account may hold open at once',
    default: 10,
    read: integer(1, 10_000),
  }),
  /** Several people behind one NAT share an address; each idle stream costs a socket only. */
  liveMaxPerAddress: option({
    flag: 'live-max-per-address',
    env: 'LIVE_MAX_PER_ADDRESS',
    help: 'Live-sync streams one client address may hold open at once',
    default: 50,
    read: integer(1, 100_000),
  }),
  maxBodyBytes: option({
    flag: 'max-body-bytes',
    env: 'MAX_BODY_BYTES',
    help: 'Largest request body',
    default: DEFAULT_LIMITS.max_body_bytes,
    read: integer(1024, 512 * 1024 * 1024),
  }),
  maxChangesLimit: option({
    flag: 'max-changes-limit',
    env: 'MAX_CHANGES_LIMIT',
    help: 'Most changes in one GET /v1/changes page',
    default: DEFAULT_LIMITS.max_changes_limit,
    read: integer(1, 100_000),
  }),
  accessTokenTtlS: option({
    flag: 'access-token-ttl',
    env: 'ACCESS_TOKEN_TTL_S',
    help: 'Access-token lifetime in seconds',
    default: 15 * 60,
    read: integer(1, 24 * HOUR_S),
  }),
  /** A refresh token not used for this long is refused: the device signs in again. */
  refreshTokenIdleMs: option({
    flag: 'refresh-token-idle-days',
    env: 'REFRESH_TOKEN_IDLE_DAYS',
    help: 'Days a device may go without refreshing before it must sign in again',
    default: 90 * DAY_MS,
    read: daysAtLeast(1),
    show: (ms) => String(ms / DAY_MS),
  }),
  /** However active, a device signs in again this long after it signed in. */
  refreshTokenLifetimeMs: option({
    flag: 'refresh-token-lifetime-days',
    env: 'REFRESH_TOKEN_LIFETIME_DAYS',
    help: 'Days after a sign-in when the device must sign in again, however active',
    default: 365 * DAY_MS,
    read: daysAtLeast(1),
    show: (ms) => String(ms / DAY_MS),
  }),
  deviceCodeTtlS: option({
    flag: 'device-code-ttl',
    env: 'DEVICE_CODE_TTL_S',
    help: 'How long a device code and its user code stay valid, in seconds',
    default: 600,
    read: integer(1, HOUR_S),
  }),
  pollIntervalS: option({
    flag: 'poll-interval',
    env: 'POLL_INTERVAL_S',
    help: 'Seconds a device must wait between token polls',
    default: 5,
    read: integer(0, 60),
  }),
  sessionTtlS: option({
    flag: 'session-ttl',
    env: 'SESSION_TTL_S',
    help: 'Lifetime of a sign-in on the /activate page, in seconds',
    default: 30 * 60,
    read: integer(60, 7 * 24 * HOUR_S),
  }),
  inviteTtlS: option({
    flag: 'invite-ttl',
    env: 'INVITE_TTL_S',
    help: 'Lifetime of an invite link, in seconds',
    default: 7 * 24 * HOUR_S,
    read: integer(60, 365 * 24 * HOUR_S),
  }),
  tombstoneRetentionMs: option({
    flag: 'tombstone-retention-days',
    env: 'TOMBSTONE_RETENTION_DAYS',
    help: 'Days deletions are kept (and until every active device has pulled them)',
    default: 90 * DAY_MS,
    read: days,
    show: (ms) => String(ms / DAY_MS),
  }),
  purgeIntervalS: option({
    flag: 'purge-interval',
    env: 'PURGE_INTERVAL_S',
    help: 'Seconds between tombstone purges',
    default: HOUR_S,
    read: integer(1, 7 * 24 * HOUR_S),
  }),
  rateLimitWindowS: option({
    flag: 'rate-limit-window',
    env: 'RATE_LIMIT_WINDOW_S',
    help: 'Window of the sign-in and user-code throttles, in seconds',
    default: 15 * 60,
    read: integer(1, 24 * HOUR_S),
  }),
  signInMaxPerAccount: option({
    flag: 'sign-in-max-per-account',
    env: 'SIGN_IN_MAX_PER_ACCOUNT',
    help: 'Sign-in attempts per account per window',
    default: 10,
    read: integer(1, 1_000_000),
  }),
  signInMaxPerAddress: option({
    flag: 'sign-in-max-per-address',
    env: 'SIGN_IN_MAX_PER_ADDRESS',
    help: 'Sign-in and registration attempts per client address per window',
    default: 50,
    read: integer(1, 1_000_000),
  }),
  userCodeMaxPerAddress: option({
    flag: 'user-code-max-per-address',
    env: 'USER_CODE_MAX_PER_ADDRESS',
    help: 'User-code look-ups per client address per window',
    default: 50,
    read: integer(1, 1_000_000),
  }),
  userCodeMaxPerAccount: option({
    flag: 'user-code-max-per-account',
    env: 'USER_CODE_MAX_PER_ACCOUNT',
    help: 'User-code look-ups per signed-in account per window',
    default: 50,
    read: integer(1, 1_000_000),
  }),
  deviceCodeMaxPerAddress: option({
    flag: 'device-code-max-per-address',
    env: 'DEVICE_CODE_MAX_PER_ADDRESS',
    help: 'Device sign-ins started (POST /v1/auth/device) per client address per window',
    default: 30,
    read: integer(1, 1_000_000),
  }),
  /** How long a pairing (approving a new device from an existing one) stays open, in seconds. */
  pairingTtlS: option({
    flag: 'pairing-ttl',
    env: 'PAIRING_TTL_S',
    formerEnv: 'PAIRING_TTL_SECONDS',
    help: 'Seconds a pairing (approving a new device from an existing one) stays open',
    default: 300,
    read: integer(30, HOUR_S),
  }),
  /** Most open pairings one account may have at once. */
  pairingMaxOpen: option({
    flag: 'pairing-max-open',
    env: 'PAIRING_MAX_OPEN',
    help: 'Open pairings one account may have at once',
    default: 3,
    read: integer(1, 100),
  }),
  /** Pairings one account may create per pairing window. */
  pairingMaxPerAccount: option({
    flag: 'pairing-max-per-account',
    env: 'PAIRING_MAX_PER_ACCOUNT',
    help: 'Pairings one account may start (POST /v1/pairings) per pairing window',
    default: 10,
    read: integer(1, 1_000_000),
  }),
  pairingRateWindowS: option({
    flag: 'pairing-rate-window',
    env: 'PAIRING_RATE_WINDOW_S',
    help: 'Window of the pairing throttle, in seconds',
    default: 600,
    read: integer(1, 24 * HOUR_S),
  }),
  logLevel: option({
    flag: 'log-level',
    env: 'LOG_LEVEL',
    help: 'debug (adds a line per request), info, warn, error or silent',
    default: 'info',
    read: oneOf(LOG_LEVELS),
  }),
};

type ValueOf<S> = S extends OptionSpec<infer T> ? T : never;

export type Config = { [K in keyof typeof OPTIONS]: ValueOf<(typeof OPTIONS)[K]> };

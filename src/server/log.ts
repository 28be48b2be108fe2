/**
 * Structured logs: one JSON object per line. Everything passes through `redact` first, because a
 * log line is the easiest place for a token, a password or a sealed payload to leak from.
 */
import type { LogLevel } from './config';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

const REDACTED = '[redacted]';

/**
 * Keys whose values are secret or private whatever they hold. Matched against the key with
 * separators removed, so `refresh_token`, `refreshToken` and `Refresh-Token` all match.
 */
const SECRET_KEY =
  /token|password|passwd|secret|cookie|authorization|session|csrf|payload|keydocument|invite|code$|^code|credential|signature|salt/i;

/** Long base64url/hex runs: tokens, device codes, hashes, payloads. */
const TOKEN_LIKE = /[A-Za-z0-9_\-+/=]{24,}/g;
/** User codes as shown (XXXX-XXXX) or typed (8 consonants). */
const USER_CODE_LIKE = /\b[BCDFGHJKLMNPQRSTVWXZ]{4}-?[BCDFGHJKLMNPQRSTVWXZ]{4}\b/gi;
/** Bearer credentials in free text. */
const BEARER = /\bBearer\s+\S+/gi;

/** user:password@ in URLs such as DATABASE_URL. */
const URL_CREDENTIALS = /\/\/[^/@\s]+@/g;

export function hideUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, `//${REDACTED}@`);
}

/** Scrubs secrets out of free text such as an error message. */
export function scrubText(text: string): string {
  return hideUrlCredentials(text)
    .replace(BEARER, `Bearer ${REDACTED}`)
    .replace(TOKEN_LIKE, REDACTED)
    .replace(USER_CODE_LIKE, REDACTED);
}

/** Account and device ids are random UUIDs: identifiers, not secrets. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Returns a copy safe to log: secret keys blanked, free text scrubbed, depth bounded. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[too deep]';
  if (typeof value === 'string') return UUID.test(value) ? value : scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return redact(describeError(value), depth + 1);
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => redact(item, depth + 1));
  const out: LogFields = {};
  for (const [key, item] of Object.entries(value)) {
    const normalized = key.replace(/[_\-\s.]/g, '');
    if (SECRET_KEY.test(normalized)) out[key] = REDACTED;
    // Stack frames hold only code locations, which the token scrubber would mangle.
    else if (key === 'stack' && typeof item === 'string') out[key] = item;
    else out[key] = redact(item, depth + 1);
  }
  return out;
}

/**
 * What is logged of an unexpected error: its class, message and the PostgreSQL SQLSTATE when
 * there is one. A driver's `detail` is left out: it quotes row values.
 */
export function describeError(error: unknown): LogFields {
  if (!(error instanceof Error)) return { error_class: typeof error };
  const fields: LogFields = { error_class: error.name, error_message: error.message };
  const sqlState = (error as { code?: unknown }).code;
  if (typeof sqlState === 'string' && /^[0-9A-Z]{5}$/.test(sqlState)) fields.sqlstate = sqlState;
  if (error.stack) {
    // Stack frames only: the first line repeats the message, which is already scrubbed above.
    fields.stack = error.stack.split('\n').slice(1, 8).join('\n');
  }
  return fields;
}

export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  clock: () => number = Date.now,
): Logger {
  const threshold = LEVELS[level];
  const emit = (lineLevel: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields) => {
    if (LEVELS[lineLevel] < threshold) return;
    const line = {
      time: new Date(clock()).toISOString(),
      level: lineLevel,
      msg: scrubText(msg),
      ...(fields ? (redact(fields) as LogFields) : {}),
    };
    write(JSON.stringify(line));
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
}

/**
 * How a setting's text becomes its value. A reader throws `Invalid` saying what it expected;
 * config.ts turns that into a ConfigError naming the flag and the variable, so no reader needs
 * to know which option it serves.
 */

export type Reader<T> = (raw: string) => T;

export class Invalid extends Error {
  constructor(readonly expected: string) {
    super(`expected ${expected}`);
    this.name = 'Invalid';
  }
}

function invalid(expected: string): never {
  throw new Invalid(expected);
}

export const DAY_MS = 24 * 60 * 60 * 1000;

export function integer(min: number, max: number): Reader<number> {
  return (raw) => {
    const expected = `a whole number between ${min} and ${max}`;
    if (!/^\d+$/.test(raw)) invalid(expected);
    const n = Number(raw);
    if (n < min || n > max) invalid(expected);
    return n;
  };
}

export function oneOf<T extends string>(values: readonly T[]): Reader<T> {
  return (raw) => {
    if (!(values as readonly string[]).includes(raw)) invalid(`one of ${values.join(', ')}`);
    return raw as T;
  };
}

export const boolean: Reader<boolean> = (raw) => {
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  return invalid('true or false');
};

export const folder: Reader<string> = (raw) => raw || invalid('a folder path');

/** For a setting that is off (undefined) unless given. */
export function optional<T>(read: Reader<T>): Reader<T | undefined> {
  return read;
}

function parseUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

/** A URL with one of the protocols, kept as written. */
export function url(protocols: string[]): Reader<string> {
  return (raw) => {
    if (!protocols.includes(parseUrl(raw)?.protocol ?? '')) {
      invalid(`a URL (${protocols.join(' or ')})`);
    }
    return raw;
  };
}

export const publicUrl: Reader<string> = (raw) => {
  const url = parseUrl(raw);
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.search || url.hash) {
    invalid('an http(s) URL without query, for example https://sync.example.org');
  }
  return url.href.replace(/\/+$/, '');
};

export const origins: Reader<string[]> = (raw) => {
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const origin of list) {
    if (parseUrl(origin)?.origin !== origin) {
      invalid('comma-separated origins such as https://app.example.org (no path)');
    }
  }
  return list;
};

/** A number of days, as milliseconds. */
export const days: Reader<number> = (raw) => {
  if (!/^\d+(\.\d+)?$/.test(raw) || Number(raw) > 36500) {
    invalid('a number of days (decimals allowed) up to 36500');
  }
  return Math.round(Number(raw) * DAY_MS);
};

/** HOST:PORT, the host unbracketed when it is IPv6. */
export function listenAddress(raw: string): { host: string; port: number } {
  const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(raw);
  const port = Number(match?.[2]);
  if (!match?.[1] || !(port >= 0 && port <= 65535)) {
    invalid('HOST:PORT, for example 127.0.0.1:8787 or 0.0.0.0:8787 (port 0 picks a free one)');
  }
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

/** A number of days, as milliseconds, of at least a minimum (a lifetime of 0 would lock out). */
export function daysAtLeast(min: number): Reader<number> {
  return (raw) => {
    const ms = days(raw);
    if (ms < min * DAY_MS) invalid(`a number of days from ${min} up to 36500`);
    return ms;
  };
}

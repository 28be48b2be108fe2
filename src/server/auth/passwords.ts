/**
 * Password hashing with scrypt from node:crypto. Stored form: `scrypt$N$r$p$salt$hash` (base64url),
 * so parameters can be raised later and old hashes still verify (and are rehashed on sign-in).
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/** OWASP's scrypt floor: N=2^17, r=8, p=1, which takes 128 MiB (128·N·r bytes) per hash. */
export const SCRYPT_PARAMS = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
/** Stored parameters beyond these are refused rather than run: a hash must not take the host down. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

/** Longest password accepted; scrypt's cost does not depend on it, but request bodies should. */
export const MAX_PASSWORD_LENGTH = 1024;
export const MIN_PASSWORD_LENGTH = 8;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  // Node's default maxmem (32 MiB) is below what N=2^17 needs; allow twice the 128·N·r it uses.
  const options: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * Hashes and checks passwords at one cost. The server runs at SCRYPT_PARAMS; the test servers at
 * a cheaper cost (their accounts are throwaway and a suite creates hundreds), which only code can
 * choose: no flag or variable lowers it for a real server.
 */
export class PasswordHasher {
  private decoy: Promise<string> | undefined;

  constructor(readonly params: ScryptParams = SCRYPT_PARAMS) {}

  async hash(password: string): Promise<string> {
    const { N: n, r, p } = this.params;
    const salt = randomBytes(16);
    const key = await derive(password, salt, n, r, p);
    return ['scrypt', n, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
  }

  /** Verifies with the parameters the hash was made with, whatever today's are. */
  verify(password: string, stored: string): Promise<boolean> {
    return verifyPassword(password, stored);
  }

  /** True when a (verified) hash was made with other parameters than this hasher's: hash it again. */
  needsRehash(stored: string): boolean {
    const { n, r, p } = parseStored(stored);
    return n !== this.params.N || r !== this.params.r || p !== this.params.p;
  }

  /**
   * A hash of no one's password, verified when the username does not exist so that the answer
   * takes as long as for a wrong password and does not reveal which usernames exist.
   */
  decoyHash(): Promise<string> {
    this.decoy ??= this.hash(randomBytes(16).toString('hex'));
    return this.decoy;
  }
}

const standard = new PasswordHasher();

export function hashPassword(password: string): Promise<string> {
  return standard.hash(password);
}

export class PasswordHashError extends Error {
  readonly code = 'invalid_password_hash';
  constructor() {
    super('stored password hash is not in the scrypt$N$r$p$salt$hash form');
    this.name = 'PasswordHashError';
  }
}

interface StoredHash {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parseStored(stored: string): StoredHash {
  const [scheme, n, r, p, salt, key, ...rest] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key || rest.length > 0) {
    throw new PasswordHashError();
  }
  const params = { n: Number(n), r: Number(r), p: Number(p) };
  const isPowerOfTwo = Number.isInteger(Math.log2(params.n));
  if (
    !isPowerOfTwo ||
    params.n < 2 ||
    params.n > MAX_N ||
    !Number.isInteger(params.r) ||
    params.r < 1 ||
    params.r > MAX_R ||
    !Number.isInteger(params.p) ||
    params.p < 1 ||
    params.p > MAX_P
  ) {
    throw new PasswordHashError();
  }
  return { ...params, salt: Buffer.from(salt, 'base64url'), key: Buffer.from(key, 'base64url') };
}

/** Verifies with the parameters the hash was made with, whatever today's are. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const { n, r, p, salt, key: expected } = parseStored(stored);
  const actual = await derive(password, salt, n, r, p);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** True when a (verified) hash was made with other parameters than today's: hash it again. */
export function needsRehash(stored: string): boolean {
  return standard.needsRehash(stored);
}

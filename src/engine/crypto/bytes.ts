import { CryptoError } from './errors';

/** Raw bytes. WebCrypto wants buffers it owns, so inputs are copied with `ownedCopy`. */
export type Bytes = Uint8Array;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text);
}

/** Throws TypeError on invalid UTF-8 (fatal decoder): callers map it to their own error code. */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** A copy backed by a plain ArrayBuffer, as WebCrypto's BufferSource type requires. */
export function ownedCopy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(length));
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/**
 * Domain-separated labels and associated data are JSON arrays: unambiguous for any account id
 * or collection token (no delimiter can be smuggled in), and readable in the README.
 */
export function label(...parts: Array<string | number | boolean>): Uint8Array<ArrayBuffer> {
  return utf8(JSON.stringify(parts));
}

export function assertKeyBytes(bytes: unknown, what: string): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) {
    throw new CryptoError('invalid_argument', `${what} must be 32 bytes`);
  }
}

export function assertAccountId(accountId: unknown): asserts accountId is string {
  if (typeof accountId !== 'string' || accountId.length === 0 || accountId.length > 256) {
    throw new CryptoError('invalid_argument', 'accountId must be a non-empty string');
  }
}

/** Epochs travel as a 4-byte field in envelopes and start at 1, as in the protocol. */
export function assertEpoch(epoch: unknown): asserts epoch is number {
  if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 1 || epoch > 0xffffffff) {
    throw new CryptoError('invalid_argument', 'epoch must be an integer from 1 to 2^32-1');
  }
}

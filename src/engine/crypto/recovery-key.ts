/**
 * Recovery keys: 128 random bits plus a 12-bit CRC, written as 28 Crockford base32 symbols in
 * seven groups of four, e.g. `7K2M-...-Q9XD`. Crockford's alphabet has no I, L, O or U, so
 * parsing can forgive the usual look-alikes. A degree-12 CRC catches every single mistyped
 * symbol and every swap of two neighbours (both are bursts of at most 10 bits), and all but
 * 1 in 4096 of other typos, before any slow key derivation runs.
 */
import { type Bytes, randomBytes } from './bytes';
import { CryptoError } from './errors';

export const RECOVERY_KEY_BYTES = 16;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CHECK_BITS = 12;
const SYMBOLS = ((RECOVERY_KEY_BYTES * 8 + CHECK_BITS) / 5) | 0; // 28
const GROUP = 4;
const CRC_POLY = 0x80f; // CRC-12: x^12 + x^11 + x^3 + x^2 + x + 1
const CRC_MASK = 0xfff;

/** Separators and look-alikes people type or paste; dashes include the Unicode variants. */
const SEPARATORS = /[\s\-\u2010-\u2015\u2212]/gu;
const LOOK_ALIKES: Record<string, string> = { I: '1', L: '1', O: '0' };

function crc12(bits: readonly number[]): number {
  let crc = CRC_MASK;
  for (const bit of bits) {
    const top = (crc >> (CHECK_BITS - 1)) & 1;
    crc = (crc << 1) & CRC_MASK;
    if (top ^ bit) crc ^= CRC_POLY;
  }
  return crc;
}

function bitsOf(bytes: Uint8Array): number[] {
  const bits: number[] = [];
  for (const byte of bytes) for (let i = 7; i >= 0; i--) bits.push((byte >> i) & 1);
  return bits;
}

function numberBits(value: number, width: number): number[] {
  const bits: number[] = [];
  for (let i = width - 1; i >= 0; i--) bits.push((value >> i) & 1);
  return bits;
}

/** Formats 16 key bytes as a recovery key (exported for tests and for re-showing a key). */
export function formatRecoveryKey(bytes: Bytes): string {
  if (!(bytes instanceof Uint8Array) || bytes.length !== RECOVERY_KEY_BYTES) {
    throw new CryptoError(
      'invalid_argument',
      `recovery key material must be ${RECOVERY_KEY_BYTES} bytes`,
    );
  }
  const dataBits = bitsOf(bytes);
  const bits = [...dataBits, ...numberBits(crc12(dataBits), CHECK_BITS)];
  let symbols = '';
  for (let i = 0; i < SYMBOLS; i++) {
    const value = bits.slice(i * 5, i * 5 + 5).reduce((acc, bit) => (acc << 1) | bit, 0);
    symbols += ALPHABET[value];
  }
  return (symbols.match(new RegExp(`.{${GROUP}}`, 'g')) ?? []).join('-');
}

export function generateRecoveryKey(): string {
  return formatRecoveryKey(randomBytes(RECOVERY_KEY_BYTES));
}

/**
 * Reads a recovery key as a person typed it. Messages say what is wrong without repeating any
 * of the key, since error messages may end up in logs.
 */
export function parseRecoveryKey(input: string): Bytes {
  if (typeof input !== 'string') {
    throw new CryptoError('invalid_recovery_key', 'The recovery key must be text.');
  }
  const cleaned = input
    .normalize('NFKC')
    .replace(SEPARATORS, '')
    .toUpperCase()
    .replace(/[ILO]/g, (c) => LOOK_ALIKES[c] ?? c);
  if (cleaned.length === 0) {
    throw new CryptoError('invalid_recovery_key', 'Enter the recovery key.');
  }
  const values: number[] = [];
  for (let i = 0; i < cleaned.length; i++) {
    const value = ALPHABET.indexOf(cleaned[i] as string);
    if (value < 0) {
      throw new CryptoError(
        'invalid_recovery_key',
        `Character ${i + 1} (not counting spaces and dashes) cannot appear in a recovery key: ` +
          'they use only digits and the letters A-Z except I, L, O and U.',
      );
    }
    values.push(value);
  }
  if (values.length !== SYMBOLS) {
    throw new CryptoError(
      'invalid_recovery_key',
      `A recovery key has ${SYMBOLS} characters (not counting spaces and dashes); ` +
        `this one has ${values.length}.`,
    );
  }
  const bits = values.flatMap((value) => numberBits(value, 5));
  const dataBits = bits.slice(0, RECOVERY_KEY_BYTES * 8);
  const check = bits.slice(RECOVERY_KEY_BYTES * 8).reduce((acc, bit) => (acc << 1) | bit, 0);
  if (check !== crc12(dataBits)) {
    throw new CryptoError(
      'invalid_recovery_key',
      'This recovery key has a typo: its check characters do not match. Compare it with the ' +
        'one you saved, group by group.',
    );
  }
  const bytes = new Uint8Array(RECOVERY_KEY_BYTES);
  for (let i = 0; i < RECOVERY_KEY_BYTES; i++) {
    bytes[i] = dataBits.slice(i * 8, i * 8 + 8).reduce((acc, bit) => (acc << 1) | bit, 0);
  }
  return bytes;
}

/**
 * Random secrets and their hashes. The server keeps only SHA-256 hashes of tokens, device codes,
 * session and invite tokens, so a copy of the database signs nobody in.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { USER_CODE_ALPHABET } from '../../protocol';

/** An opaque random token, base64url; 32 bytes = 256 bits. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares two secrets in time independent of where they differ. */
export function safeEqual(a: string, b: string): boolean {
  // Hashing first gives equal lengths, so the length of the expected value does not leak either.
  return timingSafeEqual(
    createHash('sha256').update(a).digest(),
    createHash('sha256').update(b).digest(),
  );
}

/** 8 letters from the 20-letter alphabet, uniformly (randomInt does rejection sampling). */
export function newUserCode(): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return code;
}

export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * What a person typed, as stored: upper case, without the dash or spaces. Null when it cannot be
 * a user code at all, so a typo never costs a database look-up.
 */
export function normalizeUserCode(typed: string): string | null {
  const code = typed.replace(/[\s-]/g, '').toUpperCase();
  if (code.length !== 8) return null;
  for (const letter of code) if (!USER_CODE_ALPHABET.includes(letter)) return null;
  return code;
}

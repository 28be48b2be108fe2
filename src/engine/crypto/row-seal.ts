/**
 * Seals one stored row under the device lock's row key. Synchronous on purpose (a pure-JS AEAD,
 * XChaCha20-Poly1305 from @noble/ciphers): WebCrypto's promises end an IndexedDB transaction
 * under way, and every record change reads and writes its rows inside one. The 24-byte random
 * nonce leaves no practical chance of reuse under one long-lived key, which a 12-byte AES-GCM
 * nonce would over millions of local writes.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { assertKeyBytes, concatBytes, fromUtf8, label, randomBytes, utf8 } from './bytes';
import { CryptoError } from './errors';

const NONCE_BYTES = 24;
export const ROW_KEY_BYTES = 32;

/** Where a row lives: the associated data, so a sealed row cannot be moved to another record. */
export interface RowPlace {
  store: string;
  collection: string;
  id: string;
}

function aadOf(place: RowPlace): Uint8Array {
  return label('satchel/v1/local-row', place.store, place.collection, place.id);
}

export function newRowKey(): Uint8Array {
  return randomBytes(ROW_KEY_BYTES);
}

export function sealRow(key: Uint8Array, place: RowPlace, plain: string): Uint8Array {
  assertKeyBytes(key, 'The row key');
  const nonce = randomBytes(NONCE_BYTES);
  return concatBytes(nonce, xchacha20poly1305(key, nonce, aadOf(place)).encrypt(utf8(plain)));
}

/** `tampered` when the row was altered, moved, or sealed under another key. */
export function openRow(key: Uint8Array, place: RowPlace, sealed: Uint8Array): string {
  assertKeyBytes(key, 'The row key');
  try {
    const nonce = sealed.subarray(0, NONCE_BYTES);
    return fromUtf8(
      xchacha20poly1305(key, nonce, aadOf(place)).decrypt(sealed.subarray(NONCE_BYTES)),
    );
  } catch (error) {
    throw new CryptoError(
      'tampered',
      `A stored ${place.store} row of ${place.collection} does not open`,
      { cause: error },
    );
  }
}

/**
 * AES-256-GCM as every part of the key document uses it: a fresh random IV per seal, and a
 * failed tag reported as `key_document_invalid` naming what did not open, since inside a key
 * document an authentication failure means the document was altered or is another account's.
 */
import { fromBase64url, toBase64url } from '../../../protocol/base64url';
import { randomBytes } from '../bytes';
import { CryptoError, isAuthenticationFailure } from '../errors';
import { IV_BYTES } from './format';

export async function seal(key: CryptoKey, secret: Uint8Array, aad: Uint8Array<ArrayBuffer>) {
  const iv = randomBytes(IV_BYTES);
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: aad },
    key,
    new Uint8Array(secret),
  );
  return { iv: toBase64url(iv), ct: toBase64url(new Uint8Array(ct)) };
}

/** Opens what `seal` sealed; a failed tag is `key_document_invalid`, naming `what`. */
export async function unseal(
  key: CryptoKey,
  sealed: { iv: string; ct: string },
  aad: Uint8Array<ArrayBuffer>,
  what: string,
) {
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt(
        {
          name: 'AES-GCM',
          iv: fromBase64url(sealed.iv) as Uint8Array<ArrayBuffer>,
          additionalData: aad,
        },
        key,
        fromBase64url(sealed.ct) as Uint8Array<ArrayBuffer>,
      ),
    );
  } catch (error) {
    if (!isAuthenticationFailure(error)) throw error;
    throw new CryptoError(
      'key_document_invalid',
      `key document: the ${what} does not open; the document was altered or belongs to another account`,
    );
  }
}

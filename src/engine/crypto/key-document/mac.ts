/**
 * The key document's MAC: HMAC-SHA256 under a key derived from the account's
 * document-authentication key K_auth, over a canonical encoding of every other field. K_auth is
 * not the master key: a server could choose a master of its own and seal it to the (public)
 * recipient keys, but it cannot learn K_auth, which only the secret wraps and the master-sealed
 * `authKey` carry. So it cannot forge a document, add a device recipient, drop or reorder
 * previous epochs, or swap any entry unnoticed.
 *
 *   key   = HKDF-SHA256(K_auth, ["satchel/v2/key-document-mac", accountId, epoch])
 *   input = canonical JSON of ["satchel/v2/key-document", accountId, document without "mac"]
 *
 * Canonical JSON: object keys sorted by UTF-16 code units, no whitespace; strings and numbers
 * as JSON.stringify writes them. The schema admits only objects, arrays, strings and integers.
 */
import { fromBase64url, toBase64url } from '../../../protocol/base64url';
import { label, utf8 } from '../bytes';
import { CryptoError } from '../errors';
import { hkdfHmacKey, importHkdfKey } from '../kdf';
import type { KeyDocumentJson } from './format';

export type UnsignedKeyDocument = Omit<KeyDocumentJson, 'mac'>;

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

async function macKey(authKey: Uint8Array, accountId: string, epoch: number) {
  return hkdfHmacKey(
    await importHkdfKey(authKey),
    label('satchel/v2/key-document-mac', accountId, epoch),
    ['sign', 'verify'],
  );
}

function macInput(accountId: string, unsigned: UnsignedKeyDocument) {
  return utf8(canonicalJson(['satchel/v2/key-document', accountId, unsigned]));
}

/** `authKey` is the account's K_auth (32 bytes), never the master key. */
export async function signKeyDocument(
  authKey: Uint8Array,
  accountId: string,
  unsigned: UnsignedKeyDocument,
): Promise<KeyDocumentJson> {
  const key = await macKey(authKey, accountId, unsigned.epoch);
  const mac = await crypto.subtle.sign('HMAC', key, macInput(accountId, unsigned));
  return { ...unsigned, mac: toBase64url(new Uint8Array(mac)) };
}

/** Throws key_document_invalid unless `doc.mac` is the MAC of the rest under this K_auth. */
export async function verifyKeyDocumentMac(
  authKey: Uint8Array,
  accountId: string,
  doc: KeyDocumentJson,
): Promise<void> {
  const { mac, ...unsigned } = doc;
  const key = await macKey(authKey, accountId, doc.epoch);
  const tag = fromBase64url(mac) ?? new Uint8Array(0);
  if (!(await crypto.subtle.verify('HMAC', key, tag, macInput(accountId, unsigned)))) {
    throw new CryptoError(
      'key_document_invalid',
      'key document: the mac does not verify; the document was altered or forged',
    );
  }
}

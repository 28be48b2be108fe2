/**
 * Public-key recipients of the key document (ECDH-ES on P-256). Anyone holding a recipient's
 * public key can seal a secret to it; only the holder of the private key can open it. Each seal
 * uses a fresh ephemeral key pair, so the sealer needs no long-lived key of its own.
 *
 *   shared = ECDH(ephemeral private, recipient public)          (32 bytes)
 *   key    = HKDF-SHA256(shared, info = ["satchel/v2/recipient-key", accountId, epoch, name,
 *                                        ephemeral public, recipient public])  → AES-256-GCM
 *   AAD    = ["satchel/v2/recipient", accountId, epoch, fingerprint, name]
 */
import { fromBase64url, toBase64url } from '../../../protocol/base64url';
import { concatBytes, label, ownedCopy } from '../bytes';
import { CryptoError } from '../errors';
import { hkdfAesKey, importHkdfKey } from '../kdf';
import { PUBLIC_KEY_BYTES } from './format';
import { seal, unseal } from './seal';

const CURVE = { name: 'ECDH', namedCurve: 'P-256' } as const;
// The canonical PKCS8 form (PRIVATE_KEY_BYTES): what Chromium and Node export, every engine imports.
// PKCS8 PrivateKeyInfo { v0, id-ecPublicKey + prime256v1, ECPrivateKey { v1, d, [1] public } }.
const PKCS8_HEAD = Uint8Array.from([
  0x30, 0x81, 0x87, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02,
  0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x04, 0x6d, 0x30, 0x6b, 0x02,
  0x01, 0x01, 0x04, 0x20,
]);
const PKCS8_PUBLIC = Uint8Array.from([0xa1, 0x44, 0x03, 0x42, 0x00]);

export interface RecipientKeyPair {
  /** Raw uncompressed P-256 point, base64url (87 chars): public, safe to publish. */
  publicKey: string;
  /** PKCS8, 138 bytes. Secret. */
  privateKey: Uint8Array<ArrayBuffer>;
}

/** Who a seal is for, and which epoch's key it carries: bound into the key and the AAD. */
export interface RecipientContext {
  accountId: string;
  epoch: number;
  fingerprint: string;
  /** `recovery`, `passphrase` or `device:<deviceId>`. */
  name: string;
}

export interface SealedToRecipient {
  eph: string;
  iv: string;
  ct: string;
}

function jwkPart(jwk: JsonWebKey, part: 'x' | 'y' | 'd'): Uint8Array<ArrayBuffer> {
  const bytes = fromBase64url(jwk[part] ?? '');
  if (bytes?.length !== 32) throw new CryptoError('invalid_argument', 'not a P-256 key');
  return bytes;
}

async function rawPublicOf(key: CryptoKey): Promise<Uint8Array<ArrayBuffer>> {
  const jwk = await crypto.subtle.exportKey('jwk', key);
  return concatBytes(Uint8Array.of(4), jwkPart(jwk, 'x'), jwkPart(jwk, 'y'));
}

export async function generateRecipientKeyPair(): Promise<RecipientKeyPair> {
  const pair = await crypto.subtle.generateKey(CURVE, true, ['deriveBits']);
  const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
  const publicKey = await rawPublicOf(pair.privateKey);
  // Built from the JWK rather than exported as PKCS8, whose optional fields vary by engine: one
  // fixed length lets the key document check every wrap's exact size.
  const privateKey = concatBytes(PKCS8_HEAD, jwkPart(jwk, 'd'), PKCS8_PUBLIC, publicKey);
  return { publicKey: toBase64url(publicKey), privateKey };
}

/** Imports a PKCS8 private key; returns it with its own public key (base64url). */
export async function importRecipientPrivateKey(
  pkcs8: Uint8Array,
): Promise<{ key: CryptoKey; publicKey: string }> {
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey('pkcs8', ownedCopy(pkcs8), CURVE, true, ['deriveBits']);
  } catch {
    throw new CryptoError('invalid_argument', 'the private key is not a PKCS8 P-256 key');
  }
  return { key, publicKey: toBase64url(await rawPublicOf(key)) };
}

/** Null unless `text` is a base64url uncompressed point on P-256. */
export async function importRecipientPublicKey(text: string): Promise<CryptoKey | null> {
  const raw = fromBase64url(text);
  if (raw?.length !== PUBLIC_KEY_BYTES || raw[0] !== 4) return null;
  try {
    return await crypto.subtle.importKey('raw', raw, CURVE, true, []);
  } catch {
    return null;
  }
}

async function sealKey(
  privateKey: CryptoKey,
  publicKey: CryptoKey,
  eph: string,
  recipient: string,
  context: RecipientContext,
) {
  const shared = new Uint8Array(
    await crypto.subtle.deriveBits({ name: 'ECDH', public: publicKey }, privateKey, 256),
  );
  const base = await importHkdfKey(shared);
  shared.fill(0);
  const { accountId, epoch, name } = context;
  return hkdfAesKey(
    base,
    label('satchel/v2/recipient-key', accountId, epoch, name, eph, recipient),
  );
}

function sealAad({ accountId, epoch, fingerprint, name }: RecipientContext) {
  return label('satchel/v2/recipient', accountId, epoch, fingerprint, name);
}

export async function sealToRecipient(
  recipientPublicKey: string,
  secret: Uint8Array,
  context: RecipientContext,
): Promise<SealedToRecipient> {
  const recipient = await importRecipientPublicKey(recipientPublicKey);
  if (!recipient) {
    throw new CryptoError('invalid_argument', 'the public key is not a raw P-256 point');
  }
  const ephemeral = await crypto.subtle.generateKey(CURVE, true, ['deriveBits']);
  const eph = toBase64url(
    new Uint8Array(await crypto.subtle.exportKey('raw', ephemeral.publicKey)),
  );
  const key = await sealKey(ephemeral.privateKey, recipient, eph, recipientPublicKey, context);
  return { eph, ...(await seal(key, secret, sealAad(context))) };
}

/**
 * Opens a seal with the recipient's private key. `recipientPublicKey` must be that key's own
 * public key (callers compare it first, to tell "not this key" from "altered").
 */
export async function openAsRecipient(
  privateKey: CryptoKey,
  recipientPublicKey: string,
  sealed: SealedToRecipient,
  context: RecipientContext,
): Promise<Uint8Array<ArrayBuffer>> {
  const ephemeral = await importRecipientPublicKey(sealed.eph);
  if (!ephemeral) {
    throw new CryptoError(
      'key_document_invalid',
      `key document: recipients.${context.name}.eph is not a P-256 point`,
    );
  }
  const key = await sealKey(privateKey, ephemeral, sealed.eph, recipientPublicKey, context);
  return unseal(key, sealed, sealAad(context), `recipient entry ${context.name}`);
}

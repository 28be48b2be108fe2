/**
 * Building and opening a key document: the master key sealed to every recipient, K_auth and the
 * earlier epochs' master keys under the master, and the mac; and the checks that tie a master
 * (given, or opened by a recipient) to the document and to a K_auth the caller trusts.
 * The public operations in index.ts compose these.
 */
import { type Bytes, bytesEqual } from '../bytes';
import { CryptoError } from '../errors';
import { fingerprintOf } from '../kdf';
import { followAuthChain } from './auth-transition';
import {
  type AuthTransition,
  DEVICE_PREFIX,
  KEY_DOCUMENT_VERSION,
  type KeyDocumentJson,
  type RecipientEntry,
} from './format';
import { signKeyDocument, type UnsignedKeyDocument, verifyKeyDocumentMac } from './mac';
import {
  importRecipientPrivateKey,
  openAsRecipient,
  type RecipientContext,
  sealToRecipient,
} from './recipients';
import {
  type EpochBinding,
  openAuthKey,
  openPreviousMaster,
  openTokenRoot,
  sealAuthKey,
  sealPreviousMaster,
  sealTokenRoot,
} from './under-master';

/** One epoch's master key, as `previous` carries it. */
export interface KeyEpoch {
  epoch: number;
  master: Bytes;
  fingerprint: string;
}

export interface OpenedKeyDocument {
  master: Bytes;
  epoch: number;
  fingerprint: string;
  tokenRoot: Bytes;
  /** Earlier epochs' master keys, newest first. */
  previous: KeyEpoch[];
  /** Records sealed under an epoch below this are refused (0: no epoch retired). */
  retiredBelow: number;
  /**
   * The epoch's document-authentication key K_auth (32 bytes): keys the mac, replaced at each
   * rotation (auth-transition.ts). A device pins it and passes it to openKeyDocumentAsDevice.
   */
  authKey: Bytes;
}

export type Wraps = KeyDocumentJson['wraps'];

export function deviceRecipient(deviceId: string): string {
  return `${DEVICE_PREFIX}${deviceId}`;
}

export function deviceIdsOf(doc: KeyDocumentJson): string[] {
  return Object.keys(doc.recipients)
    .filter((name) => name.startsWith(DEVICE_PREFIX))
    .map((name) => name.slice(DEVICE_PREFIX.length));
}

/** Each device recipient's public key, as the (MAC-covered) document names it. */
export function devicePublicKeysOf(doc: KeyDocumentJson): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, entry] of Object.entries(doc.recipients)) {
    if (name.startsWith(DEVICE_PREFIX) && entry.pub)
      out.set(name.slice(DEVICE_PREFIX.length), entry.pub);
  }
  return out;
}

/** Each device recipient's name, where its entry carries one (MAC-covered like the rest). */
export function deviceNamesOf(doc: KeyDocumentJson): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, entry] of Object.entries(doc.recipients)) {
    if (name.startsWith(DEVICE_PREFIX) && entry.deviceName)
      out.set(name.slice(DEVICE_PREFIX.length), entry.deviceName);
  }
  return out;
}

function contextOf(binding: EpochBinding, name: string): RecipientContext {
  return { ...binding, name };
}

async function sealMaster(master: Bytes, pub: string, binding: EpochBinding, name: string) {
  return sealToRecipient(pub, master, contextOf(binding, name));
}

export interface BuildInput {
  master: Bytes;
  accountId: string;
  epoch: number;
  tokenRoot: Bytes;
  /** K_auth: the same one the wraps seal. */
  authKey: Bytes;
  wraps: Wraps;
  /** device id → public key */
  devices: ReadonlyMap<string, string>;
  /** device id → its name, for the devices that have one (carried into their entries). */
  deviceNames?: ReadonlyMap<string, string>;
  /** Newest first. */
  previous: readonly KeyEpoch[];
  /** K_auth rotations so far, newest first (auth-transition.ts). */
  transitions?: AuthTransition[];
  /** Carried over from the document rotated: retirement never goes back. */
  retiredBelow?: number;
}

/** A whole new document (creation or rotation): every seal is fresh. */
export async function buildKeyDocument(
  input: BuildInput,
): Promise<{ doc: KeyDocumentJson; fingerprint: string }> {
  const { master, accountId, epoch, wraps } = input;
  const fingerprint = await fingerprintOf(master, accountId, epoch);
  const binding: EpochBinding = { accountId, epoch, fingerprint };
  const recipients: Record<string, RecipientEntry> = {
    recovery: await sealMaster(master, wraps.recovery.pub, binding, 'recovery'),
  };
  if (wraps.passphrase) {
    recipients.passphrase = await sealMaster(master, wraps.passphrase.pub, binding, 'passphrase');
  }
  for (const [deviceId, pub] of input.devices) {
    const name = deviceRecipient(deviceId);
    const deviceName = input.deviceNames?.get(deviceId);
    recipients[name] = {
      pub,
      ...(deviceName ? { deviceName } : {}),
      ...(await sealMaster(master, pub, binding, name)),
    };
  }
  const previous = [];
  for (const earlier of input.previous) {
    previous.push(await sealPreviousMaster(master, earlier, binding));
  }
  const unsigned: UnsignedKeyDocument = {
    v: KEY_DOCUMENT_VERSION.Current,
    epoch,
    fingerprint,
    tokenRoot: await sealTokenRoot(master, input.tokenRoot, binding),
    authKey: await sealAuthKey(master, input.authKey, binding),
    wraps,
    recipients,
    previous,
    ...(input.transitions?.length ? { transitions: input.transitions } : {}),
    ...(input.retiredBelow ? { retiredBelow: input.retiredBelow } : {}),
  };
  return { doc: await signKeyDocument(input.authKey, accountId, unsigned), fingerprint };
}

/**
 * Everything a holder of the current master can check and open. The fingerprint check comes
 * first, so a master of another epoch or account is told apart (`mismatch`) from an altered
 * document (`key_document_invalid`). Then K_auth comes out of `authKey`; when the caller already
 * holds K_auth (from a secret wrap, or pinned by a device) it must be the same, since a forger
 * can seal a master of its own choosing to the public recipient keys but cannot know K_auth.
 */
export async function openWithMaster(
  doc: KeyDocumentJson,
  accountId: string,
  master: Bytes,
  mismatch: 'wrong_key' | 'key_document_invalid',
  expectedAuthKey?: Bytes,
): Promise<OpenedKeyDocument> {
  if ((await fingerprintOf(master, accountId, doc.epoch)) !== doc.fingerprint) {
    throw new CryptoError(
      mismatch,
      mismatch === 'wrong_key'
        ? 'this master key does not belong to the key document'
        : 'key document: the unsealed key does not match the document fingerprint',
    );
  }
  const binding: EpochBinding = { accountId, epoch: doc.epoch, fingerprint: doc.fingerprint };
  const authKey = await openAuthKey(master, doc.authKey, binding);
  if (expectedAuthKey !== undefined && !bytesEqual(authKey, expectedAuthKey)) {
    throw new CryptoError(
      'key_document_invalid',
      'key document: the authentication key under the master is not the account’s; the document was forged',
    );
  }
  await verifyKeyDocumentMac(authKey, accountId, doc);
  const tokenRoot = await openTokenRoot(master, doc.tokenRoot, binding);
  const previous: KeyEpoch[] = [];
  for (const entry of doc.previous) {
    const earlier = await openPreviousMaster(master, entry, binding);
    if ((await fingerprintOf(earlier, accountId, entry.epoch)) !== entry.fingerprint) {
      throw new CryptoError(
        'key_document_invalid',
        `key document: the master key of epoch ${entry.epoch} does not match its fingerprint`,
      );
    }
    previous.push({ epoch: entry.epoch, master: earlier, fingerprint: entry.fingerprint });
  }
  return {
    master,
    epoch: doc.epoch,
    fingerprint: doc.fingerprint,
    tokenRoot,
    previous,
    retiredBelow: doc.retiredBelow ?? 0,
    authKey,
  };
}

/**
 * Opens the master key sealed to `name` with that recipient's private key (PKCS8). `authKey` is
 * the K_auth the caller already trusts (from the secret wrap, or pinned by the device): the mac
 * must verify under it before anything in the document is used, and the master found must seal
 * the same K_auth. `foreignKey` is the code for a private key that is not this recipient's.
 */
export async function openRecipient(
  doc: KeyDocumentJson,
  accountId: string,
  name: string,
  privateKey: Uint8Array,
  foreignKey: 'wrong_key' | 'key_document_invalid',
  authKey: Bytes,
): Promise<OpenedKeyDocument> {
  let rotated = false;
  try {
    await verifyKeyDocumentMac(authKey, accountId, doc);
  } catch (error) {
    // Only a document that says K_auth rotated may fail here; it must prove it below.
    if (!doc.transitions?.length) throw error;
    rotated = true;
  }
  const entry = Object.hasOwn(doc.recipients, name) ? doc.recipients[name] : undefined;
  if (!entry)
    throw new CryptoError('not_a_recipient', 'this key document is not sealed to this device');
  const pub = entry.pub ?? doc.wraps[name as 'recovery' | 'passphrase']?.pub;
  const own = await importRecipientPrivateKey(privateKey);
  if (pub === undefined || own.publicKey !== pub) {
    throw new CryptoError(
      foreignKey,
      foreignKey === 'wrong_key'
        ? 'this private key is not the one the key document is sealed to for this device'
        : `key document: the private key in wraps.${name} does not match its public key`,
    );
  }
  const binding: EpochBinding = { accountId, epoch: doc.epoch, fingerprint: doc.fingerprint };
  const master = await openAsRecipient(own.key, pub, entry, contextOf(binding, name));
  if (!rotated) return openWithMaster(doc, accountId, master, 'key_document_invalid', authKey);
  // The document's own K_auth (its mac verified by openWithMaster) must be reached from the
  // trusted one through transition tags; a forger's master cannot make a tag under that key.
  const opened = await openWithMaster(doc, accountId, master, 'key_document_invalid');
  await followAuthChain(doc, accountId, authKey, opened);
  return opened;
}

/** Re-MAC (with K_auth) after a change that keeps the epoch: untouched fields stay byte for byte. */
export async function resignKeyDocument(
  authKey: Bytes,
  accountId: string,
  doc: KeyDocumentJson,
  change: {
    wraps?: Wraps;
    recipients?: Record<string, RecipientEntry>;
    retiredBelow?: number;
  },
): Promise<KeyDocumentJson> {
  const { mac: _old, ...unsigned } = doc;
  return signKeyDocument(authKey, accountId, { ...unsigned, ...change });
}

/** Seals the document's own master to a public key, as recipient `name`. */
export async function sealCurrentMaster(
  doc: KeyDocumentJson,
  accountId: string,
  master: Bytes,
  pub: string,
  name: string,
): Promise<RecipientEntry> {
  const binding: EpochBinding = { accountId, epoch: doc.epoch, fingerprint: doc.fingerprint };
  return sealMaster(master, pub, binding, name);
}

/**
 * The key document's public operations: create, unlock, open as a device, inspect, add a
 * device, rotate, rewrap. The document is what PUT /v1/keys stores, and the server holds nothing
 * that opens it. It seals the epoch's master key to public-key recipients (the recovery key's,
 * the passphrase's and each device's), so a device holding the master can rotate to a new epoch
 * for everyone but a revoked device without knowing the recovery key or passphrase. Its mac is
 * keyed by the account's document-authentication key K_auth, which the server never learns: only
 * the secret wraps and the master-sealed `authKey` carry it, and devices pin it.
 * Design: ../README.md, "Key document".
 */

import { estimatePassphrase, MIN_PASSPHRASE_SCORE } from '../../../protocol/passphrase-strength';
import {
  assertAccountId,
  assertEpoch,
  assertKeyBytes,
  type Bytes,
  bytesEqual,
  ownedCopy,
  randomBytes,
} from '../bytes';
import { CryptoError } from '../errors';
import { deriveTokenRoot } from '../kdf';
import { parseRecoveryKey } from '../recovery-key';
import { rotateAuthKey } from './auth-transition';
import {
  buildKeyDocument,
  deviceIdsOf,
  deviceNamesOf,
  devicePublicKeysOf,
  deviceRecipient,
  type OpenedKeyDocument,
  openRecipient,
  openWithMaster,
  resignKeyDocument,
  sealCurrentMaster,
  type Wraps,
} from './build-open';
import { assertDeviceId, assertDeviceName } from './device-names';
import {
  ARGON2_DEFAULTS,
  type Argon2Params,
  AUTH_KEY_BYTES,
  decodeKeyDocument,
  encodeKeyDocument,
  type KdfFloors,
  type KeyDocumentVersion,
  MAX_PREVIOUS_EPOCHS,
  PBKDF2_MIN_ITERATIONS,
} from './format';
import { generateRecipientKeyPair, importRecipientPublicKey } from './recipients';
import { type RetireEpochsInput, retireEpochs } from './retire';
import { testArgon2, testIterations } from './test-options';
import {
  type KeySecret,
  newPassphraseWrap,
  newRecoveryWrap,
  openSecretWrap,
  type PassphraseKdf,
  splitWrapSecret,
} from './wraps';

export type { KeyEpoch } from './build-open';
export { type NameDeviceRecipientInput, nameDeviceRecipient } from './device-names';
export {
  ARGON2_CEILINGS,
  ARGON2_DEFAULTS,
  type Argon2Params,
  isDeviceName,
  KEY_DOCUMENT_VERSION,
  type KeyDocumentVersion,
  MAX_DEVICE_NAME_LENGTH,
  PBKDF2_MAX_ITERATIONS,
  PBKDF2_MIN_ITERATIONS,
} from './format';
export type { RetireEpochsInput } from './retire';
export type { KeySecret } from './wraps';

/** A passphrase guards against an offline attacker holding the document: demand some length. */
export const MIN_PASSPHRASE_LENGTH = 12;

export interface IterationOptions {
  /**
   * Tests only: new passphrase wraps use PBKDF2 (the format older documents carry) with this
   * many iterations, and unlock and rewrap accept it as the lowered floor. Never set this in
   * product code.
   */
  unsafeTestIterations?: number;
  /**
   * Tests only: new passphrase wraps use Argon2id with these cheaper parameters, and they become
   * the lowered Argon2id floor. Never set this in product code: product code writes
   * ARGON2_DEFAULTS, and the floors are those.
   */
  unsafeTestArgon2?: Argon2Params;
}

export interface CreateKeyDocumentInput extends IterationOptions {
  master: Bytes;
  accountId: string;
  epoch: number;
  recoveryKey: string;
  passphrase?: string;
  /** The token root to carry; defaults to the one derived from `master` (a new account). */
  tokenRoot?: Bytes;
}

export interface RewrapKeyDocumentInput extends IterationOptions {
  master: Bytes;
  accountId: string;
  /** A new recovery key replaces the old one; omitted keeps it. */
  recoveryKey?: string;
  /** A string sets or changes the passphrase, null removes it, omitted keeps it. */
  passphrase?: string | null;
}

/** What unlocking gives: the master, its epoch, the token root, earlier epochs and K_auth. */
export type UnlockedKeyDocument = OpenedKeyDocument;

export interface DeviceKeyPair {
  /** Raw uncompressed P-256 point, base64url: goes into the key document, not secret. */
  publicKey: string;
  /** PKCS8. Stays on the device. */
  privateKey: Uint8Array;
}

export interface DeviceIdentity {
  deviceId: string;
  privateKey: Uint8Array;
  /**
   * The K_auth this device pinned when it first got the account key (`authKey` of the unlock,
   * open or inspect result). The document's mac must verify under it.
   */
  authKey: Uint8Array;
}

export interface InspectedKeyDocument extends OpenedKeyDocument {
  version: KeyDocumentVersion;
  /** Ids of the devices the current epoch is sealed to. */
  devices: string[];
  /** Their public keys (base64url), covered by the mac: what the device fingerprints show. */
  devicePublicKeys: Map<string, string>;
  /** Their names where the entries carry one, covered by the mac (device-names.ts). */
  deviceNames: Map<string, string>;
}

export interface AddDeviceRecipientInput extends IterationOptions {
  accountId: string;
  master: Bytes;
  deviceId: string;
  publicKey: string;
  /** The device's name; omitted keeps the name of an entry for the same public key. */
  deviceName?: string;
}

export interface RotateKeyDocumentInput extends IterationOptions {
  accountId: string;
  /** The current epoch's master key. */
  master: Bytes;
  newMaster: Bytes;
  /** Devices that get the new epoch; every other device recipient is dropped. */
  keepDevices: readonly string[];
  /** A new recovery key replaces the old one; omitted keeps it. */
  recoveryKey?: string;
  /** A string sets or changes the passphrase, null removes it, omitted keeps it. */
  passphrase?: string | null;
}

export interface RotatedKeyDocument {
  document: string;
  fingerprint: string;
  epoch: number;
  /** The new epoch's K_auth, which devices pin once they open the document. */
  authKey: Bytes;
}

/** New passphrase wraps: Argon2id at ARGON2_DEFAULTS unless a test asked for cheaper. */
export function passphraseKdfFor(options: IterationOptions): PassphraseKdf {
  const argon2 = testArgon2(options);
  if (argon2) return { kdf: 'argon2id', ...argon2 };
  const iterations = testIterations(options);
  if (iterations !== undefined) return { kdf: 'pbkdf2-sha256', iterations };
  return { kdf: 'argon2id', ...ARGON2_DEFAULTS };
}

/** A test option only lowers a floor to its own value, never below it. */
export function kdfFloors(options: IterationOptions): KdfFloors {
  const argon2 = testArgon2(options);
  return {
    pbkdf2Iterations: Math.min(PBKDF2_MIN_ITERATIONS, testIterations(options) ?? Infinity),
    argon2: {
      memoryKiB: Math.min(ARGON2_DEFAULTS.memoryKiB, argon2?.memoryKiB ?? Infinity),
      iterations: Math.min(ARGON2_DEFAULTS.iterations, argon2?.iterations ?? Infinity),
      parallelism: Math.min(ARGON2_DEFAULTS.parallelism, argon2?.parallelism ?? Infinity),
    },
  };
}

export function checkPassphraseStrength(passphrase: unknown): asserts passphrase is string {
  if (typeof passphrase !== 'string' || passphrase.trim().length === 0) {
    throw new CryptoError('weak_passphrase', 'The passphrase is empty.');
  }
  if ([...passphrase.normalize('NFC')].length < MIN_PASSPHRASE_LENGTH) {
    throw new CryptoError(
      'weak_passphrase',
      `A passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters.`,
    );
  }
  const estimate = estimatePassphrase(passphrase);
  if (estimate.score < MIN_PASSPHRASE_SCORE) {
    throw new CryptoError(
      'guessable_passphrase',
      `This passphrase is easy to guess. ${estimate.why ?? ''}`.trim(),
    );
  }
}

export async function createKeyDocument(
  input: CreateKeyDocumentInput,
): Promise<{ document: string; fingerprint: string }> {
  const { master, accountId, epoch } = input;
  assertKeyBytes(master, 'master key');
  assertAccountId(accountId);
  assertEpoch(epoch);
  if (input.tokenRoot !== undefined) assertKeyBytes(input.tokenRoot, 'token root');
  const recovery = parseRecoveryKey(input.recoveryKey);
  if (input.passphrase !== undefined) checkPassphraseStrength(input.passphrase);
  const kdf = passphraseKdfFor(input);

  // The account's document-authentication key: random, kept for the account's life.
  const authKey = randomBytes(AUTH_KEY_BYTES);
  const wraps: Wraps = { recovery: await newRecoveryWrap(recovery, accountId, authKey) };
  if (input.passphrase !== undefined) {
    wraps.passphrase = await newPassphraseWrap(input.passphrase, kdf, accountId, authKey);
  }
  const { doc, fingerprint } = await buildKeyDocument({
    master,
    accountId,
    epoch,
    tokenRoot: input.tokenRoot ?? (await deriveTokenRoot(master, accountId)),
    authKey,
    wraps,
    devices: new Map(),
    previous: [],
  });
  return { document: encodeKeyDocument(doc), fingerprint };
}

/** Unlocks with the recovery key or passphrase. */
export async function unlockKeyDocument(
  document: string,
  accountId: string,
  secret: KeySecret,
  options: IterationOptions = {},
): Promise<UnlockedKeyDocument> {
  assertAccountId(accountId);
  if (typeof secret !== 'object' || secret === null) {
    throw new CryptoError('invalid_argument', 'secret must be { recoveryKey } or { passphrase }');
  }
  const doc = decodeKeyDocument(document, kdfFloors(options));
  const { kind, sealed } = await openSecretWrap(doc, accountId, secret);
  try {
    // K_auth comes from the wrap, which only the secret opens: the mac must verify under it,
    // and the master the recipient entry yields must seal the same K_auth.
    const { privateKey, authKey } = splitWrapSecret(sealed);
    try {
      return await openRecipient(doc, accountId, kind, privateKey, 'key_document_invalid', authKey);
    } finally {
      privateKey.fill(0);
    }
  } finally {
    sealed.fill(0);
  }
}

/** A device's own recipient key pair: the private key never leaves the device. */
export async function generateDeviceKeyPair(): Promise<DeviceKeyPair> {
  return generateRecipientKeyPair();
}

/**
 * Opens the current epoch with this device's private key. The mac must verify under the K_auth
 * the device pinned (`device.authKey`), and the master must seal that same K_auth
 * (`key_document_invalid` otherwise). `not_a_recipient` when the document has no entry for the
 * device (left out of a rotation, or never added).
 */
export async function openKeyDocumentAsDevice(
  document: string,
  accountId: string,
  device: DeviceIdentity,
  options: IterationOptions = {},
): Promise<UnlockedKeyDocument> {
  assertAccountId(accountId);
  assertDeviceId(device?.deviceId);
  if (!(device.privateKey instanceof Uint8Array)) {
    throw new CryptoError('invalid_argument', 'privateKey must be PKCS8 bytes');
  }
  assertKeyBytes(device.authKey, 'authKey (the pinned document-authentication key)');
  const doc = decodeKeyDocument(document, kdfFloors(options));
  const name = deviceRecipient(device.deviceId);
  return openRecipient(
    doc,
    accountId,
    name,
    ownedCopy(device.privateKey),
    'wrong_key',
    ownedCopy(device.authKey),
  );
}

/**
 * Verifies the document with the current master (`wrong_key` if not it); K_auth comes from
 * `authKey` under the master and the mac must verify under it.
 */
export async function inspectKeyDocument(
  document: string,
  accountId: string,
  master: Bytes,
  options: IterationOptions = {},
): Promise<InspectedKeyDocument> {
  assertKeyBytes(master, 'master key');
  assertAccountId(accountId);
  const doc = decodeKeyDocument(document, kdfFloors(options));
  const opened = await openWithMaster(doc, accountId, master, 'wrong_key');
  return {
    ...opened,
    version: doc.v,
    devices: deviceIdsOf(doc),
    devicePublicKeys: devicePublicKeysOf(doc),
    deviceNames: deviceNamesOf(doc),
  };
}

/** Seals the current epoch to a device (adding or replacing its entry) and re-MACs. */
export async function addDeviceRecipient(
  document: string,
  input: AddDeviceRecipientInput,
): Promise<string> {
  const { master, accountId, deviceId, publicKey } = input;
  assertKeyBytes(master, 'master key');
  assertAccountId(accountId);
  assertDeviceId(deviceId);
  assertDeviceName(input.deviceName);
  if (typeof publicKey !== 'string' || !(await importRecipientPublicKey(publicKey))) {
    throw new CryptoError('invalid_argument', 'publicKey must be a raw P-256 point in base64url');
  }
  const doc = decodeKeyDocument(document, kdfFloors(input));
  const { authKey } = await openWithMaster(doc, accountId, master, 'wrong_key');
  const name = deviceRecipient(deviceId);
  const before = Object.hasOwn(doc.recipients, name) ? doc.recipients[name] : undefined;
  const deviceName =
    input.deviceName ?? (before?.pub === publicKey ? before.deviceName : undefined);
  const entry = {
    pub: publicKey,
    ...(deviceName ? { deviceName } : {}),
    ...(await sealCurrentMaster(doc, accountId, master, publicKey, name)),
  };
  const recipients = { ...doc.recipients, [name]: entry };
  return encodeKeyDocument(await resignKeyDocument(authKey, accountId, doc, { recipients }));
}

/**
 * A new epoch: `newMaster` sealed to the recovery and passphrase recipients and to the kept
 * devices only; the old masters travel in `previous`, under the new one.
 */
export async function rotateKeyDocument(
  document: string,
  input: RotateKeyDocumentInput,
): Promise<RotatedKeyDocument> {
  const { master, newMaster, accountId } = input;
  assertKeyBytes(master, 'master key');
  assertKeyBytes(newMaster, 'new master key');
  assertAccountId(accountId);
  if (bytesEqual(master, newMaster)) {
    throw new CryptoError(
      'invalid_argument',
      'the new master key must differ from the current one',
    );
  }
  if (!Array.isArray(input.keepDevices)) {
    throw new CryptoError('invalid_argument', 'keepDevices must be an array of device ids');
  }
  for (const deviceId of input.keepDevices) assertDeviceId(deviceId);
  const recovery = input.recoveryKey === undefined ? null : parseRecoveryKey(input.recoveryKey);
  if (typeof input.passphrase === 'string') checkPassphraseStrength(input.passphrase);
  const kdf = passphraseKdfFor(input);

  const doc = decodeKeyDocument(document, kdfFloors(input));
  const current = await openWithMaster(doc, accountId, master, 'wrong_key');
  const epoch = current.epoch + 1;
  assertEpoch(epoch);
  if (current.previous.length + 1 > MAX_PREVIOUS_EPOCHS) {
    throw new CryptoError(
      'invalid_argument',
      `a key document keeps at most ${MAX_PREVIOUS_EPOCHS} previous epochs`,
    );
  }

  const devices = new Map<string, string>();
  const deviceNames = new Map<string, string>();
  for (const deviceId of input.keepDevices) {
    const entry = doc.recipients[deviceRecipient(deviceId)];
    if (!entry?.pub) {
      throw new CryptoError(
        'invalid_argument',
        `device ${deviceId} has no recipient entry to keep; add it with addDeviceRecipient`,
      );
    }
    devices.set(deviceId, entry.pub);
    if (entry.deviceName) deviceNames.set(deviceId, entry.deviceName);
  }
  // K_auth rotates too; kept wraps still seal an older one, which the transition tags lead on.
  const { authKey, transitions } = await rotateAuthKey(
    doc,
    accountId,
    current.authKey,
    newMaster,
    epoch,
    [...devices.keys()],
  );
  const wraps: Wraps = {
    recovery: recovery ? await newRecoveryWrap(recovery, accountId, authKey) : doc.wraps.recovery,
  };
  const passphrase =
    typeof input.passphrase === 'string'
      ? await newPassphraseWrap(input.passphrase, kdf, accountId, authKey)
      : input.passphrase === null
        ? undefined
        : doc.wraps.passphrase;
  if (passphrase) wraps.passphrase = passphrase;

  const { doc: rotated, fingerprint } = await buildKeyDocument({
    master: newMaster,
    accountId,
    epoch,
    tokenRoot: current.tokenRoot,
    authKey,
    wraps,
    devices,
    deviceNames,
    previous: [
      { epoch: current.epoch, master, fingerprint: current.fingerprint },
      ...current.previous,
    ],
    transitions,
    retiredBelow: current.retiredBelow,
  });
  return { document: encodeKeyDocument(rotated), fingerprint, epoch, authKey };
}

/**
 * Replaces the recovery key and/or sets, changes or removes the passphrase, in the same epoch.
 * What it does not replace is kept byte for byte: device recipients, previous epochs, the token
 * root and `authKey`.
 */
export async function rewrapKeyDocument(
  document: string,
  input: RewrapKeyDocumentInput,
): Promise<string> {
  const { master, accountId } = input;
  assertKeyBytes(master, 'master key');
  assertAccountId(accountId);
  const recovery = input.recoveryKey === undefined ? null : parseRecoveryKey(input.recoveryKey);
  if (typeof input.passphrase === 'string') checkPassphraseStrength(input.passphrase);
  const kdf = passphraseKdfFor(input);

  const doc = decodeKeyDocument(document, kdfFloors(input));
  const authKey = (await openWithMaster(doc, accountId, master, 'wrong_key')).authKey;
  const wraps: Wraps = { ...doc.wraps };
  const recipients = { ...doc.recipients };
  if (recovery) {
    wraps.recovery = await newRecoveryWrap(recovery, accountId, authKey);
    recipients.recovery = await sealCurrentMaster(
      doc,
      accountId,
      master,
      wraps.recovery.pub,
      'recovery',
    );
  }
  if (input.passphrase === null) {
    delete wraps.passphrase;
    delete recipients.passphrase;
  } else if (input.passphrase !== undefined) {
    const wrap = await newPassphraseWrap(input.passphrase, kdf, accountId, authKey);
    wraps.passphrase = wrap;
    recipients.passphrase = await sealCurrentMaster(doc, accountId, master, wrap.pub, 'passphrase');
  }
  return encodeKeyDocument(await resignKeyDocument(authKey, accountId, doc, { wraps, recipients }));
}

/** Retires the epochs below `input.below` (retire.ts), under the KDF floors in force. */
export function retireKeyDocumentEpochs(
  document: string,
  input: RetireEpochsInput & IterationOptions,
): Promise<string> {
  return retireEpochs(document, input, kdfFloors(input));
}

/**
 * The account's key document: the master key wrapped under the recovery key and, optionally,
 * a passphrase, plus the collection-token root sealed under the master key. It is what
 * PUT /v1/keys stores; the server holds nothing that opens it.
 */
import { fromBase64url } from './base64url';
import { assertAccountId, assertEpoch, assertKeyBytes, type Bytes } from './bytes';
import { CryptoError } from './errors';
import { deriveTokenRoot, fingerprintOf } from './kdf';
import {
  decodeKeyDocument,
  encodeKeyDocument,
  type KeyDocumentJson,
  PBKDF2_MAX_ITERATIONS,
  PBKDF2_MIN_ITERATIONS,
} from './key-document-format';
import {
  makePassphraseWrap,
  makeRecoveryWrap,
  openTokenRoot,
  openWrap,
  passphraseSecret,
  recoverySecret,
  sealTokenRoot,
  type WrapBinding,
} from './key-wrap';
import { parseRecoveryKey } from './recovery-key';

/** A passphrase guards against an offline attacker holding the document: demand some length. */
export const MIN_PASSPHRASE_LENGTH = 12;

export interface IterationOptions {
  /**
   * Tests only: PBKDF2 iterations to use below the 600,000 floor, and the lowered floor that
   * unlock and rewrap then accept. Never set this in product code.
   */
  unsafeTestIterations?: number;
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

export interface UnlockedKeyDocument {
  master: Bytes;
  epoch: number;
  fingerprint: string;
  /** Pass to deriveAccountKeys({ tokenRoot }) so collection tokens survive key rotations. */
  tokenRoot: Bytes;
}

export type KeySecret = { recoveryKey: string } | { passphrase: string };

function iterationsFor(options: IterationOptions): number {
  const test = options.unsafeTestIterations;
  if (test === undefined) return PBKDF2_MIN_ITERATIONS;
  if (!Number.isInteger(test) || test < 1 || test > PBKDF2_MAX_ITERATIONS) {
    throw new CryptoError('invalid_argument', 'unsafeTestIterations must be a positive integer');
  }
  return test;
}

function iterationFloor(options: IterationOptions): number {
  return Math.min(PBKDF2_MIN_ITERATIONS, iterationsFor(options));
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
  const iterations = iterationsFor(input);

  const fingerprint = await fingerprintOf(master, accountId, epoch);
  const binding: WrapBinding = { accountId, epoch, fingerprint };
  const tokenRoot = input.tokenRoot ?? (await deriveTokenRoot(master, accountId));
  const document: KeyDocumentJson = {
    v: 1,
    epoch,
    fingerprint,
    tokenRoot: await sealTokenRoot(master, tokenRoot, binding),
    wraps: {
      recovery: await makeRecoveryWrap(recovery, master, binding),
      ...(input.passphrase === undefined
        ? {}
        : { passphrase: await makePassphraseWrap(input.passphrase, iterations, master, binding) }),
    },
  };
  return { document: encodeKeyDocument(document), fingerprint };
}

async function unwrapMaster(doc: KeyDocumentJson, binding: WrapBinding, secret: KeySecret) {
  if ('recoveryKey' in secret) {
    const wrap = doc.wraps.recovery;
    const recovery = parseRecoveryKey(secret.recoveryKey);
    const derived = await recoverySecret(recovery, saltOf(wrap.salt));
    return openWrap('recovery', wrap, derived, binding);
  }
  const wrap = doc.wraps.passphrase;
  if (!wrap) {
    throw new CryptoError(
      'wrong_secret',
      'This account has no passphrase set; unlock it with the recovery key.',
    );
  }
  if (typeof secret.passphrase !== 'string' || secret.passphrase.length === 0) {
    throw new CryptoError('wrong_secret', 'Enter the passphrase.');
  }
  const derived = await passphraseSecret(secret.passphrase, saltOf(wrap.salt), wrap.iterations);
  return openWrap('passphrase', wrap, derived, binding);
}

function saltOf(text: string): Uint8Array<ArrayBuffer> {
  // decodeKeyDocument has already checked every salt decodes to the right length.
  const salt = fromBase64url(text);
  if (!salt) throw new CryptoError('key_document_invalid', 'key document: salt is not base64url');
  return salt;
}

async function checkMaster(master: Uint8Array, accountId: string, doc: KeyDocumentJson) {
  if ((await fingerprintOf(master, accountId, doc.epoch)) !== doc.fingerprint) {
    throw new CryptoError(
      'key_document_invalid',
      'key document: the unwrapped key does not match the document fingerprint',
    );
  }
}

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
  const doc = decodeKeyDocument(document, iterationFloor(options));
  const binding: WrapBinding = { accountId, epoch: doc.epoch, fingerprint: doc.fingerprint };
  const master = await unwrapMaster(doc, binding, secret);
  await checkMaster(master, accountId, doc);
  const tokenRoot = await openTokenRoot(master, doc.tokenRoot, binding);
  return { master, epoch: doc.epoch, fingerprint: doc.fingerprint, tokenRoot };
}

export async function rewrapKeyDocument(
  document: string,
  input: RewrapKeyDocumentInput,
): Promise<string> {
  const { master, accountId } = input;
  assertKeyBytes(master, 'master key');
  assertAccountId(accountId);
  const recovery = input.recoveryKey === undefined ? null : parseRecoveryKey(input.recoveryKey);
  if (typeof input.passphrase === 'string') checkPassphraseStrength(input.passphrase);
  const iterations = iterationsFor(input);

  const doc = decodeKeyDocument(document, iterationFloor(input));
  if ((await fingerprintOf(master, accountId, doc.epoch)) !== doc.fingerprint) {
    throw new CryptoError('wrong_key', 'this master key does not belong to the key document');
  }
  const binding: WrapBinding = { accountId, epoch: doc.epoch, fingerprint: doc.fingerprint };
  // Refuse to re-publish a document whose token root we could not open ourselves.
  await openTokenRoot(master, doc.tokenRoot, binding);

  const { passphrase: keptPassphrase, ...rest } = doc.wraps;
  const passphrase =
    input.passphrase === undefined
      ? keptPassphrase
      : input.passphrase === null
        ? undefined
        : await makePassphraseWrap(input.passphrase, iterations, master, binding);
  return encodeKeyDocument({
    ...doc,
    wraps: {
      ...rest,
      recovery: recovery ? await makeRecoveryWrap(recovery, master, binding) : doc.wraps.recovery,
      ...(passphrase ? { passphrase } : {}),
    },
  });
}

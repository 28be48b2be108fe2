/**
 * Version 1 key documents: the master key wrapped directly under the recovery key and the
 * passphrase. New documents are version 2; version 1 still unlocks, rewraps in place, and
 * upgrades to version 2 through rotateKeyDocument with a new recovery key.
 */
import type { Bytes } from './bytes';
import { CryptoError } from './errors';
import { fingerprintOf } from './kdf';
import { encodeKeyDocument, type KeyDocumentV1 } from './key-document-format';
import type { OpenedKeyDocument } from './key-document-v2';
import { makePassphraseWrap, makeRecoveryWrap, openTokenRoot, type WrapBinding } from './key-wrap';

export function bindingOfV1(doc: KeyDocumentV1, accountId: string): WrapBinding {
  return { accountId, epoch: doc.epoch, fingerprint: doc.fingerprint };
}

/** Checks `master` against the fingerprint (`mismatch` otherwise) and opens the token root. */
export async function openV1WithMaster(
  doc: KeyDocumentV1,
  accountId: string,
  master: Bytes,
  mismatch: 'wrong_key' | 'key_document_invalid',
): Promise<OpenedKeyDocument> {
  if ((await fingerprintOf(master, accountId, doc.epoch)) !== doc.fingerprint) {
    throw new CryptoError(
      mismatch,
      mismatch === 'wrong_key'
        ? 'this master key does not belong to the key document'
        : 'key document: the unwrapped key does not match the document fingerprint',
    );
  }
  const tokenRoot = await openTokenRoot(master, doc.tokenRoot, bindingOfV1(doc, accountId));
  return {
    master,
    epoch: doc.epoch,
    fingerprint: doc.fingerprint,
    tokenRoot,
    previous: [],
    authKey: null,
  };
}

export interface RewrapV1Input {
  master: Bytes;
  accountId: string;
  recovery: Uint8Array | null;
  passphrase: string | null | undefined;
  iterations: number;
}

/** Replaces the recovery wrap and/or sets, changes or removes the passphrase wrap; stays v1. */
export async function rewrapV1(doc: KeyDocumentV1, input: RewrapV1Input): Promise<string> {
  const { master, accountId } = input;
  // Refuse to re-publish a document whose token root we could not open ourselves.
  await openV1WithMaster(doc, accountId, master, 'wrong_key');
  const binding = bindingOfV1(doc, accountId);
  const { passphrase: keptPassphrase, ...rest } = doc.wraps;
  const passphrase =
    input.passphrase === undefined
      ? keptPassphrase
      : input.passphrase === null
        ? undefined
        : await makePassphraseWrap(input.passphrase, input.iterations, master, binding);
  return encodeKeyDocument({
    ...doc,
    wraps: {
      ...rest,
      recovery: input.recovery
        ? await makeRecoveryWrap(input.recovery, master, binding)
        : doc.wraps.recovery,
      ...(passphrase ? { passphrase } : {}),
    },
  });
}

/**
 * What a device may conclude from a key document it cannot open: whether it is authentic (its
 * mac verifies under the K_auth the device pinned) and, only then, which epoch it is and which
 * devices it carries. A server cannot produce an authentic document, so "authentic, later, and
 * without my entry" is evidence a device was left out; a forged, altered or foreign one is not.
 */
import { CryptoError } from '../errors';
import { latestTransitionVerifies } from './auth-transition';
import { deviceIdsOf } from './build-open';
import { decodeKeyDocument } from './format';
import { type IterationOptions, kdfFloors } from './index';
import { verifyKeyDocumentMac } from './mac';

export interface VerifiedKeyDocument {
  epoch: number;
  fingerprint: string;
  /** Server device ids that hold a recipient entry. */
  devices: string[];
}

/** Throws `key_document_invalid` unless the document's mac verifies under `authKey`. */
export async function verifyKeyDocument(
  document: string,
  accountId: string,
  authKey: Uint8Array,
  options: IterationOptions = {},
): Promise<VerifiedKeyDocument> {
  if (!(authKey instanceof Uint8Array) || authKey.length !== 32) {
    throw new CryptoError('invalid_argument', 'authKey must be the 32-byte K_auth');
  }
  const doc = decodeKeyDocument(document, kdfFloors(options));
  const devices = deviceIdsOf(doc);
  try {
    await verifyKeyDocumentMac(authKey, accountId, doc);
  } catch (error) {
    // The epoch right after the pinned one rotated K_auth: its tag, made under the pinned key,
    // vouches for this epoch's fingerprint and device list. A device further behind has no
    // such evidence without opening the document, so it keeps its key and reports.
    if (!(await latestTransitionVerifies(doc, accountId, authKey, devices))) throw error;
  }
  return { epoch: doc.epoch, fingerprint: doc.fingerprint, devices };
}

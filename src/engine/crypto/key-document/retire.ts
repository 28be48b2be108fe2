/**
 * Retiring earlier epochs in the key document, in the same epoch (keys/retirement.ts says when
 * a device does it).
 */
import { assertAccountId, assertKeyBytes, type Bytes } from '../bytes';
import { CryptoError } from '../errors';
import { openWithMaster, resignKeyDocument } from './build-open';
import { decodeKeyDocument, encodeKeyDocument, type KdfFloors } from './format';

export interface RetireEpochsInput {
  accountId: string;
  /** The current epoch's master key. */
  master: Bytes;
  /** Epochs below this one are retired; at most the current epoch. */
  below: number;
}

/**
 * Retires every epoch below `below`, in the same epoch: `retiredBelow` (under the mac) tells
 * every device to refuse records still sealed under them. Their masters stay in `previous`
 * (sealed under the current master, so no use to whoever holds only an old one): a device's
 * pins prove a later epoch continues theirs by them. Called once a rotation resealed
 * everything; retiring lower than before changes nothing.
 */
export async function retireEpochs(
  document: string,
  input: RetireEpochsInput,
  floors: KdfFloors,
): Promise<string> {
  const { master, accountId, below } = input;
  assertKeyBytes(master, 'master key');
  assertAccountId(accountId);
  const doc = decodeKeyDocument(document, floors);
  const { authKey } = await openWithMaster(doc, accountId, master, 'wrong_key');
  if (!Number.isSafeInteger(below) || below < 1 || below > doc.epoch) {
    throw new CryptoError(
      'invalid_argument',
      `below must be an epoch from 1 to the current one (${doc.epoch})`,
    );
  }
  if (below <= (doc.retiredBelow ?? 0)) return document;
  return encodeKeyDocument(
    await resignKeyDocument(authKey, accountId, doc, { retiredBelow: below }),
  );
}

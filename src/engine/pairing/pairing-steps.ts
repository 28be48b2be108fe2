/**
 * Each side's crypto step over what the server relayed, mapped from wire names to the crypto
 * layer's and with its failures turned into PairingErrors. The flow decides when each runs.
 */
import type { Pairing, PairingReveal } from '../../protocol';
import {
  checkReveal,
  confirmPairing,
  openPairingBundle,
  type PairingContext,
  type PairingOffer,
  revealPairing,
  sealPairingBundle,
} from '../crypto';
import type { KeysMeta, PairingMeta } from '../db/schema';
import { StateError } from '../errors';
import { decodeBundle, encodeBundle } from './bundle';
import { cryptoFailure } from './pairing-failure';

type NewMeta = Extract<PairingMeta, { role: 'new' }>;
type ExistingMeta = Extract<PairingMeta, { role: 'existing' }>;

function revealOf(reveal: PairingReveal) {
  return { publicKey: reveal.public_key, nonce: reveal.nonce, confirmation: reveal.confirmation };
}

/** N: the reveal to send (wire names) and the code to show. */
export async function revealFor(meta: NewMeta, context: PairingContext, offer: PairingOffer) {
  const { reveal, code } = await revealPairing(meta.secret, context, offer).catch(cryptoFailure);
  const body = {
    public_key: reveal.publicKey,
    nonce: reveal.nonce,
    confirmation: reveal.confirmation,
  };
  return { body, code };
}

/** N, once its person confirmed `meta.code`: the MAC that proves it to E. */
export function confirmationFor(meta: NewMeta, context: PairingContext, offer: PairingOffer) {
  return confirmPairing(meta.secret, context, offer, meta.code ?? '').catch(cryptoFailure);
}

/** N: the keys in E's bundle, only for the code its person confirmed. */
export async function openFor(
  meta: NewMeta,
  context: PairingContext,
  offer: PairingOffer,
  bundle: string,
): Promise<KeysMeta> {
  const opened = await openPairingBundle(
    meta.secret,
    context,
    offer,
    bundle,
    meta.code ?? '',
  ).catch(cryptoFailure);
  return decodeBundle(opened, meta.accountId);
}

/** E: N's reveal checked (commitment, key confirmation); the code E keeps to itself. */
export async function codeFor(meta: ExistingMeta, context: PairingContext, pairing: Pairing) {
  if (!pairing.reveal) throw new StateError('no_pairing', 'The new device has not answered yet');
  const reveal = revealOf(pairing.reveal);
  const { code } = await checkReveal(meta.secret, context, pairing.commitment, reveal).catch(
    cryptoFailure,
  );
  return code;
}

/** E, once the typed code matched: the sealed keys, only if N's confirmation verifies. */
export function sealFor(
  meta: ExistingMeta,
  context: PairingContext,
  pairing: Pairing,
  keys: KeysMeta,
): Promise<string> {
  if (!meta.code || !pairing.reveal || !pairing.confirmation)
    throw new StateError('no_pairing', 'No pairing is waiting for approval');
  return sealPairingBundle(
    meta.secret,
    context,
    pairing.commitment,
    revealOf(pairing.reveal),
    meta.code,
    pairing.confirmation,
    encodeBundle(keys),
  ).catch(cryptoFailure);
}

/**
 * What the current epoch's master key seals inside the key document: the token root, the
 * document-authentication key K_auth and the earlier epochs' master keys. Each gets its own
 * HKDF key from the master and an AAD naming the epoch, so none can be moved to another slot,
 * epoch or account. Whoever holds the master opens all three; the server opens none.
 */
import { label } from '../bytes';
import { hkdfAesKey, importHkdfKey } from '../kdf';
import type { PreviousEpoch, SealedKey } from './format';
import { seal, unseal } from './seal';

/** The epoch a seal belongs to: bound into every key and AAD below. */
export interface EpochBinding {
  accountId: string;
  epoch: number;
  fingerprint: string;
}

/** The token root travels sealed under the epoch's master key, so rewraps never touch it. */
async function tokenRootKey(master: Uint8Array, binding: EpochBinding) {
  return hkdfAesKey(
    await importHkdfKey(master),
    label('satchel/v1/token-root-wrap', binding.accountId, binding.epoch),
  );
}

function tokenRootAad(binding: EpochBinding) {
  return label('satchel/v1/token-root', binding.accountId, binding.epoch, binding.fingerprint);
}

export async function sealTokenRoot(
  master: Uint8Array,
  tokenRoot: Uint8Array,
  binding: EpochBinding,
) {
  return seal(await tokenRootKey(master, binding), tokenRoot, tokenRootAad(binding));
}

export async function openTokenRoot(master: Uint8Array, sealed: SealedKey, binding: EpochBinding) {
  return unseal(await tokenRootKey(master, binding), sealed, tokenRootAad(binding), 'token root');
}

/** K_auth (which keys the mac), sealed under the master so that every master holder learns it. */
async function authKeyWrapKey(master: Uint8Array, binding: EpochBinding) {
  return hkdfAesKey(
    await importHkdfKey(master),
    label('satchel/v2/auth-key-wrap', binding.accountId, binding.epoch),
  );
}

function authKeyAad(binding: EpochBinding) {
  return label('satchel/v2/auth-key', binding.accountId, binding.epoch, binding.fingerprint);
}

export async function sealAuthKey(master: Uint8Array, authKey: Uint8Array, binding: EpochBinding) {
  return seal(await authKeyWrapKey(master, binding), authKey, authKeyAad(binding));
}

export async function openAuthKey(master: Uint8Array, sealed: SealedKey, binding: EpochBinding) {
  return unseal(
    await authKeyWrapKey(master, binding),
    sealed,
    authKeyAad(binding),
    'authentication key',
  );
}

/** Earlier epochs' master keys, sealed under the current one. */
async function previousKey(master: Uint8Array, binding: EpochBinding) {
  return hkdfAesKey(
    await importHkdfKey(master),
    label('satchel/v2/previous-wrap', binding.accountId, binding.epoch),
  );
}

function previousAad(binding: EpochBinding, previous: { epoch: number; fingerprint: string }) {
  return label(
    'satchel/v2/previous',
    binding.accountId,
    binding.epoch,
    binding.fingerprint,
    previous.epoch,
    previous.fingerprint,
  );
}

export async function sealPreviousMaster(
  master: Uint8Array,
  previous: { epoch: number; fingerprint: string; master: Uint8Array },
  binding: EpochBinding,
): Promise<PreviousEpoch> {
  const sealed = await seal(
    await previousKey(master, binding),
    previous.master,
    previousAad(binding, previous),
  );
  return { epoch: previous.epoch, fingerprint: previous.fingerprint, ...sealed };
}

export async function openPreviousMaster(
  master: Uint8Array,
  previous: PreviousEpoch,
  binding: EpochBinding,
): Promise<Uint8Array<ArrayBuffer>> {
  return unseal(
    await previousKey(master, binding),
    previous,
    previousAad(binding, previous),
    `master key of epoch ${previous.epoch}`,
  );
}

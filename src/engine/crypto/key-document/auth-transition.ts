/**
 * K_auth rotates with every epoch, and the document carries a transition tag per rotation so a
 * device that pinned an older K_auth (or a secret wrap sealed with one) can authenticate the
 * change instead of trusting the new key on the server's word:
 *
 *   K_auth_e   = HKDF(M_e, ["satchel/v2/auth-key", accountId, e])          (rotated epochs)
 *   commit_e   = SHA-256(["satchel/v2/auth-key-commitment", accountId, e] ‖ K_auth_e)
 *   tag_e      = HMAC(HKDF(K_auth_{e-1}, ["satchel/v2/auth-key-rotation", accountId, e]),
 *                     canonical [accountId, e, fingerprint_e, commit_e, sorted device ids])
 *
 * Tags are chained and every earlier one is kept (newest first, under the document's MAC). K_auth
 * is derived from the epoch's master, so a device that opens the current master (and through it
 * the earlier masters in `previous`) can recompute every intermediate K_auth and walk the chain
 * from whatever K_auth it holds, however many rotations it slept through. Each step binds the
 * epoch's device list, so a device left out can tell from its pinned K_auth alone, without any
 * master, that an authentic rotation left it out (verify.ts).
 */
import { fromBase64url, toBase64url } from '../../../protocol/base64url';
import { type Bytes, bytesEqual, concatBytes, label, utf8 } from '../bytes';
import { CryptoError } from '../errors';
import { fingerprintOf, hkdfBytes, hkdfHmacKey, importHkdfKey } from '../kdf';
import type { KeyEpoch, OpenedKeyDocument } from './build-open';
import type { AuthTransition, KeyDocumentJson } from './format';

export async function deriveEpochAuthKey(
  master: Bytes,
  accountId: string,
  epoch: number,
): Promise<Uint8Array<ArrayBuffer>> {
  return hkdfBytes(await importHkdfKey(master), label('satchel/v2/auth-key', accountId, epoch), 32);
}

async function commitmentOf(authKey: Bytes, accountId: string, epoch: number): Promise<string> {
  const input = concatBytes(label('satchel/v2/auth-key-commitment', accountId, epoch), authKey);
  return toBase64url(new Uint8Array(await crypto.subtle.digest('SHA-256', input)));
}

function tagInput(accountId: string, step: Omit<AuthTransition, 'tag'>) {
  return utf8(JSON.stringify([accountId, step.epoch, step.fingerprint, step.auth, step.devices]));
}

/** The epoch's device list, bound by the tag so a left-out device can read it authentically. */
export async function devicesDigest(accountId: string, devices: string[]): Promise<string> {
  const input = utf8(JSON.stringify(['satchel/v2/epoch-devices', accountId, [...devices].sort()]));
  return toBase64url(new Uint8Array(await crypto.subtle.digest('SHA-256', input)));
}

async function tagKey(previousAuthKey: Bytes, accountId: string, epoch: number) {
  return hkdfHmacKey(
    await importHkdfKey(previousAuthKey),
    label('satchel/v2/auth-key-rotation', accountId, epoch),
    ['sign', 'verify'],
  );
}

/** The tag a rotation to `epoch` adds, made with the K_auth in force before it. */
export async function makeTransition(
  previousAuthKey: Bytes,
  accountId: string,
  epoch: number,
  fingerprint: string,
  newAuthKey: Bytes,
  devices: string[],
): Promise<AuthTransition> {
  const step = {
    epoch,
    fingerprint,
    auth: await commitmentOf(newAuthKey, accountId, epoch),
    devices: await devicesDigest(accountId, devices),
  };
  const key = await tagKey(previousAuthKey, accountId, epoch);
  const tag = await crypto.subtle.sign('HMAC', key, tagInput(accountId, step));
  return { ...step, tag: toBase64url(new Uint8Array(tag)) };
}

/** Whether `step` was made under `authKey`. Never throws on a bad tag. */
export async function transitionVerifies(
  authKey: Bytes,
  accountId: string,
  step: AuthTransition,
): Promise<boolean> {
  const key = await tagKey(authKey, accountId, step.epoch);
  const tag = fromBase64url(step.tag) ?? new Uint8Array(0);
  return crypto.subtle.verify('HMAC', key, tag, tagInput(accountId, step));
}

/**
 * The current epoch's tag alone, checked with a K_auth pinned just before it: what a device
 * that cannot open the document may still learn (the epoch's device list, authenticated).
 */
export async function latestTransitionVerifies(
  doc: KeyDocumentJson,
  accountId: string,
  authKey: Bytes,
  devices: string[],
): Promise<boolean> {
  const latest = doc.transitions?.[0];
  if (!latest || latest.epoch !== doc.epoch || latest.fingerprint !== doc.fingerprint) {
    return false;
  }
  if (latest.devices !== (await devicesDigest(accountId, devices))) return false;
  return transitionVerifies(authKey, accountId, latest);
}

function refused(message: string): CryptoError {
  return new CryptoError('key_document_invalid', `key document: ${message}`);
}

/**
 * Walks the chain from `trusted` (a pinned K_auth, or one a secret wrap sealed) to the K_auth of
 * the opened document (`key_document_invalid` if it does not get there). Each step's K_auth is
 * recomputed from that epoch's master, which the document carries with its fingerprint, and must
 * match the step's commitment; the step's tag must verify under the K_auth reached so far.
 */
export async function followAuthChain(
  doc: KeyDocumentJson,
  accountId: string,
  trusted: Bytes,
  opened: OpenedKeyDocument,
): Promise<void> {
  const masters = new Map<number, KeyEpoch>();
  masters.set(opened.epoch, opened);
  for (const earlier of opened.previous) masters.set(earlier.epoch, earlier);
  let current: Bytes = trusted;
  const oldestFirst = [...(doc.transitions ?? [])].reverse();
  for (const step of oldestFirst) {
    if (bytesEqual(current, opened.authKey)) break;
    // Steps before the one the trusted key starts from do not verify under it: skip them.
    if (!(await transitionVerifies(current, accountId, step))) continue;
    const epoch = masters.get(step.epoch);
    if (!epoch || epoch.fingerprint !== step.fingerprint) {
      throw refused(`the authentication-key step to epoch ${step.epoch} names no carried key`);
    }
    const next = await deriveEpochAuthKey(epoch.master, accountId, step.epoch);
    if ((await commitmentOf(next, accountId, step.epoch)) !== step.auth) {
      throw refused(`the authentication-key step to epoch ${step.epoch} commits to another key`);
    }
    current = next;
  }
  if (!bytesEqual(current, opened.authKey)) {
    throw refused(
      'it names an authentication key that no transition tag under the trusted one leads to',
    );
  }
}

/**
 * The K_auth of a new epoch and the document's transitions with its tag first, made under the
 * K_auth in force until now (`currentAuthKey`).
 */
export async function rotateAuthKey(
  doc: KeyDocumentJson,
  accountId: string,
  currentAuthKey: Bytes,
  newMaster: Bytes,
  epoch: number,
  devices: string[],
): Promise<{ authKey: Uint8Array<ArrayBuffer>; transitions: AuthTransition[] }> {
  const authKey = await deriveEpochAuthKey(newMaster, accountId, epoch);
  const fingerprint = await fingerprintOf(newMaster, accountId, epoch);
  const step = await makeTransition(
    currentAuthKey,
    accountId,
    epoch,
    fingerprint,
    authKey,
    devices,
  );
  return { authKey, transitions: [step, ...(doc.transitions ?? [])] };
}

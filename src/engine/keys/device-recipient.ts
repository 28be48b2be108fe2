/**
 * This device as a recipient of the account key. Once it holds the key, the device adds its own
 * public key to the key document, so that a rotation on another device can seal the next epoch
 * to it: the device then picks the new key up on its next sync without anyone typing a secret,
 * while a revoked device, left out of the rotation, cannot.
 */
import type { KeyDocument } from '../../protocol';
import type { Session } from '../auth/session';
import {
  addDeviceRecipient,
  CryptoError,
  generateDeviceKeyPair,
  openKeyDocumentAsDevice,
} from '../crypto';
import { readMeta, writeMeta } from '../db/meta';
import type { EngineDatabase } from '../db/open';
import type { DeviceKeyMeta, KeysMeta } from '../db/schema';
import { KeyError } from '../errors';
import type { ServerApi } from '../transport/api';
import type { KeyOptions } from './account-key';

/** Attempts at writing the recipient entry when other devices write the document meanwhile. */
const REGISTER_ATTEMPTS = 3;

async function deviceKeyFor(db: EngineDatabase, accountId: string): Promise<DeviceKeyMeta> {
  const stored = await readMeta(db, 'deviceKey');
  if (stored && stored.accountId === accountId) return stored;
  const pair = await generateDeviceKeyPair();
  const created: DeviceKeyMeta = {
    accountId,
    publicKey: pair.publicKey,
    privateKey: pair.privateKey,
    registeredAs: null,
  };
  await writeMeta(db, 'deviceKey', created);
  return created;
}

/**
 * Writes this device's recipient entry into the key document, unless it is there already.
 * Returns false when there is no server device id to write it for (not signed in).
 */
export async function registerDeviceRecipient(
  db: EngineDatabase,
  api: ServerApi,
  session: Session,
  keys: KeysMeta,
  options: KeyOptions,
): Promise<boolean> {
  const deviceId = session.current?.deviceId;
  if (!deviceId) return false;
  const deviceKey = await deviceKeyFor(db, keys.accountId);
  if (deviceKey.registeredAs === deviceId) return true;
  for (let attempt = 1; ; attempt++) {
    const current = await session.withAccess((server, token) => api.getKeys(server, token));
    if (!current || current.key_fingerprint !== keys.fingerprint) {
      throw new KeyError('key_changed', 'The account key changed on another device');
    }
    const document = await addDeviceRecipient(current.key_document, {
      accountId: keys.accountId,
      master: keys.master,
      deviceId,
      publicKey: deviceKey.publicKey,
      ...options,
    });
    try {
      await session.withAccess((server, token) =>
        api.replaceKeys(
          server,
          token,
          {
            key_document: document,
            key_fingerprint: current.key_fingerprint,
            epoch: current.epoch,
          },
          current.rev,
        ),
      );
      break;
    } catch (error) {
      // Another device wrote the document first (its own entry, a rewrap): read it again.
      const retry = error instanceof KeyError && error.code === 'key_document_conflict';
      if (!retry || attempt >= REGISTER_ATTEMPTS) throw error;
    }
  }
  await writeMeta(db, 'deviceKey', { ...deviceKey, registeredAs: deviceId });
  return true;
}

/**
 * Opens a key document of a later epoch with this device's own key pair. Null when this device
 * cannot vouch for it: no entry for this device (left out of the rotation, never registered), a
 * MAC that fails under the pinned authentication key, or a document that does not carry this
 * device's key forward. The person then unlocks with the recovery key or passphrase, whose wrap
 * authenticates the document (a forged one does not unlock). An older epoch than ours is a
 * rollback: refused outright, since unlocking it would put the device back on a key a revoked
 * device may hold.
 */
export async function openAsRecipient(
  db: EngineDatabase,
  document: KeyDocument,
  keys: KeysMeta,
  serverDeviceId: string,
  options: KeyOptions,
): Promise<KeysMeta | null> {
  if (document.epoch < keys.epoch) {
    throw new KeyError(
      'key_document_invalid',
      'The server offered an older account key than this device holds',
    );
  }
  const deviceKey = await readMeta(db, 'deviceKey');
  // Without the pinned authentication key a forged document could not be told apart.
  if (!deviceKey || deviceKey.accountId !== keys.accountId || !keys.authKey) return null;
  let opened: Awaited<ReturnType<typeof openKeyDocumentAsDevice>>;
  try {
    opened = await openKeyDocumentAsDevice(
      document.key_document,
      keys.accountId,
      {
        deviceId: serverDeviceId,
        privateKey: deviceKey.privateKey,
        authKey: keys.authKey,
      },
      options,
    );
  } catch (error) {
    if (error instanceof CryptoError) return null;
    throw error;
  }
  const continues =
    opened.fingerprint === keys.fingerprint ||
    opened.previous.some((earlier) => earlier.fingerprint === keys.fingerprint);
  if (
    opened.fingerprint !== document.key_fingerprint ||
    opened.epoch !== document.epoch ||
    !continues
  ) {
    // A document that does not carry this device's current key forward would strand records.
    return null;
  }
  return {
    accountId: keys.accountId,
    master: opened.master,
    tokenRoot: opened.tokenRoot,
    epoch: opened.epoch,
    fingerprint: opened.fingerprint,
    previous: opened.previous,
    authKey: keys.authKey,
  };
}

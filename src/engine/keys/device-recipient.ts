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
  isDeviceName,
  openKeyDocumentAsDevice,
  verifyKeyDocument,
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
 * Writes this device's recipient entry into the key document, unless it is there already, with
 * the name the device signed in with: the document's mac covers it, so the name other devices
 * show for this one is this device's word, not the server's. Returns false when there is no
 * server device id to write it for (not signed in).
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
  const deviceName = session.current?.deviceName;
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
      ...(isDeviceName(deviceName) ? { deviceName } : {}),
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

/** What the served document proves: a key to take, or that this device was left out. */
export type RecipientVerdict =
  | { kind: 'opened'; keys: KeysMeta }
  /** `verified`: the authentic later document that left this device out, when there was one. */
  | { kind: 'left_out'; verified: { epoch: number; fingerprint: string } | null };

function unverified(message: string, cause?: unknown): KeyError {
  return new KeyError('key_unverified', message, cause);
}

/**
 * A document this device's own entry opens, with K_auth reached from the pinned one through the
 * transition tags, is authentic and carries this device; anything else stays unverified.
 */
async function verifiedByOpening(
  db: EngineDatabase,
  document: KeyDocument,
  keys: KeysMeta,
  serverDeviceId: string,
  options: KeyOptions,
  cause: unknown,
) {
  const refused = () =>
    unverified(
      'The server sent a key document that does not verify with the key this device pinned',
      cause,
    );
  const deviceKey = await readMeta(db, 'deviceKey');
  if (!keys.authKey || !deviceKey || deviceKey.accountId !== keys.accountId) throw refused();
  try {
    const opened = await openKeyDocumentAsDevice(
      document.key_document,
      keys.accountId,
      { deviceId: serverDeviceId, privateKey: deviceKey.privateKey, authKey: keys.authKey },
      options,
    );
    return { epoch: opened.epoch, fingerprint: opened.fingerprint, devices: [serverDeviceId] };
  } catch (error) {
    if (!(error instanceof CryptoError)) throw error;
    throw refused();
  }
}

/**
 * Opens a key document of a later epoch with this device's own key pair. Only an authentic
 * document (its mac verifies under the pinned K_auth) of a later epoch that has no entry for
 * this device is `left_out`: the one case where the caller may drop the key. A document that
 * does not verify (altered, forged, another account's), one whose entry does not open, or one
 * that does not carry this device's key forward is `key_unverified`: the device keeps its key
 * and asks again later. An older epoch than ours is a rollback, refused outright.
 */
export async function openAsRecipient(
  db: EngineDatabase,
  document: KeyDocument,
  keys: KeysMeta,
  serverDeviceId: string,
  options: KeyOptions,
): Promise<RecipientVerdict> {
  if (document.epoch < keys.epoch) {
    throw new KeyError(
      'key_document_invalid',
      'The server offered an older account key than this device holds',
    );
  }
  // Without the pinned authentication key a forged document could not be told apart.
  if (!keys.authKey) return { kind: 'left_out', verified: null };
  let verified: Awaited<ReturnType<typeof verifyKeyDocument>>;
  try {
    verified = await verifyKeyDocument(
      document.key_document,
      keys.accountId,
      keys.authKey,
      options,
    );
  } catch (error) {
    if (!(error instanceof CryptoError)) throw error;
    // More than one K_auth rotation behind: only opening the document walks the tag chain.
    verified = await verifiedByOpening(db, document, keys, serverDeviceId, options, error);
  }
  if (verified.epoch < keys.epoch) {
    throw new KeyError(
      'key_document_invalid',
      'The server offered an older account key than this device holds',
    );
  }
  if (verified.epoch === keys.epoch || verified.fingerprint !== document.key_fingerprint) {
    throw unverified('The server labels the key document with a key it does not hold');
  }
  const deviceKey = await readMeta(db, 'deviceKey');
  const leftOut = { kind: 'left_out', verified } as const;
  if (!verified.devices.includes(serverDeviceId)) return leftOut;
  if (!deviceKey || deviceKey.accountId !== keys.accountId) return leftOut;
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
    if (!(error instanceof CryptoError)) throw error;
    throw unverified("The key document's entry for this device does not open", error);
  }
  const continues = opened.previous.some((earlier) => earlier.fingerprint === keys.fingerprint);
  if (opened.fingerprint !== document.key_fingerprint || opened.epoch !== document.epoch) {
    throw unverified('The key document does not match the key the server labels it with');
  }
  if (!continues) {
    // A document that does not carry this device's current key forward would strand records.
    throw unverified("The new key document does not carry this device's key forward");
  }
  return {
    kind: 'opened',
    keys: {
      accountId: keys.accountId,
      master: opened.master,
      tokenRoot: opened.tokenRoot,
      epoch: opened.epoch,
      fingerprint: opened.fingerprint,
      previous: opened.previous,
      ...(opened.retiredBelow ? { retiredBelow: opened.retiredBelow } : {}),
      // The pin moves to the K_auth the transition tags led to.
      authKey: opened.authKey,
    },
  };
}

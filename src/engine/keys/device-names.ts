/**
 * Which name to show for a device. The key document's entry for a device may carry its name,
 * covered by the document's mac (crypto/key-document/device-names.ts): that name was written by a
 * device holding the key (the device itself when it registered, or one where the person renamed
 * it), so the server cannot change it. The server's own device list names every device too, but
 * the server can relabel any of them (show a stolen device as "My phone").
 *
 * - The document names the device: that name is shown, and the server's is kept beside it only
 *   when it differs ("the server calls it …"), as a warning.
 * - The document does not (written before names existed, or the key is not held here): the
 *   server's name is shown, marked unverified. Not the fingerprint alone: a person cannot tell
 *   devices apart by a hex string, and the fingerprint, which is authenticated, is shown beside
 *   the name wherever a choice depends on it (the revoke-and-rotate preview).
 */
import type { Device } from '../../protocol';
import type { Session } from '../auth/session';
import type { Logger } from '../context';
import { CryptoError, inspectKeyDocument, nameDeviceRecipient } from '../crypto';
import { readMeta } from '../db/meta';
import type { EngineDatabase } from '../db/open';
import { asEngineError, KeyError } from '../errors';
import type { ServerApi } from '../transport/api';
import type { KeyOptions } from './account-key';

export interface DeviceNaming {
  /** What to call the device: the authenticated name, else the server's, else null. */
  name: string | null;
  /** `name` comes from the MAC-verified key document, not from the server. */
  nameVerified: boolean;
  /** The server's name when it differs from the authenticated one (null otherwise). */
  serverName: string | null;
}

/** `verified`: the name in a MAC-verified document; `listed`: the server's (its word only). */
export function namingOf(verified: string | null, listed: string | null): DeviceNaming {
  if (verified === null) return { name: listed, nameVerified: false, serverName: null };
  const differs = listed !== null && listed !== verified;
  return { name: verified, nameVerified: true, serverName: differs ? listed : null };
}

/**
 * A device of the server's list (`name` is the server's), with the name the MAC-verified key
 * document gives it, or null when the document names it not (or is not verified here).
 */
export type ListedDevice = Device & { verifiedName: string | null };

export function withNames(
  devices: readonly Device[],
  verified: ReadonlyMap<string, string>,
): ListedDevice[] {
  return devices.map((device) => ({ ...device, verifiedName: verified.get(device.id) ?? null }));
}

export interface DeviceNamesDeps {
  db: EngineDatabase;
  api: ServerApi;
  session: Session;
  options: KeyOptions;
  log: Logger;
}

/** Attempts at renaming in the document when other devices write it meanwhile. */
const RENAME_ATTEMPTS = 3;

async function currentDocument({ db, api, session, options }: DeviceNamesDeps) {
  const keys = await readMeta(db, 'keys');
  if (!keys) return null;
  const current = await session.withAccess((server, token) => api.getKeys(server, token));
  if (!current || current.key_fingerprint !== keys.fingerprint) return null;
  // Opened with the master this device holds: the mac verifies under the K_auth it seals.
  const inspected = await inspectKeyDocument(
    current.key_document,
    keys.accountId,
    keys.master,
    options,
  );
  return { keys, current, inspected };
}

/**
 * The device names of the current key document, verified with the key this device holds; empty
 * when it holds none, or the document is not (yet) the one it holds: nothing is then verified.
 */
export async function verifiedDeviceNames(deps: DeviceNamesDeps): Promise<Map<string, string>> {
  try {
    return (await currentDocument(deps))?.inspected.deviceNames ?? new Map();
  } catch (error) {
    deps.log({ level: 'warn', event: 'device_names_unverified', code: asEngineError(error).code });
    return new Map();
  }
}

/**
 * The person renamed device `id` here: the key document's entry takes the new name too, so other
 * devices show it as authenticated. Skipped without the key, or for a device without an entry;
 * a failure is logged, never thrown (the server's rename already happened, and other devices
 * then flag the difference).
 */
export async function nameInKeyDocument(
  deps: DeviceNamesDeps,
  id: string,
  name: string,
): Promise<void> {
  const { api, session, options, log } = deps;
  try {
    for (let attempt = 1; ; attempt++) {
      const found = await currentDocument(deps);
      if (!found?.inspected.devices.includes(id)) return;
      if (found.inspected.deviceNames.get(id) === name) return;
      const { keys, current } = found;
      const document = await nameDeviceRecipient(current.key_document, {
        accountId: keys.accountId,
        master: keys.master,
        deviceId: id,
        deviceName: name,
        ...options,
      });
      const write = {
        key_document: document,
        key_fingerprint: current.key_fingerprint,
        epoch: current.epoch,
      };
      try {
        await session.withAccess((server, token) =>
          api.replaceKeys(server, token, write, current.rev),
        );
        return;
      } catch (error) {
        const raced = error instanceof KeyError && error.code === 'key_document_conflict';
        if (!raced || attempt >= RENAME_ATTEMPTS) throw error;
      }
    }
  } catch (error) {
    const code = error instanceof CryptoError ? error.code : asEngineError(error).code;
    log({ level: 'warn', event: 'device_name_not_written', code });
  }
}

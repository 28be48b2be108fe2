/**
 * Who gets the next epoch. The authenticated key document decides, never the server's device
 * list: the server may keep listing a revoked (stolen) device as live, and it is trusted for
 * nothing here. Its list only adds warnings the person sees before confirming: a recipient the
 * server does not list as live (perhaps a device the server hides, perhaps a forgotten one), or
 * one the server names otherwise than the document does (device-names.ts).
 */
import type { Device } from '../../protocol';
import { InputError, ValidationError } from '../errors';
import { type DeviceNaming, namingOf } from './device-names';

export interface RotationRecipient extends DeviceNaming {
  id: string;
  /**
   * A short hash of the public key the authenticated document holds for it (null if the entry
   * has none), to compare with the one the device itself shows.
   */
  fingerprint: string | null;
  /** This device itself. */
  self: boolean;
  /** The server does not list this recipient as a live device. */
  notListed: boolean;
}

export interface RotationPlan {
  /** Device ids the new epoch is sealed to, from the MAC-verified document. */
  keep: string[];
  recipients: RotationRecipient[];
  /** Ids revoked here that the document carried and the new epoch drops. */
  dropped: string[];
}

/**
 * `documentDevices` must come from a document whose mac verified under the pinned K_auth.
 * `revoke` are the ids the person revokes on this device: excluded whatever the server lists.
 */
export function planRecipients(
  documentDevices: readonly string[],
  serverDevices: readonly Pick<Device, 'id' | 'name'>[],
  revoke: readonly string[],
  selfId: string | null,
  fingerprints: ReadonlyMap<string, string> = new Map(),
  /** The names the verified document gives its devices. */
  names: ReadonlyMap<string, string> = new Map(),
): RotationPlan {
  const revoked = new Set(revoke);
  const listed = new Map(serverDevices.map((device) => [device.id, device.name]));
  const keep = documentDevices.filter((id) => !revoked.has(id));
  return {
    keep,
    recipients: keep.map((id) => ({
      id,
      ...namingOf(names.get(id) ?? null, listed.get(id) ?? null),
      fingerprint: fingerprints.get(id) ?? null,
      self: id === selfId,
      notListed: !listed.has(id),
    })),
    dropped: documentDevices.filter((id) => revoked.has(id)),
  };
}

/** The ids a revocation asks for, refused when empty or naming this device itself. */
export function revocationIds(ids: readonly string[], selfId: string | undefined): string[] {
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string' && id.length > 0)) {
    throw new ValidationError('Device ids are non-empty strings', [
      { path: 'ids', message: 'must be a list of device ids' },
    ]);
  }
  if (ids.length === 0) {
    throw new InputError('nothing_to_revoke', 'Choose at least one device to remove');
  }
  if (selfId !== undefined && ids.includes(selfId)) {
    throw new InputError(
      'cannot_revoke_self',
      'To sign this device out, use sign out (it keeps local data)',
    );
  }
  return [...new Set(ids)];
}

/** The first 8 bytes of SHA-256 over a device's raw public key, as grouped hex. */
export async function publicKeyFingerprint(publicKey: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', publicKey)).slice(0, 8);
  const hex = [...digest].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return hex.match(/.{4}/g)?.join(' ') ?? hex;
}

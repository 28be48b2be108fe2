/**
 * The account's devices as the server lists them: read, rename, revoke. The server's names are
 * its word only: each device is listed with the name the MAC-verified key document gives it too
 * (keys/device-names.ts), and a rename here also renames it in the document when this device
 * holds the key. What decides who holds the key is the key document.
 */
import type { Device } from '../protocol';
import type { Session } from './auth/session';
import { isDeviceName } from './crypto';
import { StateError, ValidationError } from './errors';
import {
  type DeviceNamesDeps,
  type ListedDevice,
  nameInKeyDocument,
  verifiedDeviceNames,
  withNames,
} from './keys/device-names';
import { noteRevoked } from './keys/revoked-here';
import { revocationIds } from './keys/rotation-recipients';

export class DeviceDirectory {
  constructor(
    /** What the directory works with, once the engine is open. */
    private readonly deps: () => Promise<DeviceNamesDeps>,
  ) {}

  private async signedIn(): Promise<DeviceNamesDeps & { session: Session }> {
    const deps = await this.deps();
    if (!deps.session.current) throw new StateError('not_signed_in', 'Sign in to manage devices');
    return deps;
  }

  async list(): Promise<ListedDevice[]> {
    const deps = await this.signedIn();
    const { session, api } = deps;
    const devices = await session.withAccess((server, token) => api.devices(server, token));
    return withNames(devices, await verifiedDeviceNames(deps));
  }

  async rename(id: string, name: string): Promise<Device> {
    const deps = await this.signedIn();
    const { session, api } = deps;
    // The key document takes the name too, so it must be one the document may carry.
    if (typeof name !== 'string' || !isDeviceName(name.trim())) {
      throw new ValidationError('A device name is 1 to 64 characters, without control characters', [
        { path: 'name', message: 'must be 1 to 64 characters, without control characters' },
      ]);
    }
    const renamed = await session.withAccess((server, token) =>
      api.renameDevice(server, token, id, name.trim()),
    );
    // The name typed here, not the server's echo of it.
    await nameInKeyDocument(deps, id, name.trim());
    return renamed;
  }

  async revoke(id: string): Promise<void> {
    const { session, api, db } = await this.signedIn();
    revocationIds([id], session.current?.deviceId);
    const accountId = session.current?.accountId;
    if (accountId) await noteRevoked(db, accountId, [id]);
    await session.withAccess((server, token) => api.revokeDevice(server, token, id));
  }
}

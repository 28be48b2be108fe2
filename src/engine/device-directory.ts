/**
 * The account's devices as the server lists them: read, rename, revoke. Names come from the
 * server and are shown as its word; what decides who holds the key is the key document.
 */
import type { Device } from '../protocol';
import type { Session } from './auth/session';
import { StateError, ValidationError } from './errors';
import { revocationIds } from './keys/rotation-recipients';
import type { ServerApi } from './transport/api';

export class DeviceDirectory {
  constructor(
    private readonly api: () => ServerApi,
    /** The session once the engine is open; null while signed out. */
    private readonly session: () => Promise<Session>,
  ) {}

  private async signedIn(): Promise<Session> {
    const session = await this.session();
    if (!session.current) throw new StateError('not_signed_in', 'Sign in to manage devices');
    return session;
  }

  async list(): Promise<Device[]> {
    const session = await this.signedIn();
    return session.withAccess((server, token) => this.api().devices(server, token));
  }

  async rename(id: string, name: string): Promise<Device> {
    const session = await this.signedIn();
    if (typeof name !== 'string' || name.trim().length === 0 || name.trim().length > 64) {
      throw new ValidationError('A device name is 1 to 64 characters', [
        { path: 'name', message: 'must be 1 to 64 characters' },
      ]);
    }
    return session.withAccess((server, token) =>
      this.api().renameDevice(server, token, id, name.trim()),
    );
  }

  async revoke(id: string): Promise<void> {
    const session = await this.signedIn();
    revocationIds([id], session.current?.deviceId);
    await session.withAccess((server, token) => this.api().revokeDevice(server, token, id));
  }
}

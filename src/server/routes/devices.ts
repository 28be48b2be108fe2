/** GET /v1/devices, PATCH /v1/devices/:id (rename), DELETE /v1/devices/:id (revoke at once). */
import type { Hono } from 'hono';
import { type Device, type DeviceList, DeviceRename } from '../../protocol';
import type { AppEnv, Deps } from '../context';
import { HttpProblem } from '../errors';
import type { Authenticate } from '../middleware/bearer-auth';
import { readJson } from '../middleware/body';
import type { DeviceRow } from '../store/types';

function toDevice(row: DeviceRow, currentDeviceId: string): Device {
  return {
    id: row.id,
    name: row.name,
    platform: row.platform,
    created_at: new Date(row.createdAt).toISOString(),
    last_seen_at: row.lastSeenAt === null ? null : new Date(row.lastSeenAt).toISOString(),
    current: row.id === currentDeviceId,
  };
}

/** Ids are the store's; anything else cannot name a device and is not sent to the database. */
function deviceId(raw: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(raw)) throw new HttpProblem('not_found', 'No such device.');
  return raw;
}

export function registerDevices(app: Hono<AppEnv>, deps: Deps, auth: Authenticate): void {
  const { store, clock } = deps;

  app.get('/v1/devices', auth, async (c) => {
    const { accountId, deviceId: current } = c.get('auth');
    const rows = await store.listDevices(accountId);
    const body: DeviceList = {
      devices: rows.filter((row) => row.revokedAt === null).map((row) => toDevice(row, current)),
    };
    return c.json(body);
  });

  app.patch('/v1/devices/:id', auth, async (c) => {
    const { accountId, deviceId: current } = c.get('auth');
    const id = deviceId(c.req.param('id'));
    const { name } = await readJson(c, DeviceRename);
    const row = await store.renameDevice(accountId, id, name);
    if (!row || row.revokedAt !== null) throw new HttpProblem('not_found', 'No such device.');
    return c.json(toDevice(row, current));
  });

  app.delete('/v1/devices/:id', auth, async (c) => {
    const { accountId } = c.get('auth');
    const id = deviceId(c.req.param('id'));
    if (!(await store.revokeDevice(accountId, id, clock()))) {
      throw new HttpProblem('not_found', 'No such device.');
    }
    return c.body(null, 204);
  });
}

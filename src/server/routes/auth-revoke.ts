/**
 * POST /v1/auth/revoke: signs the calling device out. The device is revoked with all its tokens,
 * so it leaves the device list and no longer holds back tombstone purging.
 */
import type { Hono } from 'hono';
import type { AppEnv, Deps } from '../context';
import type { Authenticate } from '../middleware/bearer-auth';

export function registerAuthRevoke(app: Hono<AppEnv>, deps: Deps, auth: Authenticate): void {
  app.post('/v1/auth/revoke', auth, async (c) => {
    const { accountId, deviceId } = c.get('auth');
    await deps.store.revokeDevice(accountId, deviceId, deps.clock());
    return c.body(null, 204);
  });
}

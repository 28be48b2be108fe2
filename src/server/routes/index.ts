/** The one place every route is registered. Order matters only for the web app's catch-all. */
import type { Hono, MiddlewareHandler } from 'hono';
import type { AppEnv, Deps } from '../context';
import { createBearer } from '../middleware/bearer-auth';
import { registerActivate } from './activate';
import { registerAdmin } from './admin';
import { registerAdminPage } from './admin-page';
import { registerAuthDevice } from './auth-device';
import { registerAuthRevoke } from './auth-revoke';
import { registerAuthToken } from './auth-token';
import { registerBatch } from './batch';
import { registerChanges } from './changes';
import { registerDevices } from './devices';
import { registerFavicon } from './favicon';
import { registerHealth } from './health';
import { registerInfo } from './info';
import { registerKeys } from './keys';
import { registerPairings } from './pairings';
import { registerRoot } from './root';

export function registerRoutes(
  app: Hono<AppEnv>,
  deps: Deps,
  web: MiddlewareHandler<AppEnv> | undefined,
  admin?: MiddlewareHandler<AppEnv>,
): void {
  const bearer = createBearer(deps);
  const auth = bearer.authenticate;
  registerHealth(app, deps);
  registerFavicon(app);
  registerInfo(app, deps);
  registerAuthDevice(app, deps);
  registerAuthToken(app, deps);
  registerAuthRevoke(app, deps, auth);
  registerActivate(app, deps);
  registerAdmin(app, deps);
  registerDevices(app, deps, auth);
  registerKeys(app, deps, auth);
  registerChanges(app, deps, bearer);
  registerBatch(app, deps, auth);
  registerPairings(app, deps, auth);
  registerAdminPage(app, admin);
  registerRoot(app, web);
}

/**
 * /admin/api/*: the JSON API of the owner's admin page. Everything but signing in needs the
 * owner's admin session (cookie) and, to write, its CSRF token; see src/server/admin/guard.ts.
 * Device bearer tokens are never looked at here.
 */
import { Hono } from 'hono';
import { requireAdmin } from '../admin/guard';
import type { AppEnv, Deps } from '../context';
import { registerAdminAccounts } from './admin-accounts';
import { registerAdminSession } from './admin-session';
import { registerAdminSettings } from './admin-settings';

export function registerAdmin(app: Hono<AppEnv>, deps: Deps): void {
  const admin = new Hono<AppEnv>();
  // Passed to each route rather than mounted on '*', so signing in stays reachable without it.
  const guard = requireAdmin(deps);
  registerAdminSession(admin, deps, guard);
  registerAdminAccounts(admin, deps, guard);
  registerAdminSettings(admin, deps, guard);
  app.route('/admin/api', admin);
}

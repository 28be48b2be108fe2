/** Test support for the admin API tests: a server with an owner and a member, and signed-in calls. */
import type { TokenResponse } from '../../protocol';
import { type StartServerOptions, signInDevice, startServer, type TestServer } from '../testing';
import { type Call, call, OWNER } from './helpers';

export const MEMBER = { username: 'member', password: 'member password 1' };

export interface AdminSignIn {
  cookie: string;
  csrf: string;
}

export interface AdminFixture {
  server: TestServer;
  owner: TokenResponse;
  member: TokenResponse;
}

/** Registration open, so the member can sign up without an invite; the owner comes first. */
export async function adminServer(options: StartServerOptions = {}): Promise<AdminFixture> {
  const server = await startServer({
    ...options,
    config: { registration: 'open', ...options.config },
  });
  const owner = await signInDevice(server.url, { ...OWNER, deviceName: 'Laptop' });
  const member = await signInDevice(server.url, { ...MEMBER, deviceName: 'Phone' });
  return { server, owner, member };
}

export async function adminSignIn(
  url: string,
  body: Record<string, string> = OWNER,
): Promise<{ result: Call; session?: AdminSignIn }> {
  const result = await call(url, '/admin/api/session', { method: 'POST', json: body });
  const cookie = result.headers.get('set-cookie')?.split(';')[0];
  const session =
    cookie && result.body?.csrfToken ? { cookie, csrf: result.body.csrfToken } : undefined;
  return { result, session };
}

/** A request as the admin page sends it: the session cookie, and the CSRF token on writes. */
export function adminCall(
  url: string,
  path: string,
  session: AdminSignIn | undefined,
  init: { method?: string; json?: unknown; headers?: Record<string, string>; token?: string } = {},
): Promise<Call> {
  const headers: Record<string, string> = {};
  if (session) {
    headers.cookie = session.cookie;
    if ((init.method ?? 'GET') !== 'GET') headers['x-csrf-token'] = session.csrf;
  }
  return call(url, `/admin/api${path}`, { ...init, headers: { ...headers, ...init.headers } });
}

export async function signedInAdmin(url: string): Promise<AdminSignIn> {
  const { result, session } = await adminSignIn(url);
  if (!session) throw new Error(`admin sign-in failed: ${result.status} ${result.text}`);
  return session;
}

/** Every admin route with a body that would be valid, for the guard tests. */
export function adminRoutes(ids: { account: string; device: string }) {
  return [
    { method: 'GET', path: '/session' },
    { method: 'DELETE', path: '/session' },
    { method: 'GET', path: '/overview' },
    { method: 'GET', path: '/accounts' },
    { method: 'GET', path: `/accounts/${ids.account}/devices` },
    { method: 'POST', path: `/accounts/${ids.account}/disable` },
    { method: 'POST', path: `/accounts/${ids.account}/enable` },
    { method: 'DELETE', path: `/accounts/${ids.account}`, json: { confirm: MEMBER.username } },
    { method: 'POST', path: `/devices/${ids.device}/revoke` },
    { method: 'GET', path: '/invites' },
    { method: 'POST', path: '/invites', json: {} },
    { method: 'DELETE', path: '/invites/abcdef0123' },
    { method: 'PUT', path: '/registration', json: { mode: 'invite' } },
    { method: 'GET', path: '/audit' },
  ];
}

/**
 * Sessions of the owner's admin page: a random token in the `satchel_admin` cookie (the store
 * keeps its hash), a CSRF token the page sends back in `x-csrf-token`, an idle timeout and an
 * absolute lifetime. Kept apart from /activate sessions and device tokens: another table,
 * another cookie, scoped to /admin.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { randomToken, sha256Hex } from '../auth/secrets';
import type { AppEnv, Deps } from '../context';
import { isHttps } from '../public-url';
import type { Account } from '../store/types';

export const ADMIN_COOKIE = 'satchel_admin';
const COOKIE_PATH = '/admin';
export const ADMIN_IDLE_MS = 30 * 60_000;
export const ADMIN_LIFETIME_MS = 12 * 3_600_000;

export interface AdminSessionView {
  tokenHash: string;
  account: Account;
  csrfToken: string;
}

/** The signed-in owner, or null: no cookie, unknown, idle or expired, or no longer the owner. */
export async function readAdminSession(
  c: Context<AppEnv>,
  deps: Pick<Deps, 'store' | 'clock'>,
): Promise<AdminSessionView | null> {
  const raw = getCookie(c, ADMIN_COOKIE);
  if (!raw || !/^[A-Za-z0-9_-]{43}$/.test(raw)) return null;
  const tokenHash = sha256Hex(raw);
  const session = await deps.store.useAdminSession(tokenHash, deps.clock(), ADMIN_IDLE_MS);
  if (!session) return null;
  const account = await deps.store.findAccountById(session.accountId);
  if (account?.role !== 'owner') return null;
  return { tokenHash, account, csrfToken: session.csrfToken };
}

export async function startAdminSession(
  c: Context<AppEnv>,
  deps: Pick<Deps, 'store' | 'clock' | 'config'>,
  account: Account,
): Promise<string> {
  const token = randomToken();
  const csrfToken = randomToken();
  const now = deps.clock();
  await deps.store.createAdminSession({
    tokenHash: sha256Hex(token),
    accountId: account.id,
    csrfToken,
    createdAt: now,
    lastUsedAt: now,
    expiresAt: now + ADMIN_LIFETIME_MS,
  });
  setCookie(c, ADMIN_COOKIE, token, {
    path: COOKIE_PATH,
    httpOnly: true,
    sameSite: 'Strict',
    secure: isHttps(c, deps.config),
    maxAge: ADMIN_LIFETIME_MS / 1000,
  });
  return csrfToken;
}

export async function endAdminSession(
  c: Context<AppEnv>,
  deps: Pick<Deps, 'store' | 'config'>,
  session: AdminSessionView,
): Promise<void> {
  await deps.store.deleteAdminSession(session.tokenHash);
  deleteCookie(c, ADMIN_COOKIE, { path: COOKIE_PATH, secure: isHttps(c, deps.config) });
}

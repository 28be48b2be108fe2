/**
 * Browser sessions of the /activate pages. The cookie holds a random token (the store keeps its
 * hash) and the username, which is checked against the session's account on every read, so the
 * page knows who is signed in without trusting the cookie.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { randomToken, safeEqual, sha256Hex } from '../auth/secrets';
import type { AppEnv, Deps } from '../context';
import { HttpProblem } from '../errors';
import { isHttps, publicBase } from '../public-url';
import type { Account } from '../store/types';

const COOKIE = 'satchel_session';
const COOKIE_PATH = '/activate';

export interface PageSession {
  tokenHash: string;
  account: Account;
  csrfToken: string;
}

function encodeCookie(token: string, username: string): string {
  return `${token}.${Buffer.from(username, 'utf8').toString('base64url')}`;
}

function decodeCookie(value: string): { token: string; username: string } | null {
  const match = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{1,128})$/.exec(value);
  if (!match?.[1] || !match[2]) return null;
  return { token: match[1], username: Buffer.from(match[2], 'base64url').toString('utf8') };
}

export async function readSession(
  c: Context<AppEnv>,
  deps: Pick<Deps, 'store' | 'clock'>,
): Promise<PageSession | null> {
  const raw = getCookie(c, COOKIE);
  const parsed = raw ? decodeCookie(raw) : null;
  if (!parsed) return null;
  const tokenHash = sha256Hex(parsed.token);
  const session = await deps.store.findSession(tokenHash, deps.clock());
  if (!session) return null;
  const account = await deps.store.findAccountByUsername(parsed.username);
  if (!account || account.id !== session.accountId) return null;
  return { tokenHash, account, csrfToken: session.csrfToken };
}

export async function startSession(
  c: Context<AppEnv>,
  deps: Pick<Deps, 'store' | 'clock' | 'config'>,
  account: Account,
): Promise<void> {
  const token = randomToken();
  await deps.store.createSession({
    tokenHash: sha256Hex(token),
    accountId: account.id,
    csrfToken: randomToken(),
    expiresAt: deps.clock() + deps.config.sessionTtlS * 1000,
  });
  setCookie(c, COOKIE, encodeCookie(token, account.username), {
    path: COOKIE_PATH,
    httpOnly: true,
    sameSite: 'Strict',
    secure: isHttps(c, deps.config),
    maxAge: deps.config.sessionTtlS,
  });
}

export async function endSession(
  c: Context<AppEnv>,
  deps: Pick<Deps, 'store' | 'config'>,
  session: PageSession,
): Promise<void> {
  await deps.store.deleteSession(session.tokenHash);
  deleteCookie(c, COOKIE, { path: COOKIE_PATH, secure: isHttps(c, deps.config) });
}

/** The form's CSRF token must be the one bound to this session. */
export function checkCsrf(session: PageSession, submitted: string | undefined): void {
  if (!submitted || !safeEqual(submitted, session.csrfToken)) {
    throw new HttpProblem(
      'forbidden',
      'This form was not sent from this page or has expired. Reload the page and try again.',
    );
  }
}

/**
 * Refuses form posts from other sites (including sign-in CSRF, before any session exists):
 * Fetch Metadata first, Origin as a fallback. The pages send no referrer, so a browser's own
 * form posts carry `Origin: null`, which is why that value cannot be refused on its own.
 */
export function checkSameOrigin(c: Context<AppEnv>, deps: Pick<Deps, 'config'>): void {
  const site = c.req.header('sec-fetch-site');
  const origin = c.req.header('origin');
  const own = [publicBase(c, deps.config), new URL(c.req.url).origin];
  const crossSite = site !== undefined && site !== 'same-origin' && site !== 'none';
  const foreignOrigin = origin !== undefined && origin !== 'null' && !own.includes(origin);
  if (crossSite || foreignOrigin) {
    throw new HttpProblem('forbidden', 'Forms of this page can only be sent from this page.');
  }
}

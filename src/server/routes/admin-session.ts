/**
 * POST/GET/DELETE /admin/api/session: the owner signs in to the admin page with its username and
 * password, or with a one-time link from `admin create-link`. Sign-in is throttled per client
 * address and per username like /activate; a member, an unknown name, a wrong password and a
 * bad link all get the same answer, so the answer tells nothing about which part was wrong.
 */
import type { Context, Hono, MiddlewareHandler } from 'hono';
import * as v from 'valibot';
import { checkAdminOrigin } from '../admin/guard';
import { endAdminSession, startAdminSession } from '../admin/session';
import { checkPassword } from '../auth/check-password';
import { normalizeUsername } from '../auth/credentials';
import { sha256Hex } from '../auth/secrets';
import type { AppEnv, Deps } from '../context';
import { HttpProblem } from '../errors';
import { readJson } from '../middleware/body';
import { clientAddress } from '../middleware/client-address';
import type { Account } from '../store/types';
import { forgetThrottle, throttle } from '../throttle';

const SignIn = v.union([
  v.strictObject({
    username: v.pipe(v.string(), v.maxLength(200)),
    password: v.pipe(v.string(), v.maxLength(1024)),
  }),
  v.strictObject({ link: v.pipe(v.string(), v.maxLength(200)) }),
]);

const REFUSED = 'Wrong username, password or sign-in link, or not the owner of this server.';

export function registerAdminSession(
  admin: Hono<AppEnv>,
  deps: Deps,
  guard: MiddlewareHandler<AppEnv>,
): void {
  const { store, config, clock } = deps;
  const audit = (actor: string, action: string, target: string | null = null) =>
    store.addAudit({ at: clock(), actor, action, target, detail: null });

  async function withPassword(username: string, password: string): Promise<Account | null> {
    const accountKey = `admin-sign-in:account:${username}`;
    await throttle(
      deps,
      accountKey,
      config.signInMaxPerAccount,
      'sign-in attempts for this account',
    );
    const account = await checkPassword(deps, username, password);
    if (account?.role !== 'owner') return null;
    await forgetThrottle(deps, accountKey);
    return account;
  }

  async function withLink(link: string): Promise<Account | null> {
    if (!(await store.spendAdminLink(sha256Hex(link), clock()))) return null;
    const owner = (await store.accountSummaries()).find((a) => a.role === 'owner');
    return owner ? store.findAccountById(owner.id) : null;
  }

  const answer = (c: Context<AppEnv>, account: Account, csrfToken: string) =>
    c.json({ username: account.username, csrfToken }, 200);

  admin.post('/session', async (c) => {
    checkAdminOrigin(c, deps);
    const body = await readJson(c, SignIn);
    await throttle(
      deps,
      `admin-sign-in:address:${clientAddress(c, deps)}`,
      config.signInMaxPerAddress,
      'sign-in attempts',
    );
    const username = 'username' in body ? normalizeUsername(body.username) : null;
    const account =
      'link' in body
        ? await withLink(body.link)
        : username
          ? await withPassword(username, body.password)
          : null;
    if (!account) {
      await audit('-', 'sign_in_failed', 'link' in body ? 'link' : (username ?? '-'));
      throw new HttpProblem('invalid_token', REFUSED);
    }
    const csrfToken = await startAdminSession(c, deps, account);
    await audit(account.username, 'sign_in', 'link' in body ? 'link' : 'password');
    return answer(c, account, csrfToken);
  });

  admin.get('/session', guard, (c) => {
    const session = c.get('admin');
    return answer(c, session.account, session.csrfToken);
  });

  admin.delete('/session', guard, async (c) => {
    const session = c.get('admin');
    await endAdminSession(c, deps, session);
    await audit(session.account.username, 'sign_out');
    return c.body(null, 204);
  });
}

/**
 * /activate: where a person signs in (or creates the first account, or registers with an invite)
 * and approves or denies a device. Every change is an explicit form POST carrying the session's
 * CSRF token; GET only ever shows.
 */
import { type Context, Hono } from 'hono';
import {
  type AccountFormOptions,
  confirmPage,
  enterCodePage,
  errorPage,
  firstAccountPage,
  inviteOnlyPage,
  invitePage,
  type Outcome,
  outcomePage,
  signInPage,
  type Viewer,
} from '../activate/pages';
import {
  checkCsrf,
  checkSameOrigin,
  endSession,
  type PageSession,
  readSession,
  startSession,
} from '../activate/session';
import { STYLE_HASH } from '../activate/style';
import { checkPassword } from '../auth/check-password';
import { newPasswordProblem, normalizeUsername, USERNAME_RULE } from '../auth/credentials';
import { formatUserCode, normalizeUserCode, sha256Hex } from '../auth/secrets';
import type { AppEnv, Deps } from '../context';
import { HttpProblem } from '../errors';
import { inviteLink, inviteRequired, isInviteToken, makeInvite } from '../invites';
import { describeError } from '../log';
import { readForm } from '../middleware/body';
import { limitBody } from '../middleware/body-limit';
import { clientAddress } from '../middleware/client-address';
import { pageSecurityHeaders } from '../middleware/security-headers';
import { publicBase } from '../public-url';
import type { Account, DeviceAuthorization } from '../store/types';
import { forgetThrottle, throttle } from '../throttle';

/** Forms here are a few short fields. */
const MAX_FORM_BYTES = 16 * 1024;

const OUTCOME_STATUS: Record<Outcome, 200 | 404 | 409 | 410> = {
  approved: 200,
  denied: 200,
  expired: 410,
  unknown: 404,
  already_approved: 409,
  already_denied: 409,
};

function viewerOf(session: PageSession): Viewer {
  return {
    username: session.account.username,
    csrfToken: session.csrfToken,
    isOwner: session.account.role === 'owner',
  };
}

function page(
  c: Context<AppEnv>,
  body: string,
  status: 200 | 400 | 401 | 403 | 404 | 409 | 410 = 200,
) {
  return c.html(body, status);
}

/** A user code in a query or form: kept only if it can be one. */
function userCodeParam(raw: string | undefined): string | undefined {
  return raw ? (normalizeUserCode(raw) ?? undefined) : undefined;
}

/** An invite in a query or form: the token when it can be one, else refused as unknown. */
function inviteParam(
  raw: string | undefined,
): Pick<AccountFormOptions, 'invite' | 'inviteRefusal'> {
  if (raw === undefined || raw === '') return {};
  return isInviteToken(raw) ? { invite: raw } : { inviteRefusal: 'unknown' };
}

function afterSignIn(userCode: string | undefined): string {
  return userCode ? `/activate?user_code=${formatUserCode(userCode)}` : '/activate';
}

export function registerActivate(app: Hono<AppEnv>, deps: Deps): void {
  const { store, config, clock, passwords } = deps;
  const pages = new Hono<AppEnv>();

  pages.use('*', pageSecurityHeaders(STYLE_HASH));
  pages.use('*', limitBody(MAX_FORM_BYTES));
  pages.onError((error, c) => {
    if (error instanceof HttpProblem) {
      c.set('problemCode', error.code);
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      if (error.extras.retry_after !== undefined) {
        c.header('Retry-After', String(error.extras.retry_after));
      }
      const body = errorPage(undefined, error.code, titleOf(error), error.detail);
      return c.html(body, error.status as 400);
    }
    deps.logger.error('unhandled error', {
      request_id: c.get('requestId'),
      ...describeError(error),
    });
    c.set('problemCode', 'internal_error');
    const body = errorPage(
      undefined,
      'internal_error',
      'Something went wrong',
      'Please try again.',
    );
    return c.html(body, 500);
  });

  async function throttleUserCode(c: Context<AppEnv>, session: PageSession): Promise<void> {
    const address = clientAddress(c, deps);
    await throttle(
      deps,
      `user-code:address:${address}`,
      config.userCodeMaxPerAddress,
      'code look-ups',
    );
    await throttle(
      deps,
      `user-code:account:${session.account.id}`,
      config.userCodeMaxPerAccount,
      'code look-ups',
    );
  }

  /** Why a code cannot be decided now: unknown, expired or already decided. */
  async function settledOutcome(userCode: string): Promise<Outcome> {
    const now = clock();
    const found = await store.findDeviceAuthorizationByUserCode(userCode, now);
    if (found) return stateOutcome(found) ?? 'unknown';
    // Asked as of the epoch, the store still finds a code that has expired since.
    const stale = await store.findDeviceAuthorizationByUserCode(userCode, 0);
    return stale && stale.expiresAt <= now ? 'expired' : 'unknown';
  }

  function stateOutcome(authorization: DeviceAuthorization): Outcome | null {
    switch (authorization.status) {
      case 'pending':
        return null;
      case 'denied':
        return 'already_denied';
      default:
        return 'already_approved';
    }
  }

  async function accountForms(
    c: Context<AppEnv>,
    options: AccountFormOptions,
    status: 200 | 400 | 401 | 403 | 409 = 200,
  ) {
    const needsInvite = await inviteRequired(config, store);
    let { inviteRefusal } = options;
    if (needsInvite && options.invite && !inviteRefusal) {
      const state = await store.inviteState(sha256Hex(options.invite), clock());
      if (state !== 'usable') inviteRefusal = state;
    }
    const shown = { ...options, inviteRefusal };
    // A link that no longer works is refused as the registration would be.
    const refused = inviteRefusal && status === 200 ? 403 : status;
    const canRegister = !needsInvite || (options.invite !== undefined && !inviteRefusal);
    if ((await store.countAccounts()) === 0) {
      return canRegister
        ? page(c, firstAccountPage(shown), refused)
        : page(c, inviteOnlyPage(shown), refused);
    }
    return page(c, signInPage({ ...shown, canRegister }), refused);
  }

  pages.get('/', async (c) => {
    const userCode = userCodeParam(c.req.query('user_code'));
    const session = await readSession(c, deps);
    if (!session) return accountForms(c, { userCode, ...inviteParam(c.req.query('invite')) });

    const viewer = viewerOf(session);
    const typed = c.req.query('user_code');
    if (typed === undefined || typed.trim() === '') return page(c, enterCodePage(viewer));
    if (!userCode) {
      const hint = 'That is not a code from a device: it has 8 letters, like BCDF-GHJK.';
      return page(c, enterCodePage(viewer, hint), 400);
    }
    await throttleUserCode(c, session);
    const authorization = await store.findDeviceAuthorizationByUserCode(userCode, clock());
    const settled = authorization ? stateOutcome(authorization) : await settledOutcome(userCode);
    if (!authorization || settled) {
      const outcome = settled ?? 'unknown';
      return page(c, outcomePage(viewer, outcome), OUTCOME_STATUS[outcome]);
    }
    return page(c, confirmPage(viewer, authorization, clock()));
  });

  pages.post('/sign-in', async (c) => {
    checkSameOrigin(c, deps);
    const form = await readForm(c);
    const userCode = userCodeParam(form.user_code);
    const invite = inviteParam(form.invite);
    const username = normalizeUsername(form.username ?? '');
    const password = form.password ?? '';
    const retry = (error: string, status: 400 | 401 | 403) =>
      accountForms(
        c,
        { userCode, ...invite, error, username: form.username?.slice(0, 64) },
        status,
      );
    if (!username || !password) return retry('Enter your username and password.', 400);

    await throttle(
      deps,
      `sign-in:address:${clientAddress(c, deps)}`,
      config.signInMaxPerAddress,
      'sign-in attempts',
    );
    const accountKey = `sign-in:account:${username}`;
    await throttle(
      deps,
      accountKey,
      config.signInMaxPerAccount,
      'sign-in attempts for this account',
    );

    const account = await checkPassword(deps, username, password);
    if (!account) return retry('Wrong username or password.', 401);
    if (account.disabledAt !== null) {
      return retry("The server's owner disabled this account. Ask them to enable it again.", 403);
    }

    await forgetThrottle(deps, accountKey);
    await startSession(c, deps, account);
    return c.redirect(afterSignIn(userCode), 303);
  });

  pages.post('/register', async (c) => {
    checkSameOrigin(c, deps);
    const form = await readForm(c);
    const userCode = userCodeParam(form.user_code);
    const { invite, inviteRefusal } = inviteParam(form.invite);
    const username = normalizeUsername(form.username ?? '');
    const password = form.password ?? '';
    const retry = (error: string | undefined, status: 400 | 403 | 409, refusal = inviteRefusal) =>
      accountForms(
        c,
        { userCode, invite, inviteRefusal: refusal, error, username: form.username?.slice(0, 64) },
        status,
      );

    await throttle(
      deps,
      `sign-in:address:${clientAddress(c, deps)}`,
      config.signInMaxPerAddress,
      'sign-in attempts',
    );
    if (!username) return retry(`Choose a username: ${USERNAME_RULE}.`, 400);
    const passwordProblem = newPasswordProblem(password, form.password_confirm);
    if (passwordProblem) return retry(passwordProblem, 400);

    const now = clock();
    if (await store.findAccountByUsername(username)) return retry('That username is taken.', 409);
    const needsInvite = await inviteRequired(config, store);
    if (needsInvite && !invite) {
      const error = 'This server takes new accounts by invite only. Ask its owner for a link.';
      return retry(inviteRefusal ? undefined : error, 403);
    }
    const passwordHash = await passwords.hash(password);
    let account: Account | null;
    if (needsInvite && invite) {
      const result = await store.registerWithInvite({
        tokenHash: sha256Hex(invite),
        username,
        passwordHash,
        now,
      });
      if ('refused' in result) {
        if (result.refused === 'taken') return retry('That username is taken.', 409);
        return retry(undefined, 403, result.refused);
      }
      account = result.account;
    } else {
      account = await store.createAccount({ username, passwordHash, now });
    }
    if (!account) return retry('That username is taken.', 409);
    deps.logger.info('account created', {
      account_id: account.id,
      role: account.role,
      by_invite: needsInvite,
    });
    await startSession(c, deps, account);
    return c.redirect(afterSignIn(userCode), 303);
  });

  pages.post('/decision', async (c) => {
    checkSameOrigin(c, deps);
    const form = await readForm(c);
    const session = await readSession(c, deps);
    const userCode = userCodeParam(form.user_code);
    if (!session) {
      return accountForms(c, { userCode, error: 'Your sign-in has expired. Sign in again.' }, 401);
    }
    checkCsrf(session, form.csrf_token);
    // A session begun before the owner disabled the account approves no more devices.
    if (session.account.disabledAt !== null) {
      throw new HttpProblem('account_disabled', "The server's owner disabled this account.");
    }
    const viewer = viewerOf(session);
    if (!userCode) throw new HttpProblem('invalid_request', 'The form has no valid user code.');
    const decision = form.decision;
    if (decision !== 'approve' && decision !== 'deny') {
      throw new HttpProblem('invalid_request', 'Choose Approve or Deny.');
    }
    await throttleUserCode(c, session);
    const decided = await store.decideDeviceAuthorization({
      userCode,
      decision: decision === 'approve' ? 'approved' : 'denied',
      accountId: session.account.id,
      now: clock(),
    });
    const outcome: Outcome = decided
      ? decision === 'approve'
        ? 'approved'
        : 'denied'
      : await settledOutcome(userCode);
    if (decided) {
      deps.logger.info('device authorization decided', {
        request_id: c.get('requestId'),
        account_id: session.account.id,
        outcome,
      });
    }
    return page(c, outcomePage(viewer, outcome), OUTCOME_STATUS[outcome]);
  });

  pages.post('/invite', async (c) => {
    checkSameOrigin(c, deps);
    const form = await readForm(c);
    const session = await readSession(c, deps);
    if (!session)
      return accountForms(c, { error: 'Your sign-in has expired. Sign in again.' }, 401);
    checkCsrf(session, form.csrf_token);
    if (session.account.role !== 'owner') {
      throw new HttpProblem('forbidden', 'Only the owner of this server can invite people.');
    }
    const now = clock();
    const { invite, token } = await makeInvite(store, {
      createdBy: session.account.id,
      maxUses: 1,
      ttlS: config.inviteTtlS,
      now,
    });
    const { expiresAt } = invite;
    const link = inviteLink(publicBase(c, config), token);
    return page(c, invitePage(viewerOf(session), link, expiresAt, now));
  });

  pages.post('/sign-out', async (c) => {
    checkSameOrigin(c, deps);
    const form = await readForm(c);
    const session = await readSession(c, deps);
    if (session) {
      checkCsrf(session, form.csrf_token);
      await endSession(c, deps, session);
    }
    return c.redirect('/activate', 303);
  });

  app.route('/activate', pages);
}

function titleOf(problem: HttpProblem): string {
  switch (problem.code) {
    case 'rate_limited':
      return 'Too many attempts';
    case 'forbidden':
      return 'Not allowed';
    case 'body_too_large':
      return 'Too much data';
    default:
      return 'Something is wrong with this request';
  }
}

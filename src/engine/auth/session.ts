/**
 * The signed-in session: access token use and transparent refresh (single flight, rotated
 * refresh token persisted before it is used). A refresh the server refuses means the device was
 * revoked, or its session lapsed when the server says the token expired: the session is dropped,
 * local data stays. A refresh answered for another account or
 * device is refused: the session is pinned to the identity it signed in with.
 */
import type { OAuthDetailCode, TokenResponse } from '../../protocol';
import { deleteMeta, readMeta, writeMeta } from '../db/meta';
import type { EngineDatabase } from '../db/open';
import type { SessionMeta } from '../db/schema';
import type { Clock } from '../deps';
import { AuthError, NetworkError, StateError } from '../errors';
import type { ServerApi } from '../transport/api';
import { OAuthProblem } from '../transport/http';

/** Refresh this long before the access token expires, so a request never races its expiry. */
const REFRESH_MARGIN_MS = 60_000;

export function sessionFromTokens(
  serverUrl: string,
  tokens: TokenResponse,
  now: number,
  deviceName?: string,
): SessionMeta {
  return {
    ...(deviceName === undefined ? {} : { deviceName }),
    serverUrl,
    accountId: tokens.account_id,
    deviceId: tokens.device_id,
    accessToken: tokens.access_token,
    accessExpiresAt: now + tokens.expires_in * 1000,
    refreshToken: tokens.refresh_token,
  };
}

export function lapsedError(): AuthError {
  return new AuthError(
    'session_lapsed',
    'The server ended this session: its refresh token went unused too long or reached its maximum age',
  );
}

export function deletedError(): AuthError {
  return new AuthError(
    'account_deleted',
    'The server says its owner deleted this account; everything on this device is kept',
  );
}

export function disabledError(): AuthError {
  return new AuthError(
    'account_disabled',
    'The server says its owner disabled this account; syncing waits until it is enabled again',
  );
}

export function revokedError(): AuthError {
  return new AuthError(
    'device_revoked',
    'This device was signed out by the server (revoked or replaced)',
  );
}

export class Session {
  private meta: SessionMeta | null = null;
  private refreshing: Promise<SessionMeta> | null = null;
  /** Why the server ended the session, until the next sign-in: every later call reports it. */
  endedBy: AuthError | null = null;

  constructor(
    private readonly db: EngineDatabase,
    private readonly api: ServerApi,
    private readonly clock: Clock,
    /**
     * Called once the server has refused our refresh token: `revoked` (removed, replaced, or a
     * token reused), `lapsed` (past its idle or absolute lifetime) or `deleted` (the server's
     * owner deleted the account).
     */
    private readonly onSignedOut: (why: 'revoked' | 'lapsed' | 'deleted') => Promise<void>,
  ) {}

  async load(): Promise<SessionMeta | null> {
    this.meta = (await readMeta(this.db, 'session')) ?? null;
    return this.meta;
  }

  get current(): SessionMeta | null {
    return this.meta;
  }

  async establish(meta: SessionMeta): Promise<void> {
    await writeMeta(this.db, 'session', meta);
    this.meta = meta;
    this.endedBy = null;
  }

  async clear(): Promise<void> {
    this.meta = null;
    this.refreshing = null;
    await deleteMeta(this.db, 'session');
  }

  /** Resolves once a token refresh under way has ended (its new tokens stored or refused). */
  settled(): Promise<void> {
    return (this.refreshing ?? Promise.resolve()).then(
      () => undefined,
      () => undefined,
    );
  }

  /** Runs a request with a valid access token, refreshing first or once after a 401. */
  async withAccess<T>(call: (server: string, accessToken: string) => Promise<T>): Promise<T> {
    let meta = this.meta;
    if (!meta)
      throw this.endedBy ?? new StateError('not_signed_in', 'This device is not signed in');
    if (meta.accessExpiresAt - this.clock.now() < REFRESH_MARGIN_MS)
      meta = await this.refresh(meta);
    try {
      return await call(meta.serverUrl, meta.accessToken);
    } catch (error) {
      if (error instanceof AuthError && error.code === 'account_deleted') await this.end(error);
      if (!(error instanceof AuthError && error.code === 'session_expired')) throw error;
    }
    meta = await this.refresh(meta);
    return call(meta.serverUrl, meta.accessToken);
  }

  /**
   * The server ended the session. `account_deleted` is a claim nobody signed, so it costs what
   * a lapse does: the session goes, the key, data and pending edits stay.
   */
  private async end(ended: AuthError): Promise<never> {
    // Set before anything awaits, so a call racing this one reports the same reason.
    this.endedBy = ended;
    await this.clear();
    const why =
      ended.code === 'session_lapsed'
        ? 'lapsed'
        : ended.code === 'account_deleted'
          ? 'deleted'
          : 'revoked';
    await this.onSignedOut(why);
    throw ended;
  }

  private refresh(stale: SessionMeta): Promise<SessionMeta> {
    if (this.meta && this.meta.accessToken !== stale.accessToken) return Promise.resolve(this.meta);
    this.refreshing ??= this.rotate(stale).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async rotate(stale: SessionMeta): Promise<SessionMeta> {
    let tokens: TokenResponse;
    try {
      tokens = await this.api.refresh(stale.serverUrl, stale.refreshToken);
    } catch (error) {
      if (error instanceof OAuthProblem && error.oauthCode === 'invalid_grant') {
        // Disabled is not an ending: the tokens stay for when the owner enables it again.
        if (error.detailCode === 'account_disabled') throw disabledError();
        await this.end(endingFor(error.detailCode));
      }
      throw error;
    }
    if (tokens.account_id !== stale.accountId || tokens.device_id !== stale.deviceId) {
      // Whatever the server means by it, this device's data and key belong to the account it
      // signed in to: nothing is stored, and the refresh token held stays the one to present
      // again (the server re-issues for it once, for a few minutes, as for a lost answer).
      throw new NetworkError(
        'identity_changed',
        'The server answered a token refresh for another account or device; the answer was refused',
      );
    }
    const next = sessionFromTokens(stale.serverUrl, tokens, this.clock.now(), stale.deviceName);
    await this.establish(next);
    return next;
  }
}

function endingFor(detail: OAuthDetailCode | null): AuthError {
  if (detail === 'refresh_token_expired') return lapsedError();
  if (detail === 'account_deleted') return deletedError();
  return revokedError();
}

/**
 * POST /v1/auth/token: the device-code grant (RFC 8628 §3.4) and refresh-token rotation
 * (RFC 6749 §6). Every refresh hands out a new refresh token; presenting a rotated or withdrawn
 * one again revokes the device's whole token family and flags the device compromised.
 */
import type { Context, Hono } from 'hono';
import {
  CLIENT_IDS,
  DEVICE_CODE_GRANT,
  DeviceCodeTokenRequest,
  RefreshTokenRequest,
  type TokenResponse,
} from '../../protocol';
import { randomToken, sha256Hex } from '../auth/secrets';
import type { AppEnv, Deps } from '../context';
import { OAuthFailure } from '../errors';
import { readOAuthParams, validateOAuth } from '../middleware/body';
import type { TokenPair } from '../store/types';

const FIELDS = ['grant_type', 'device_code', 'refresh_token', 'client_id', 'scope'] as const;

function newTokens(deps: Pick<Deps, 'config'>, now: number) {
  const access = randomToken();
  const refresh = randomToken();
  const pair: TokenPair = {
    accessHash: sha256Hex(access),
    accessExpiresAt: now + deps.config.accessTokenTtlS * 1000,
    refreshHash: sha256Hex(refresh),
  };
  return { access, refresh, pair };
}

function tokenResponse(
  c: Context<AppEnv>,
  deps: Pick<Deps, 'config'>,
  tokens: { access: string; refresh: string },
  ids: { accountId: string; deviceId: string },
) {
  const body: TokenResponse = {
    access_token: tokens.access,
    token_type: 'Bearer',
    expires_in: deps.config.accessTokenTtlS,
    refresh_token: tokens.refresh,
    account_id: ids.accountId,
    device_id: ids.deviceId,
  };
  c.header('Cache-Control', 'no-store');
  c.header('Pragma', 'no-cache');
  return c.json(body, 200);
}

export function registerAuthToken(app: Hono<AppEnv>, deps: Deps): void {
  const { store, clock } = deps;

  async function deviceCodeGrant(c: Context<AppEnv>, params: unknown) {
    const clientId = (params as { client_id?: unknown }).client_id;
    if (typeof clientId === 'string' && !(CLIENT_IDS as readonly string[]).includes(clientId)) {
      throw new OAuthFailure('invalid_client', 'Unknown client_id.');
    }
    const request = validateOAuth(DeviceCodeTokenRequest, params);
    const now = clock();
    const outcome = await store.pollDeviceAuthorization(sha256Hex(request.device_code), now);
    switch (outcome.kind) {
      case 'unknown':
        throw new OAuthFailure('invalid_grant', 'Unknown device code.');
      case 'consumed':
        throw new OAuthFailure('invalid_grant', 'This device code was already used.');
      case 'expired':
        throw new OAuthFailure('expired_token', 'The device code has expired; start again.');
      case 'slow_down':
        throw new OAuthFailure(
          'slow_down',
          `Polling too fast; wait ${outcome.intervalS} seconds between requests.`,
        );
      case 'pending':
        throw new OAuthFailure('authorization_pending', 'The person has not approved yet.');
      case 'denied':
        throw new OAuthFailure('access_denied', 'The person denied this device.');
      case 'approved': {
        const { authorization } = outcome;
        if (authorization.clientId !== request.client_id || !authorization.accountId) {
          throw new OAuthFailure('invalid_grant', 'This device code was issued to another client.');
        }
        const device = await store.createDevice({
          accountId: authorization.accountId,
          name: authorization.deviceName,
          platform: authorization.devicePlatform,
          clientId: authorization.clientId,
          now,
        });
        const tokens = newTokens(deps, now);
        await store.issueTokens(device.id, tokens.pair, now);
        deps.logger.info('device signed in', {
          request_id: c.get('requestId'),
          account_id: device.accountId,
          device_id: device.id,
        });
        return tokenResponse(c, deps, tokens, { accountId: device.accountId, deviceId: device.id });
      }
    }
  }

  /** Checked before rotating, so a refused refresh token is not spent (enable lets it work again). */
  async function refuseClosedAccount(refreshHash: string, now: number): Promise<void> {
    if ((await store.closedTokenReason(refreshHash, now)) === 'account_deleted') {
      throw new OAuthFailure(
        'invalid_grant',
        "The server's owner deleted this account and all of its data.",
        'account_deleted',
      );
    }
    const owner = await store.refreshTokenOwner(refreshHash);
    if (owner && (await store.accountDisabledAt(owner.accountId)) != null) {
      throw new OAuthFailure(
        'invalid_grant',
        "The server's owner disabled this account; ask them to enable it again.",
        'account_disabled',
      );
    }
  }

  async function refreshGrant(c: Context<AppEnv>, params: unknown) {
    const request = validateOAuth(RefreshTokenRequest, params);
    const now = clock();
    const tokens = newTokens(deps, now);
    const refreshHash = sha256Hex(request.refresh_token);
    await refuseClosedAccount(refreshHash, now);
    const outcome = await store.rotateRefreshToken(refreshHash, tokens.pair, now, {
      idleMs: deps.config.refreshTokenIdleMs,
      absoluteMs: deps.config.refreshTokenLifetimeMs,
    });
    switch (outcome.kind) {
      case 'invalid':
        throw new OAuthFailure('invalid_grant', 'Unknown or revoked refresh token; sign in again.');
      case 'expired':
        throw new OAuthFailure(
          'invalid_grant',
          'This refresh token has expired (unused too long, or the sign-in is too old); sign in again.',
          'refresh_token_expired',
        );
      case 'reused': {
        // The one trace of a stolen token: who it was, so the admin can see which device.
        const owner = await store.refreshTokenOwner(refreshHash);
        deps.logger.warn('refresh token reuse; token family revoked, device flagged compromised', {
          request_id: c.get('requestId'),
          account_id: owner?.accountId,
          device_id: owner?.deviceId,
          family_id: owner?.familyId,
        });
        throw new OAuthFailure(
          'invalid_grant',
          'This refresh token was already used; the device was signed out for safety.',
        );
      }
      case 'rotated':
        return tokenResponse(c, deps, tokens, outcome);
    }
  }

  app.post('/v1/auth/token', async (c) => {
    const params = await readOAuthParams(c, FIELDS);
    if (params === null || typeof params !== 'object' || Array.isArray(params)) {
      throw new OAuthFailure('invalid_request', 'The body must be an object of parameters.');
    }
    const grantType = (params as { grant_type?: unknown }).grant_type;
    if (grantType === DEVICE_CODE_GRANT) return deviceCodeGrant(c, params);
    if (grantType === 'refresh_token') return refreshGrant(c, params);
    if (grantType === undefined)
      throw new OAuthFailure('invalid_request', 'grant_type is missing.');
    throw new OAuthFailure(
      'unsupported_grant_type',
      `Supported grant types: ${DEVICE_CODE_GRANT}, refresh_token.`,
    );
  });
}

/**
 * Sign-in through the OAuth device-authorization grant (RFC 8628). The pending sign-in is
 * persisted, so a service worker stopped mid-flow resumes polling from IndexedDB.
 */
import type { ClientId, TokenResponse } from '../../protocol';
import { checkServerUrl } from '../../protocol/server-url';
import { isDeviceName } from '../crypto';
import type { PendingSignInMeta } from '../db/schema';
import { AuthError, InputError, ValidationError } from '../errors';
import type { ServerApi } from '../transport/api';
import { OAuthProblem } from '../transport/http';

/** RFC 8628 §3.5: on slow_down the interval grows by 5 seconds for the rest of the flow. */
const SLOW_DOWN_STEP_MS = 5000;

export interface SignInInput {
  serverUrl: string;
  deviceName: string;
  /** Shown on the server's approval page, e.g. "Chrome on Linux". */
  platform: string;
  clientId: ClientId;
}

/**
 * The engine sends the tokens, so it enforces the server-address rule itself (https unless
 * local), whatever page or host called it.
 */
function normaliseServerUrl(input: string): string {
  const checked = checkServerUrl(input);
  if (!checked.ok) throw new InputError(checked.code, checked.message);
  return checked.url;
}

export async function startDeviceGrant(
  api: ServerApi,
  input: SignInInput,
  now: number,
): Promise<PendingSignInMeta> {
  const serverUrl = normaliseServerUrl(input.serverUrl);
  // The person may have typed it (the first-run guide): the key document will carry it too.
  const deviceName = typeof input.deviceName === 'string' ? input.deviceName.trim() : '';
  if (!isDeviceName(deviceName)) {
    throw new ValidationError('A device name is 1 to 64 characters, without control characters', [
      { path: 'deviceName', message: 'must be 1 to 64 characters, without control characters' },
    ]);
  }
  const reply = await api.startDeviceAuthorization(serverUrl, {
    clientId: input.clientId,
    deviceName,
    platform: input.platform,
  });
  return {
    serverUrl,
    clientId: input.clientId,
    deviceName,
    deviceCode: reply.device_code,
    userCode: reply.user_code,
    verificationUri: reply.verification_uri,
    verificationUriComplete: reply.verification_uri_complete,
    expiresAt: now + reply.expires_in * 1000,
    intervalMs: Math.max(1, reply.interval) * 1000,
  };
}

export type PollOutcome =
  | { kind: 'approved'; tokens: TokenResponse }
  | { kind: 'pending' }
  | { kind: 'slow_down'; intervalMs: number };

/** One poll of the token endpoint. Denial and expiry throw AuthError. */
export async function pollDeviceGrant(
  api: ServerApi,
  pending: PendingSignInMeta,
  now: number,
): Promise<PollOutcome> {
  if (now >= pending.expiresAt) {
    throw new AuthError(
      'sign_in_expired',
      'The sign-in code expired before it was approved; start again',
    );
  }
  try {
    const tokens = await api.pollDeviceToken(
      pending.serverUrl,
      pending.deviceCode,
      pending.clientId as ClientId,
    );
    return { kind: 'approved', tokens };
  } catch (error) {
    if (!(error instanceof OAuthProblem)) throw error;
    switch (error.oauthCode) {
      case 'authorization_pending':
        return { kind: 'pending' };
      case 'slow_down':
        return { kind: 'slow_down', intervalMs: pending.intervalMs + SLOW_DOWN_STEP_MS };
      case 'access_denied':
        throw new AuthError('sign_in_denied', 'The sign-in was denied on the approval page');
      case 'expired_token':
      case 'invalid_grant':
        throw new AuthError(
          'sign_in_expired',
          'The sign-in code expired or was already used; start again',
        );
      default:
        throw error;
    }
  }
}

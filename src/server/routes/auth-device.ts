/** POST /v1/auth/device: starts the device-authorization grant (RFC 8628 §3.1). */
import type { Hono } from 'hono';
import {
  CLIENT_IDS,
  DeviceAuthorizationRequest,
  type DeviceAuthorizationResponse,
} from '../../protocol';
import { formatUserCode, newUserCode, randomToken, sha256Hex } from '../auth/secrets';
import type { AppEnv, Deps } from '../context';
import { OAuthFailure } from '../errors';
import { readOAuthParams, validateOAuth } from '../middleware/body';
import { clientAddress } from '../middleware/client-address';
import { publicBase } from '../public-url';
import { UserCodeInUseError } from '../store/errors';
import { throttle } from '../throttle';

const FIELDS = ['client_id', 'device_name', 'device_platform', 'scope'] as const;

export function registerAuthDevice(app: Hono<AppEnv>, deps: Deps): void {
  const { store, config, clock } = deps;

  app.post('/v1/auth/device', async (c) => {
    const params = await readOAuthParams(c, FIELDS);
    const clientId = (params as { client_id?: unknown } | null)?.client_id;
    if (typeof clientId === 'string' && !(CLIENT_IDS as readonly string[]).includes(clientId)) {
      throw new OAuthFailure(
        'invalid_client',
        `Unknown client_id; expected one of ${CLIENT_IDS.join(', ')}.`,
      );
    }
    const request = validateOAuth(DeviceAuthorizationRequest, params);
    // Unauthenticated and one stored row per call: without a cap, anyone could fill the table.
    const address = clientAddress(c, deps);
    await throttle(
      deps,
      `device-code:address:${address}`,
      config.deviceCodeMaxPerAddress,
      'device sign-ins started from this address',
    );

    const deviceCode = randomToken(32);
    const now = clock();
    let userCode = '';
    // 20^8 codes make a clash with a live one rare; a few fresh draws make it vanishingly so.
    for (let attempt = 1; ; attempt++) {
      userCode = newUserCode();
      try {
        await store.createDeviceAuthorization({
          deviceCodeHash: sha256Hex(deviceCode),
          userCode,
          clientId: request.client_id,
          deviceName: request.device_name,
          devicePlatform: request.device_platform,
          requesterIp: address,
          intervalS: config.pollIntervalS,
          createdAt: now,
          expiresAt: now + config.deviceCodeTtlS * 1000,
        });
        break;
      } catch (error) {
        if (!(error instanceof UserCodeInUseError) || attempt >= 5) throw error;
      }
    }

    const verificationUri = `${publicBase(c, config)}/activate`;
    const body: DeviceAuthorizationResponse = {
      device_code: deviceCode,
      user_code: formatUserCode(userCode),
      verification_uri: verificationUri,
      verification_uri_complete: `${verificationUri}?user_code=${formatUserCode(userCode)}`,
      expires_in: config.deviceCodeTtlS,
      interval: config.pollIntervalS,
    };
    c.header('Cache-Control', 'no-store');
    return c.json(body, 200);
  });
}

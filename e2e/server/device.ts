/**
 * A device as a standard OAuth device-flow client sees the server: it starts the grant with a
 * form POST (RFC 8628 §3.1) and polls the token endpoint (§3.4), nothing else.
 */
import {
  DEVICE_CODE_GRANT,
  type DeviceAuthorizationResponse,
  type TokenResponse,
} from '../../src/protocol';

export interface DevicePoll {
  status: number;
  /** The tokens on 200, otherwise the OAuth error body (`error`, `error_description`, ...). */
  body: Partial<TokenResponse> & { error?: string; error_description?: string };
}

export class Device {
  private constructor(
    readonly serverUrl: string,
    readonly grant: DeviceAuthorizationResponse,
  ) {}

  static async start(
    serverUrl: string,
    device: { name: string; platform: string },
  ): Promise<Device> {
    const response = await fetch(`${serverUrl}/v1/auth/device`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: 'satchel-cli',
        device_name: device.name,
        device_platform: device.platform,
      }),
    });
    if (response.status !== 200) {
      throw new Error(`POST /v1/auth/device answered ${response.status}: ${await response.text()}`);
    }
    return new Device(serverUrl, (await response.json()) as DeviceAuthorizationResponse);
  }

  /** One poll of the token endpoint with this device's code. */
  async poll(): Promise<DevicePoll> {
    const response = await fetch(`${this.serverUrl}/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: DEVICE_CODE_GRANT,
        device_code: this.grant.device_code,
        client_id: 'satchel-cli',
      }),
    });
    return { status: response.status, body: (await response.json()) as DevicePoll['body'] };
  }
}

/** The names of the devices an access token's account has, as GET /v1/devices lists them. */
export async function deviceNames(serverUrl: string, accessToken: string): Promise<string[]> {
  const response = await fetch(`${serverUrl}/v1/devices`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  if (response.status !== 200) throw new Error(`GET /v1/devices answered ${response.status}`);
  const { devices } = (await response.json()) as { devices: { name: string }[] };
  return devices.map((device) => device.name);
}

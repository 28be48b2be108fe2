/** The protocol v1 endpoints the engine calls, typed by the shared protocol schemas. */
import {
  type BatchRequest,
  BatchResponse,
  ChangesResponse,
  type ClientId,
  DEVICE_CODE_GRANT,
  Device,
  DeviceAuthorizationResponse,
  DeviceList,
  Info,
  KeyDocument,
  type KeyDocumentWrite,
  type Limits,
  Pairing,
  type PairingCreate,
  PairingList,
  type PairingOffer,
  type PairingReveal,
  TokenResponse,
} from '../../protocol';
import { ServerError } from '../errors';
import type { HttpTransport } from './http';
import { batchCap, pageCap } from './response-caps';

export class ServerApi {
  constructor(private readonly http: HttpTransport) {}

  get requests(): number {
    return this.http.requests;
  }

  async info(server: string) {
    return (await this.http.send(server, { method: 'GET', path: '/v1/info', schema: Info })).value;
  }

  async startDeviceAuthorization(
    server: string,
    input: { clientId: ClientId; deviceName: string; platform: string },
  ) {
    const reply = await this.http.send(server, {
      method: 'POST',
      path: '/v1/auth/device',
      json: {
        client_id: input.clientId,
        device_name: input.deviceName,
        device_platform: input.platform,
      },
      schema: DeviceAuthorizationResponse,
    });
    return reply.value;
  }

  async pollDeviceToken(server: string, deviceCode: string, clientId: ClientId) {
    const reply = await this.http.send(server, {
      method: 'POST',
      path: '/v1/auth/token',
      json: { grant_type: DEVICE_CODE_GRANT, device_code: deviceCode, client_id: clientId },
      schema: TokenResponse,
    });
    return reply.value;
  }

  async refresh(server: string, refreshToken: string) {
    const reply = await this.http.send(server, {
      method: 'POST',
      path: '/v1/auth/token',
      json: { grant_type: 'refresh_token', refresh_token: refreshToken },
      schema: TokenResponse,
    });
    return reply.value;
  }

  async revoke(server: string, accessToken: string): Promise<void> {
    await this.http.send(server, {
      method: 'POST',
      path: '/v1/auth/revoke',
      accessToken,
      schema: null,
    });
  }

  /** The account's key document, or null when the account has none yet (its first device). */
  async getKeys(server: string, accessToken: string) {
    try {
      return (
        await this.http.send(server, {
          method: 'GET',
          path: '/v1/keys',
          accessToken,
          schema: KeyDocument,
        })
      ).value;
    } catch (error) {
      if (error instanceof ServerError && error.serverCode === 'not_found') return null;
      throw error;
    }
  }

  /** Creates the key document; `key_document_conflict` when another device created one first. */
  async createKeys(server: string, accessToken: string, write: KeyDocumentWrite) {
    const reply = await this.http.send(server, {
      method: 'PUT',
      path: '/v1/keys',
      accessToken,
      json: write,
      headers: { 'if-none-match': '*' },
      schema: KeyDocument,
    });
    return reply.value;
  }

  async replaceKeys(server: string, accessToken: string, write: KeyDocumentWrite, rev: number) {
    const reply = await this.http.send(server, {
      method: 'PUT',
      path: '/v1/keys',
      accessToken,
      json: write,
      headers: { 'if-match': `"${rev}"` },
      schema: KeyDocument,
    });
    return reply.value;
  }

  async devices(server: string, accessToken: string) {
    return (
      await this.http.send(server, {
        method: 'GET',
        path: '/v1/devices',
        accessToken,
        schema: DeviceList,
      })
    ).value.devices;
  }

  async renameDevice(server: string, accessToken: string, id: string, name: string) {
    const path = `/v1/devices/${encodeURIComponent(id)}`;
    return (
      await this.http.send(server, {
        method: 'PATCH',
        path,
        accessToken,
        json: { name },
        schema: Device,
      })
    ).value;
  }

  async revokeDevice(server: string, accessToken: string, id: string): Promise<void> {
    await this.http.send(server, {
      method: 'DELETE',
      path: `/v1/devices/${encodeURIComponent(id)}`,
      accessToken,
      schema: null,
    });
  }

  async changes(server: string, accessToken: string, since: string, limit: number, limits: Limits) {
    const path = `/v1/changes?since=${encodeURIComponent(since)}&limit=${limit}`;
    return (
      await this.http.send(server, {
        method: 'GET',
        path,
        accessToken,
        schema: ChangesResponse,
        maxBytes: pageCap(limits, limit),
      })
    ).value;
  }

  async batch(server: string, accessToken: string, request: BatchRequest, limits: Limits) {
    const reply = await this.http.send(server, {
      method: 'POST',
      path: '/v1/batch',
      accessToken,
      json: request,
      schema: BatchResponse,
      maxBytes: batchCap(limits, request.ops.length),
    });
    return reply.value;
  }

  // Pairing: the server only relays what the two devices computed.

  async createPairing(server: string, accessToken: string, body: PairingCreate) {
    return (
      await this.http.send(server, {
        method: 'POST',
        path: '/v1/pairings',
        accessToken,
        json: body,
        schema: Pairing,
      })
    ).value;
  }

  async pairings(server: string, accessToken: string) {
    return (
      await this.http.send(server, {
        method: 'GET',
        path: '/v1/pairings',
        accessToken,
        schema: PairingList,
      })
    ).value.pairings;
  }

  async pairing(server: string, accessToken: string, id: string) {
    return (
      await this.http.send(server, {
        method: 'GET',
        path: `/v1/pairings/${encodeURIComponent(id)}`,
        accessToken,
        schema: Pairing,
      })
    ).value;
  }

  /** One step of a pairing: offer, reveal, confirm, approve, complete or deny. */
  async pairingStep(
    server: string,
    accessToken: string,
    id: string,
    step:
      | { kind: 'offer'; body: PairingOffer }
      | { kind: 'reveal'; body: PairingReveal }
      | { kind: 'confirm'; body: { confirmation: string } }
      | { kind: 'approve'; body: { bundle: string } }
      | { kind: 'complete' }
      | { kind: 'deny' },
  ) {
    return (
      await this.http.send(server, {
        method: 'POST',
        path: `/v1/pairings/${encodeURIComponent(id)}/${step.kind}`,
        accessToken,
        json: 'body' in step ? step.body : {},
        schema: Pairing,
      })
    ).value;
  }
}

/**
 * One live stream: authentication by first message (browsers cannot set headers on a WebSocket,
 * and a token in the URL would land in logs), then pokes from the hub, heartbeats, and closing at
 * token expiry. Incoming frames are bounded by the server's maxPayload; only auth and pong count.
 */
import type { WebSocket } from 'ws';
import { sha256Hex } from '../auth/secrets';
import type { Store } from '../store/types';
import type { LiveHub, LiveStream } from './hub';

export const LIVE_CLOSE = { unauthorized: 4401, revoked: 4403, tooMany: 4429 } as const;

export interface LiveTiming {
  authTimeoutMs: number;
  heartbeatMs: number;
}

const TOKEN = /^[A-Za-z0-9\-._~+/]{1,512}=*$/;

function parse(data: unknown): { type?: unknown; access_token?: unknown } | null {
  try {
    const value: unknown = JSON.parse(String(data));
    return typeof value === 'object' && value !== null ? value : null;
  } catch {
    return null;
  }
}

export function serveLiveSocket(
  ws: WebSocket,
  address: string,
  deps: { store: Store; clock: () => number; hub: LiveHub; timing: LiveTiming },
): void {
  const { store, clock, hub, timing } = deps;
  let stream: LiveStream | undefined;
  let expiryTimer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let missed = 0;
  let authing = false;

  const close = (code: number, reason: string) => {
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason);
  };
  const authTimer = setTimeout(
    () => close(LIVE_CLOSE.unauthorized, 'no auth'),
    timing.authTimeoutMs,
  );

  ws.on('close', () => {
    clearTimeout(authTimer);
    clearTimeout(expiryTimer);
    clearInterval(heartbeat);
    if (stream) hub.remove(stream);
  });
  ws.on('error', () => ws.terminate());

  ws.on('message', (data, isBinary) => {
    const message = isBinary ? null : parse(data);
    if (stream) {
      if (message?.type === 'pong') missed = 0;
      return;
    }
    if (authing) return;
    if (message?.type !== 'auth' || typeof message.access_token !== 'string') {
      close(LIVE_CLOSE.unauthorized, 'first message must be auth');
      return;
    }
    authing = true;
    clearTimeout(authTimer);
    authenticate(message.access_token).catch(() => close(1011, 'server error'));
  });

  async function authenticate(token: string): Promise<void> {
    if (!TOKEN.test(token)) return close(LIVE_CLOSE.unauthorized, 'invalid token');
    const now = clock();
    const grant = await store.findAccessToken(sha256Hex(token), now);
    if (!grant) return close(LIVE_CLOSE.unauthorized, 'invalid or expired token');
    const seq = await store.accountSeq(grant.accountId);
    if (ws.readyState !== ws.OPEN) return;
    const own: LiveStream = {
      accountId: grant.accountId,
      deviceId: grant.deviceId,
      address,
      send: (m) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
      },
      close,
    };
    if (!hub.add(own)) return close(LIVE_CLOSE.tooMany, 'too many streams');
    stream = own;
    own.send({ type: 'ready', seq, heartbeat_s: Math.round(timing.heartbeatMs / 1000) });
    // Node timers cap at ~24.8 days; access tokens live far shorter.
    expiryTimer = setTimeout(
      () => close(LIVE_CLOSE.unauthorized, 'token expired'),
      Math.max(0, Math.min(grant.expiresAt - now, 2 ** 31 - 1)),
    );
    heartbeat = setInterval(() => {
      if (missed >= 2) return close(1001, 'no pong');
      missed += 1;
      own.send({ type: 'ping' });
    }, timing.heartbeatMs);
  }
}

/**
 * One live stream: authentication by first message (browsers cannot set headers on a WebSocket,
 * and a token in the URL would land in logs), then pokes from the hub, heartbeats, and closing at
 * token expiry. Incoming frames are bounded by the server's maxPayload and read through the same
 * schemas the engine uses (src/protocol/live.ts); only auth and pong count.
 */
import type { WebSocket } from 'ws';
import { LIVE_CLOSE, LiveClientMessage, type LiveServerMessage, validate } from '../../protocol';
import { sha256Hex } from '../auth/secrets';
import type { Store } from '../store/types';
import type { LiveHub, LiveStream } from './hub';

export interface LiveTiming {
  authTimeoutMs: number;
  heartbeatMs: number;
}

/** The bearer token syntax of REST (middleware/bearer-auth.ts); the schema bounds its length. */
const TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** A client frame, or null when it is not one of ours (binary, not JSON, or off the schema). */
function parse(data: unknown, isBinary: boolean): LiveClientMessage | null {
  if (isBinary) return null;
  let value: unknown;
  try {
    value = JSON.parse(String(data));
  } catch {
    return null;
  }
  const message = validate(LiveClientMessage, value);
  return message.ok ? message.value : null;
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
    const message = parse(data, isBinary);
    if (stream) {
      if (message?.type === 'pong') missed = 0;
      return;
    }
    if (authing) return;
    if (message?.type !== 'auth') {
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
    // A disabled account's devices may not listen either (the admin page disabled it).
    if (grant.accountDisabledAt != null) return close(LIVE_CLOSE.revoked, 'account disabled');
    const seq = await store.accountSeq(grant.accountId);
    if (ws.readyState !== ws.OPEN) return;
    const own: LiveStream = {
      accountId: grant.accountId,
      deviceId: grant.deviceId,
      address,
      send: (m: LiveServerMessage) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
      },
      close,
    };
    if (!hub.add(own)) return close(LIVE_CLOSE.tooMany, 'too many streams');
    stream = own;
    // The schema's floor is 1 s; only tests beat faster.
    const heartbeatS = Math.max(1, Math.round(timing.heartbeatMs / 1000));
    own.send({ type: 'ready', seq, heartbeat_s: heartbeatS });
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

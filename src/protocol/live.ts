/**
 * The live-sync stream (`GET /v1/live`, a WebSocket): the messages both ends exchange, as agreed
 * in docs/PROTOCOL.md, "Live sync". Pokes only, never record data: a `seq` is the server's word
 * and a hint to pull, never a reason to skip the timed sync.
 */
import * as v from 'valibot';
import { PROTOCOL_BOUNDS } from './schemas';

/** Every live message is a few dozen characters; a frame longer than this is refused unparsed. */
export const LIVE_MESSAGE_MAX_CHARS = 2048;

/** Close codes of the stream (WebSocket application range). */
export const LIVE_CLOSE = {
  /** Token missing, invalid or expired: refresh it and reconnect. */
  unauthorized: 4401,
  /** The device is revoked: stop; the next REST call gets the usual revoked answer. */
  revoked: 4403,
  /** Too many streams for this account or address: poll, and retry later with backoff. */
  tooMany: 4429,
} as const;

const Seq = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));

export const LiveAuth = v.strictObject({
  type: v.literal('auth'),
  access_token: v.pipe(v.string(), v.minLength(1), v.maxLength(PROTOCOL_BOUNDS.tokenChars)),
});

export const LivePong = v.strictObject({ type: v.literal('pong') });

export const LiveReady = v.strictObject({
  type: v.literal('ready'),
  seq: Seq,
  heartbeat_s: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(300)),
});

export const LiveSeq = v.strictObject({ type: v.literal('seq'), seq: Seq });
export const LivePairing = v.strictObject({ type: v.literal('pairing') });
export const LiveKeys = v.strictObject({ type: v.literal('keys') });
export const LivePing = v.strictObject({ type: v.literal('ping') });

/** What a client sends. */
export const LiveClientMessage = v.variant('type', [LiveAuth, LivePong]);

/** What a server sends; a client ignores a `type` not listed here (a newer server's). */
export const LiveServerMessage = v.variant('type', [
  LiveReady,
  LiveSeq,
  LivePairing,
  LiveKeys,
  LivePing,
]);

export const LIVE_SERVER_TYPES = ['ready', 'seq', 'pairing', 'keys', 'ping'] as const;

export type LiveClientMessage = v.InferOutput<typeof LiveClientMessage>;
export type LiveServerMessage = v.InferOutput<typeof LiveServerMessage>;

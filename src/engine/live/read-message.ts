/**
 * One frame of the live stream, read as untrusted input: bounded before it is parsed, validated
 * against the protocol's schemas, unknown types told apart from malformed ones (a newer server
 * may send types this client does not know; those are ignored, not refused).
 */
import {
  LIVE_MESSAGE_MAX_CHARS,
  LIVE_SERVER_TYPES,
  LiveServerMessage,
  validate,
} from '../../protocol';

export type ReadLiveMessage =
  | { kind: 'message'; message: LiveServerMessage }
  | { kind: 'unknown'; type: string }
  | { kind: 'malformed'; reason: string };

const KNOWN: ReadonlySet<string> = new Set(LIVE_SERVER_TYPES);

export function readLiveMessage(data: unknown): ReadLiveMessage {
  if (typeof data !== 'string') return { kind: 'malformed', reason: 'not a text frame' };
  if (data.length > LIVE_MESSAGE_MAX_CHARS)
    return { kind: 'malformed', reason: `longer than ${LIVE_MESSAGE_MAX_CHARS} characters` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return { kind: 'malformed', reason: 'not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { kind: 'malformed', reason: 'not an object' };
  const type = (parsed as { type?: unknown }).type;
  if (typeof type !== 'string') return { kind: 'malformed', reason: 'no type' };
  if (!KNOWN.has(type)) return { kind: 'unknown', type: type.slice(0, 32) };
  const result = validate(LiveServerMessage, parsed);
  if (!result.ok) {
    const issue = result.issues[0];
    return {
      kind: 'malformed',
      reason: `${type}: ${issue?.path || '(message)'} ${issue?.message}`,
    };
  }
  return { kind: 'message', message: result.value };
}

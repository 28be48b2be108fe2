import { describe, expect, it } from 'vitest';
import { LiveClientMessage, LiveServerMessage, PROTOCOL_BOUNDS, validate } from '.';

describe('live stream messages', () => {
  it('accepts the contract messages', () => {
    for (const message of [
      { type: 'ready', seq: 0, heartbeat_s: 20 },
      { type: 'seq', seq: 12 },
      { type: 'pairing' },
      { type: 'keys' },
      { type: 'ping' },
    ])
      expect(validate(LiveServerMessage, message).ok).toBe(true);
    expect(validate(LiveClientMessage, { type: 'auth', access_token: 'a'.repeat(43) }).ok).toBe(
      true,
    );
    expect(validate(LiveClientMessage, { type: 'pong' }).ok).toBe(true);
  });

  it('refuses extra fields, negative or fractional sequences, and unbounded values', () => {
    for (const message of [
      { type: 'seq', seq: 1, payload: 'x' },
      { type: 'seq', seq: -1 },
      { type: 'seq', seq: 1.5 },
      { type: 'seq', seq: 2 ** 60 },
      { type: 'ready', seq: 1, heartbeat_s: 0 },
      { type: 'ready', seq: 1, heartbeat_s: 3600 },
    ])
      expect(validate(LiveServerMessage, message).ok, JSON.stringify(message)).toBe(false);
    const token = 'a'.repeat(PROTOCOL_BOUNDS.tokenChars + 1);
    expect(validate(LiveClientMessage, { type: 'auth', access_token: token }).ok).toBe(false);
    expect(validate(LiveClientMessage, { type: 'auth', access_token: '' }).ok).toBe(false);
  });
});

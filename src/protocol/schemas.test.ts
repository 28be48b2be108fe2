/** Runtime validation of what a client accepts from a server it may not trust. */
import { describe, expect, it } from 'vitest';
import {
  ChangesResponse,
  DeviceAuthorizationResponse,
  PAIRING_BUNDLE_MAX_CHARS,
  PairingApprove,
  PairingCreate,
} from './schemas';
import { validate } from './validate';

const reply = (uri: string, complete = `${uri}?user_code=BCDF-GHJK`) => ({
  device_code: 'x'.repeat(43),
  user_code: 'BCDF-GHJK',
  verification_uri: uri,
  verification_uri_complete: complete,
  expires_in: 600,
  interval: 5,
});

describe('DeviceAuthorizationResponse', () => {
  it('accepts http and https verification pages', () => {
    expect(validate(DeviceAuthorizationResponse, reply('https://sync.example/activate')).ok).toBe(
      true,
    );
    expect(validate(DeviceAuthorizationResponse, reply('http://127.0.0.1:8787/activate')).ok).toBe(
      true,
    );
  });

  it.each([
    ['javascript:', reply('https://sync.example/activate', 'javascript:alert(1)')],
    ['data:', reply('data:text/html,<h1>hi</h1>')],
    ['file:', reply('file:///etc/passwd')],
    ['chrome:', reply('https://sync.example/activate', 'chrome://settings')],
  ])('refuses a %s URL for a client to open, naming the field', (_scheme, body) => {
    const result = validate(DeviceAuthorizationResponse, body);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.some((i) => i.path.startsWith('verification_uri'))).toBe(true);
  });
});

describe('pairing schemas', () => {
  it('PairingCreate takes a 43-character base64url commitment and a known curve only', () => {
    const commitment = 'A'.repeat(43);
    expect(validate(PairingCreate, { commitment, curve: 'P-256' }).ok).toBe(true);
    expect(validate(PairingCreate, { commitment, curve: 'X25519' }).ok).toBe(true);
    expect(validate(PairingCreate, { commitment, curve: 'P-384' }).ok).toBe(false);
    expect(validate(PairingCreate, { commitment: 'A'.repeat(44), curve: 'P-256' }).ok).toBe(false);
    expect(validate(PairingCreate, { commitment: `${'A'.repeat(42)}=`, curve: 'P-256' }).ok).toBe(
      false,
    );
  });

  it('PairingApprove bounds the bundle at PAIRING_BUNDLE_MAX_CHARS', () => {
    expect(validate(PairingApprove, { bundle: 'b'.repeat(PAIRING_BUNDLE_MAX_CHARS) }).ok).toBe(
      true,
    );
    expect(validate(PairingApprove, { bundle: 'b'.repeat(PAIRING_BUNDLE_MAX_CHARS + 1) }).ok).toBe(
      false,
    );
  });

  it('ChangesResponse accepts pending_pairings as an optional whole number', () => {
    const base = { changes: [], cursor: '0', has_more: false };
    expect(validate(ChangesResponse, base).ok).toBe(true);
    expect(validate(ChangesResponse, { ...base, pending_pairings: 2 }).ok).toBe(true);
    expect(validate(ChangesResponse, { ...base, pending_pairings: -1 }).ok).toBe(false);
    expect(validate(ChangesResponse, { ...base, pending_pairings: 1.5 }).ok).toBe(false);
  });
});

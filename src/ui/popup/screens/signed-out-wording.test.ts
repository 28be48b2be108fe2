import { describe, expect, it } from 'vitest';
import { signedOutWording } from './signed-out-wording';

describe('signedOutWording', () => {
  it('offers "Sign in again" after a lapsed session, "Connect" otherwise (a revocation too)', () => {
    const error = (code: string) => ({ code, message: '', at: 0 });
    expect(signedOutWording(error('session_lapsed'))).toEqual({
      title: 'Session expired',
      action: 'Sign in again',
    });
    expect(signedOutWording(error('device_revoked')).action).toBe('Connect');
    expect(signedOutWording(null)).toEqual({ title: 'Not connected', action: 'Connect' });
  });
});

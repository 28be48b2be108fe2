import { describe, expect, it } from 'vitest';
import type { Status } from '../../ui/bridge';
import { badgeFor } from './badge-for';

const status = (over: Partial<Status>): Status =>
  ({ state: { kind: 'idle' }, conflicts: 0, ...over }) as Status;

describe('badgeFor', () => {
  it('shows the number of conflicts first', () => {
    const badge = badgeFor(
      status({ conflicts: 3, state: { kind: 'error', error: { code: 'x', message: '', at: 0 } } }),
    );
    expect(badge.text).toBe('3');
    expect(badge.title).toMatch(/3 conflicts/);
  });

  it('caps large counts', () => {
    expect(badgeFor(status({ conflicts: 250 })).text).toBe('99+');
  });

  it('shows an error mark when sync fails', () => {
    expect(
      badgeFor(status({ state: { kind: 'error', error: { code: 'x', message: '', at: 0 } } })).text,
    ).toBe('!');
  });

  it('shows an error mark when the server signed this device out, not when the person did', () => {
    const revoked = badgeFor(
      status({
        state: { kind: 'signedOut' },
        lastError: { code: 'device_revoked', message: '', at: 0 },
      }),
    );
    expect(revoked.text).toBe('!');
    expect(revoked.title).toMatch(/disconnected/);
    expect(badgeFor(status({ state: { kind: 'signedOut' }, lastError: null })).text).toBe('');
  });

  it('is empty when all is well', () => {
    expect(badgeFor(status({})).text).toBe('');
  });
});

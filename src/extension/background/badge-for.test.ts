import { describe, expect, it } from 'vitest';
import type { Status } from '../../host/contract';
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

  it('says in its title that the device is locked', () => {
    expect(badgeFor(status({ state: { kind: 'locked' } })).title).toMatch(/locked, open to unlock/);
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

  it('shows an error mark when the session lapsed on the server', () => {
    const lapsed = badgeFor(
      status({
        state: { kind: 'signedOut' },
        lastError: { code: 'session_lapsed', message: '', at: 0 },
      }),
    );
    expect(lapsed.text).toBe('!');
  });

  it('marks devices waiting to join before conflicts, distinct from a conflict count', () => {
    const badge = badgeFor(status({ pairingRequests: 1, conflicts: 3 }));
    expect(badge.text).toBe('+1');
    expect(badge.title).toMatch(/1 device wants to join/);
    expect(badge.color).not.toBe(badgeFor(status({ conflicts: 3 })).color);
    expect(badgeFor(status({ pairingRequests: 12 })).text).toBe('+9');
  });

  it('keeps the join mark while a request is being reviewed', () => {
    const pairing = {
      role: 'existing' as const,
      id: 'p1',
      stage: 'confirm' as const,
      code: '123 456',
      peer: { name: 'Phone', platform: 'android' },
      expiresAt: 0,
    };
    expect(badgeFor(status({ pairingRequests: 0, pairing })).text).toBe('+1');
    expect(badgeFor(status({ pairing: { ...pairing, role: 'new' } })).text).toBe('');
  });

  it('is empty when all is well', () => {
    expect(badgeFor(status({})).text).toBe('');
  });
});

import { describe, expect, it } from 'vitest';
import type { PairingInfo, Status } from '../../host/contract';
import type { Route } from './screen';
import { SCREENS } from './screens';

const home: Route = { name: 'home' };
const status = (over: Partial<Status>): Status =>
  ({
    state: { kind: 'idle' },
    decision: null,
    lastError: null,
    pairing: null,
    pairingRequests: 0,
    rotation: null,
    ...over,
  }) as Status;
const locked = { kind: 'needsKey', mode: 'unlock' } as Status['state'];
const pairing = (role: PairingInfo['role']): PairingInfo => ({
  role,
  id: 'p1',
  stage: 'waiting',
  code: null,
  peer: null,
  expiresAt: 0,
});

function shown(s: Status, route: Route = home): string | undefined {
  return SCREENS.find((screen) => screen.when(s, route))?.id;
}

describe('popup screens for pairing', () => {
  it('shows a new device its pairing, and a failed one with its reason, before the unlock form', () => {
    expect(shown(status({ state: locked }))).toBe('unlock');
    expect(shown(status({ state: locked, pairing: pairing('new') }))).toBe('pairing-new');
    const denied = { code: 'pairing_denied', message: '', at: 1 };
    expect(shown(status({ state: locked, lastError: denied }))).toBe('pairing-new');
    const wrong = { code: 'wrong_secret', message: '', at: 1 };
    expect(shown(status({ state: locked, lastError: wrong }))).toBe('unlock');
  });

  it('asks an existing device about joining devices until put off, but never mid-review', () => {
    expect(shown(status({ pairingRequests: 1 }))).toBe('pairing-requests');
    expect(shown(status({ pairingRequests: 1 }), { name: 'home', joinLater: true })).toBe(
      'overview',
    );
    expect(shown(status({ pairing: pairing('existing') }), { name: 'home', joinLater: true })).toBe(
      'pairing-requests',
    );
  });

  it('puts a first-join decision before a join request', () => {
    const decision = { kind: 'firstJoin' } as Status['decision'];
    expect(shown(status({ pairingRequests: 1, decision }))).toBe('first-join');
  });
});

import type { Status } from '../../host/contract';

const CONFLICT_COLOR = '#b45309';
const ERROR_COLOR = '#b91c1c';
const JOIN_COLOR = '#2563eb';

/** Signed out by the server rather than by the person: sync stopped, and they should know. */
const SIGNED_OUT_BY_SERVER = new Set([
  'device_revoked',
  'session_expired',
  'session_lapsed',
  'account_deleted',
]);

/** Devices waiting for this one's approval; one under review counts though the list moved on. */
function joining(status: Status): number {
  const reviewing = status.pairing?.role === 'existing' ? 1 : 0;
  return Math.max(status.pairingRequests ?? 0, reviewing);
}

/**
 * The toolbar badge: "+n" when new devices ask to join (first, since a request expires within
 * minutes), else the number of conflicts, else "!" when sync is failing, else nothing.
 */
export function badgeFor(status: Status): { text: string; color: string; title: string } {
  const join = joining(status);
  if (join > 0) {
    return {
      text: `+${Math.min(join, 9)}`,
      color: JOIN_COLOR,
      title: `Satchel: ${join} device${join === 1 ? ' wants' : 's want'} to join, open to review`,
    };
  }
  if (status.conflicts > 0) {
    const n = status.conflicts;
    return {
      text: n > 99 ? '99+' : String(n),
      color: CONFLICT_COLOR,
      title: `Satchel: ${n} conflict${n === 1 ? '' : 's'} to resolve`,
    };
  }
  if (
    status.state.kind === 'signedOut' &&
    status.lastError &&
    SIGNED_OUT_BY_SERVER.has(status.lastError.code)
  ) {
    return { text: '!', color: ERROR_COLOR, title: 'Satchel: disconnected, open to reconnect' };
  }
  if (status.state.kind === 'error') {
    return { text: '!', color: ERROR_COLOR, title: 'Satchel: sync problem, open for details' };
  }
  if (status.state.kind === 'locked') {
    return { text: '', color: CONFLICT_COLOR, title: 'Satchel: locked, open to unlock' };
  }
  return { text: '', color: CONFLICT_COLOR, title: 'Satchel' };
}

import type { Status } from '../../../host/contract';

/**
 * What the signed-out screen calls itself and its button. A lapsed session kept this device's key
 * and unsent edits, so the way back is signing in to the same server again, not a new connection.
 */
export function signedOutWording(lastError: Status['lastError']): {
  title: string;
  action: string;
} {
  return lastError?.code === 'session_lapsed'
    ? { title: 'Session expired', action: 'Sign in again' }
    : { title: 'Not connected', action: 'Connect' };
}

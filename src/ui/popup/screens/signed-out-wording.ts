import type { Status } from '../../../host/contract';

/**
 * What the signed-out screen calls itself and its button. A lapsed session kept this device's key
 * and unsent edits, so the way back is signing in to the same server again, not a new connection.
 */
export function signedOutWording(lastError: Status['lastError']): {
  title: string;
  action: string;
} {
  if (lastError?.code === 'session_lapsed')
    return { title: 'Session expired', action: 'Sign in again' };
  if (lastError?.code === 'account_deleted') return { title: 'Account deleted', action: 'Connect' };
  return { title: 'Not connected', action: 'Connect' };
}

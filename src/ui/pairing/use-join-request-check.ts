import { useEffect } from 'preact/hooks';
import type { Status } from '../../host/contract';
import { useBridge } from '../use-bridge';

/**
 * Opening Satchel on a device that holds the key asks the server at once whether a new device is
 * waiting to join: the new device tells its person to do exactly that, and the next scheduled
 * sync may be minutes away while a request expires in five.
 */
export function useJoinRequestCheck(status: Status | null): void {
  const bridge = useBridge();
  const unlocked = Boolean(status?.account?.fingerprint);
  useEffect(() => {
    if (!unlocked) return;
    bridge.call('pairing.list').catch((error: unknown) => {
      // Offline or signed out meanwhile: the next sync's count brings the requests instead.
      console.warn('Satchel: could not check for devices asking to join', error);
    });
  }, [bridge, unlocked]);
}

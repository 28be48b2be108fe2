import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import type { Bridge } from '../../host/contract';
import { ErrorAlert } from '../components/error-alert';
import { useJoinRequestCheck } from '../pairing/use-join-request-check';
import { BridgeContext, useStatus } from '../use-bridge';
import type { Route } from './screen';
import { SCREENS } from './screens';
import { RecoveryKey } from './screens/recovery-key';

export const STATUS_PAINTED = 'satchel:status-painted';
/** The first frame with the worker's own status (not a last-known snapshot). */
export const LIVE_STATUS_PAINTED = 'satchel:live-status-painted';

function Screens({ onScreen }: { onScreen?: ((id: string) => void) | undefined }) {
  const { status, error } = useStatus();
  const [route, setRoute] = useState<Route>({ name: 'home' });
  const [recoveryKey, setRecoveryKey] = useState<string | null>(null);
  const ready = status !== null;
  const live = ready && status.asOf === undefined;
  useJoinRequestCheck(status);
  // Marks the first frames that show a status and the worker's own, for bench/popup-paint.ts:
  // a layout effect runs before that frame paints, its animation frame just as it does.
  useLayoutEffect(() => {
    if (ready) requestAnimationFrame(() => performance.mark(STATUS_PAINTED));
  }, [ready]);
  useLayoutEffect(() => {
    if (live) requestAnimationFrame(() => performance.mark(LIVE_STATUS_PAINTED));
  }, [live]);
  const screen = status
    ? (SCREENS.find((s) => s.when(status, route)) ?? SCREENS[SCREENS.length - 1])
    : undefined;
  const shown = recoveryKey ? 'recovery-key' : (screen?.id ?? 'loading');
  useEffect(() => onScreen?.(shown), [shown]);
  if (recoveryKey)
    return <RecoveryKey recoveryKey={recoveryKey} onDone={() => setRecoveryKey(null)} />;
  if (!status) {
    if (error) return <ErrorAlert error={error} />;
    return (
      <p class="row muted" role="status">
        <span class="spinner" aria-hidden="true" /> Loading…
      </p>
    );
  }
  if (!screen) return null;
  const View = screen.view;
  return (
    <div data-screen={screen.id}>
      <View status={status} route={route} navigate={setRoute} showRecoveryKey={setRecoveryKey} />
    </div>
  );
}

/**
 * The toolbar popup (and the PWA's home screen): pass in the host's bridge. `onScreen` hears
 * which screen shows (the first-run guide waits for the recovery key to be confirmed).
 */
export function Popup({ bridge, onScreen }: { bridge: Bridge; onScreen?: (id: string) => void }) {
  return (
    <BridgeContext.Provider value={bridge}>
      <main class="popup">
        <Screens onScreen={onScreen} />
      </main>
    </BridgeContext.Provider>
  );
}

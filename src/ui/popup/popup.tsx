import { useEffect, useState } from 'preact/hooks';
import type { Bridge } from '../../host/contract';
import { ErrorAlert } from '../components/error-alert';
import { useJoinRequestCheck } from '../pairing/use-join-request-check';
import { BridgeContext, useStatus } from '../use-bridge';
import type { Route } from './screen';
import { SCREENS } from './screens';
import { RecoveryKey } from './screens/recovery-key';

export const STATUS_PAINTED = 'satchel:status-painted';

function Screens() {
  const { status, error } = useStatus();
  const [route, setRoute] = useState<Route>({ name: 'home' });
  const [recoveryKey, setRecoveryKey] = useState<string | null>(null);
  const ready = status !== null;
  useJoinRequestCheck(status);
  // Marks the first frame that shows real status, for bench/popup-paint.ts to read.
  useEffect(() => {
    if (ready) requestAnimationFrame(() => performance.mark(STATUS_PAINTED));
  }, [ready]);
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
  const screen = SCREENS.find((s) => s.when(status, route)) ?? SCREENS[SCREENS.length - 1];
  if (!screen) return null;
  const View = screen.view;
  return (
    <div data-screen={screen.id}>
      <View status={status} route={route} navigate={setRoute} showRecoveryKey={setRecoveryKey} />
    </div>
  );
}

/** The toolbar popup (and the PWA's home screen): pass in the host's bridge. */
export function Popup({ bridge }: { bridge: Bridge }) {
  return (
    <BridgeContext.Provider value={bridge}>
      <main class="popup">
        <Screens />
      </main>
    </BridgeContext.Provider>
  );
}

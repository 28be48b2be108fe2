import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { Bridge, Status } from '../host/contract';
import { BridgeError } from '../host/contract';

export const BridgeContext = createContext<Bridge | null>(null);

export function useBridge(): Bridge {
  const bridge = useContext(BridgeContext);
  if (!bridge) throw new Error('A Satchel view was rendered without a BridgeContext provider');
  return bridge;
}

/** The host's latest status (null until the first arrives), or why there can be none. */
export function useStatus(): { status: Status | null; error: BridgeError | null } {
  const bridge = useBridge();
  // What the host's page already knows (the last-known snapshot, or a status) goes into the
  // first frame: `subscribe` calls back at once with it, so a subscription taken and dropped
  // here reads it without waiting for the effect below, which runs only after that frame.
  const [status, setStatus] = useState<Status | null>(() => {
    let known: Status | null = null;
    bridge.subscribe((latest) => {
      known = latest;
    })();
    return known;
  });
  const [error, setError] = useState<BridgeError | null>(null);
  useEffect(
    () =>
      bridge.subscribe(
        (next) => {
          setError(null);
          setStatus(next);
        },
        (err) => {
          console.error('Satchel: no status from the host', err.code);
          setError(err);
          // A last-known status must not stand in for a host that cannot answer.
          setStatus((shown) => (shown?.asOf !== undefined ? null : shown));
        },
      ),
    [bridge],
  );
  return { status, error };
}

export interface Action {
  busy: boolean;
  error: BridgeError | null;
  run(fn: () => Promise<unknown>): Promise<boolean>;
  clear(): void;
}

/** A command's failure as the pages show it; anything not the bridge's own is logged too. */
export function asBridgeError(err: unknown): BridgeError {
  if (err instanceof BridgeError) return err;
  console.error('Satchel:', err);
  return new BridgeError({ code: 'unexpected', message: String(err) });
}

/** Runs a command for a button: tracks busy, keeps the error to show. Resolves true on success. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BridgeError | null>(null);
  return {
    busy,
    error,
    clear: () => setError(null),
    async run(fn) {
      setBusy(true);
      setError(null);
      try {
        await fn();
        return true;
      } catch (err) {
        setError(asBridgeError(err));
        return false;
      } finally {
        setBusy(false);
      }
    },
  };
}

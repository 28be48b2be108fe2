/**
 * The status half of every host's `Bridge`: the latest status (or why there is none) and who is
 * listening. Hosts differ in how messages travel; what a page sees of them does not.
 */
import type { Bridge, BridgeError, Status } from './contract';

export interface StatusHub {
  showStatus(status: Status): void;
  /**
   * A last-known status (marked `asOf`), shown only until the host answers: once a status came
   * from the host, a snapshot read late is ignored.
   */
  showSnapshot(status: Status): void;
  showUnavailable(error: BridgeError): void;
  subscribe: Bridge['subscribe'];
}

export function createStatusHub(): StatusHub {
  const listeners = new Set<(status: Status) => void>();
  const errorListeners = new Set<(error: BridgeError) => void>();
  let latest: Status | null = null;
  let unavailable: BridgeError | null = null;
  let answered = false;

  return {
    showStatus(status) {
      answered = true;
      latest = status;
      unavailable = null;
      for (const listener of listeners) listener(status);
    },
    showSnapshot(status) {
      if (answered || unavailable) return;
      latest = status;
      for (const listener of listeners) listener(status);
    },
    showUnavailable(error) {
      unavailable = error;
      for (const listener of errorListeners) listener(error);
    },
    subscribe(listener, onError) {
      listeners.add(listener);
      if (onError) errorListeners.add(onError);
      // A late subscriber gets what the page already knows, so it never waits for a change.
      if (latest) listener(latest);
      else if (unavailable) onError?.(unavailable);
      return () => {
        listeners.delete(listener);
        if (onError) errorListeners.delete(onError);
      };
    },
  };
}

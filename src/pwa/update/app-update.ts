/**
 * The app's service worker registration and its updates. A new version installs in the
 * background and waits; the person is told it is ready and chooses when to reload. The reload
 * never happens while a form holds unsaved typing: it waits until that is saved or cancelled.
 */
import { Workbox } from 'workbox-window';
import { hasUnsavedEdits, onUnsavedEditsChange } from './unsaved-edits';

/** `ready`: a new version waits. `afterSave`: the person accepted it, an edit is unsaved. */
export type UpdateState = 'current' | 'ready' | 'afterSave';

/** Besides checks on return to the app and on reconnect, for an app left open for days. */
const CHECK_EVERY_MS = 60 * 60 * 1000;

export interface AppUpdate {
  state(): UpdateState;
  subscribe(listener: (state: UpdateState) => void): () => void;
  /** The person pressed "Reload": switch now, or as soon as nothing unsaved is on the page. */
  apply(): void;
  /** Rejects if the worker cannot be registered (it holds the engine: nothing works without it). */
  registrationFailed: Promise<never>;
  /**
   * Resolves when pages may message the worker. While a new version takes over, a message to the
   * old one restarts it, and Chromium then leaves the new one waiting (seen in e2e): hold them.
   */
  quiet(): Promise<void>;
}

/** A takeover not done by then is given up: messages flow again and "Reload" is offered anew. */
const TAKEOVER_LIMIT_MS = 10_000;

export function registerAppWorker(): AppUpdate {
  const listeners = new Set<(state: UpdateState) => void>();
  let state: UpdateState = 'current';
  let accepted = false;
  const set = (next: UpdateState) => {
    state = next;
    for (const listener of listeners) listener(next);
  };

  const wb = new Workbox(`${import.meta.env.BASE_URL}sw.js`);
  wb.addEventListener('waiting', () => {
    if (state === 'current') set('ready');
  });
  // Not workbox-window's `controlling`: its isUpdate is false for the page that first installed
  // the worker, which still needs the reload when a later version takes over.
  let controller = navigator.serviceWorker?.controller ?? null;
  let takeover: { done: Promise<void>; end(): void } | null = null;
  navigator.serviceWorker?.addEventListener('controllerchange', () => {
    takeover?.end();
    const replaced = controller !== null;
    controller = navigator.serviceWorker.controller;
    if (!replaced) return; // the first install taking the page: nothing changed for it
    // Ours, or another tab's acceptance: either way this page runs the old code until reloaded.
    if (accepted) whenSaved(() => location.reload());
    else if (state === 'current') set('ready');
  });
  // At once, not after the load event: the first status needs the worker, so waiting only delays it.
  let failRegistration: (error: unknown) => void = () => undefined;
  const registrationFailed = new Promise<never>((_, reject) => {
    failRegistration = reject;
  });
  // Handled by whoever races it (the bridge); this keeps a failure from also being "unhandled".
  registrationFailed.catch(() => undefined);
  wb.register({ immediate: true }).catch((error: unknown) => {
    console.error('Satchel: the service worker could not be registered', error);
    failRegistration(error);
  });

  const check = () => {
    wb.update().catch((error: unknown) => {
      // Offline or the server is down: the next check will tell.
      console.warn('Satchel: checking for a new version failed', error);
    });
  };
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') check();
  });
  addEventListener('online', check);
  setInterval(check, CHECK_EVERY_MS);

  async function switchNow() {
    const registration = await navigator.serviceWorker.getRegistration();
    if (!registration?.waiting) {
      location.reload();
      return;
    }
    // The new version takes over first; its `controllerchange` then reloads this page.
    let end: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      end = resolve;
    });
    const current = { done, end };
    takeover = current;
    const limit = setTimeout(() => {
      if (takeover !== current) return;
      console.warn('Satchel: the new version did not take over; offering it again');
      current.end();
      accepted = false;
      set('ready');
    }, TAKEOVER_LIMIT_MS);
    void done.then(() => {
      clearTimeout(limit);
      if (takeover === current) takeover = null;
    });
    wb.messageSkipWaiting();
  }

  /** Runs `action` now, or once no form holds unsaved typing any more. */
  function whenSaved(action: () => void) {
    if (!hasUnsavedEdits()) {
      action();
      return;
    }
    set('afterSave');
    const stop = onUnsavedEditsChange(() => {
      if (hasUnsavedEdits()) return;
      stop();
      action();
    });
  }

  return {
    registrationFailed,
    quiet: () => takeover?.done ?? Promise.resolve(),
    state: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    apply() {
      if (accepted) return;
      accepted = true;
      whenSaved(() => void switchNow());
    },
  };
}

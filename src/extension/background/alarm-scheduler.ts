import browser from 'webextension-polyfill';
import type { Scheduler } from '../../engine';

export const WAKE_ALARM = 'satchel-wake';

/** Chrome fires alarms no sooner than 30 s from now. */
const MIN_ALARM_DELAY_MS = 30_000;

type Handle = { id: number };

/**
 * The engine's scheduler in a service worker. `setTimeout` alone dies with the worker, so every
 * timer also keeps one alarm set for the earliest due time: if the browser stops the worker, the
 * alarm wakes it and the engine, restarting from IndexedDB, picks up what was due (a sign-in
 * poll, a retry after back-off, a debounced push).
 */
export function createAlarmScheduler(): Scheduler {
  const due = new Map<number, number>();
  const timers = new Map<number, ReturnType<typeof globalThis.setTimeout>>();
  let nextId = 1;

  function rearm() {
    const earliest = Math.min(...due.values());
    if (!Number.isFinite(earliest)) {
      void browser.alarms.clear(WAKE_ALARM);
      return;
    }
    void browser.alarms.create(WAKE_ALARM, {
      when: Math.max(earliest, Date.now() + MIN_ALARM_DELAY_MS),
    });
  }

  return {
    setTimeout(callback: () => void, delayMs: number): Handle {
      const id = nextId++;
      due.set(id, Date.now() + delayMs);
      const timer = globalThis.setTimeout(() => {
        due.delete(id);
        rearm();
        callback();
      }, delayMs);
      timers.set(id, timer);
      rearm();
      return { id };
    },
    clearTimeout(handle: unknown) {
      const { id } = handle as Handle;
      globalThis.clearTimeout(timers.get(id));
      timers.delete(id);
      due.delete(id);
      rearm();
    },
  };
}

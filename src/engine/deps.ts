/**
 * What a host passes in. The engine reads no globals for time, timers or the network, so the
 * extension's and the PWA's service workers only wire these up, and tests drive them.
 */

/** Wall clock in epoch milliseconds. A skewed clock is tolerated: ordering uses the HLC. */
export interface Clock {
  now(): number;
}

export type TimerHandle = unknown;

/** Timers. A host may back these with chrome.alarms; tests use a manual scheduler. */
export interface Scheduler {
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export const systemClock: Clock = { now: () => Date.now() };

export const systemScheduler: Scheduler = {
  setTimeout: (callback, delayMs) => globalThis.setTimeout(callback, delayMs),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

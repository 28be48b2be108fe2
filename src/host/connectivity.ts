/**
 * The browser's online signal for a service worker. Chromium updates `navigator.onLine` in a
 * worker but fires no `online`/`offline` events there (a background page, as in Firefox, gets
 * them), so the worker also samples the flag and reports each change once. Only changes count: a
 * server that is down while the network is up must not look like "back online" every second.
 * A worker that starts with no network says so at once: a restart while offline would otherwise
 * leave the engine trying (and logging) runs that cannot reach anything.
 */
export function watchConnectivity(
  read: () => boolean,
  onChange: (online: boolean) => void,
  every: (callback: () => void, ms: number) => void = (callback, ms) =>
    void setInterval(callback, ms),
  intervalMs = 1000,
): void {
  let last = read();
  if (!last) onChange(false);
  const check = () => {
    const now = read();
    if (now === last) return;
    last = now;
    onChange(now);
  };
  every(check, intervalMs);
  globalThis.addEventListener?.('online', check);
  globalThis.addEventListener?.('offline', check);
}

/**
 * Page-side clocks for what a screen says about time and the network: "Last synced 2 minutes ago"
 * ages while the popup stays open, and a button that needs the network knows the browser has none.
 */
import { useEffect, useState } from 'preact/hooks';

/** The current time, renewed every `everyMs`, so relative times shown keep aging. */
export function useNow(everyMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** Whether the browser says it has a network (its `online` and `offline` events). */
export function useBrowserOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    addEventListener('online', update);
    addEventListener('offline', update);
    return () => {
      removeEventListener('online', update);
      removeEventListener('offline', update);
    };
  }, []);
  return online;
}

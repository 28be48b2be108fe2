/**
 * What every admin screen shares: the API from context, loading with honest loading, error and
 * retry states, the admin's error sentences, and times shown both relative and exact.
 */
import { type ComponentChildren, createContext, type RefObject } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { ErrorAlert } from '../ui/components/error-alert';
import { useNow } from '../ui/components/use-now';
import { timeAgo } from '../ui/format';
import { type AdminApi, type Instant, toMs } from './api';
import { adminMessage, asShownError } from './messages';

export const ApiContext = createContext<AdminApi | null>(null);

export function useApi(): AdminApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('an admin screen rendered outside ApiContext');
  return api;
}

export type ShownError = { code: string; message: string };

export type Load<T> =
  | { status: 'loading' }
  | { status: 'ready'; data: T }
  | { status: 'failed'; error: ShownError };

/**
 * Loads on mount and on `reload()`. A reload keeps what is shown until the new answer comes, so a
 * list does not flash empty after every action; an answer to an older load is dropped.
 */
export function useLoad<T>(
  load: () => Promise<T>,
  key: readonly unknown[] = [],
): { state: Load<T>; reload(): Promise<void> } {
  const [state, setState] = useState<Load<T>>({ status: 'loading' });
  const latest = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++latest.current;
    try {
      const data = await load();
      if (mine === latest.current) setState({ status: 'ready', data });
    } catch (error) {
      if (mine === latest.current) setState({ status: 'failed', error: asShownError(error) });
    }
  }, key);
  useEffect(() => {
    setState({ status: 'loading' });
    void reload();
  }, [reload]);
  return { state, reload };
}

export function AdminError({
  error,
  onRetry,
  onDismiss,
}: {
  error: ShownError | null;
  onRetry?: () => void;
  onDismiss?: () => void;
}) {
  if (!error) return null;
  return (
    <div class="stack">
      <ErrorAlert error={error} describe={adminMessage} onDismiss={onDismiss} />
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** The loading and failed states of a `Load`, and `children` once it is ready. */
export function Loaded<T>({
  state,
  what,
  onRetry,
  children,
}: {
  state: Load<T>;
  /** "accounts", "the audit log": said while loading. */
  what: string;
  onRetry(): void;
  children(data: T): ComponentChildren;
}) {
  if (state.status === 'loading') {
    return (
      <p class="row muted" role="status">
        <span class="spinner" aria-hidden="true" /> Loading {what}…
      </p>
    );
  }
  if (state.status === 'failed') return <AdminError error={state.error} onRetry={onRetry} />;
  return <>{children(state.data)}</>;
}

/**
 * A past time as "5 minutes ago" (a future one, such as an expiry, as its date), with the exact
 * time on hover and in `datetime`.
 */
export function When({ at, never = 'never' }: { at: Instant | null; never?: string }) {
  const now = useNow(30_000);
  if (at === null) return <span class="muted">{never}</span>;
  const ms = toMs(at);
  if (Number.isNaN(ms)) return <span class="muted">unknown</span>;
  const exact = new Date(ms).toLocaleString();
  return (
    <time dateTime={new Date(ms).toISOString()} title={exact}>
      {ms > now ? exact : timeAgo(ms, now)}
    </time>
  );
}

/** Moves focus to the element once it is shown: a screen's heading, a result to read. */
export function useFocusOnShow<T extends HTMLElement>(when: unknown = true): RefObject<T | null> {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (when) ref.current?.focus();
  }, [when]);
  return ref;
}

/** The address of one item of a section (`#accounts/<id>`); see sections.ts `parseRoute`. */
export function itemHref(sectionId: string, itemId: string): string {
  return `#${sectionId}/${encodeURIComponent(itemId)}`;
}

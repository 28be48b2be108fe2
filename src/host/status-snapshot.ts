/**
 * The last-known status, kept where a page can read it without waking the service worker, so the
 * popup and the app paint their status in the first frame. Chromium stops an idle worker after
 * 30 s, so most clicks on the toolbar icon would otherwise wait for the engine to start.
 *
 * A snapshot is never shown as current: the page marks it with `asOf` until the worker answers,
 * and the worker's answer always replaces it. States that only make sense live (a sign-in code
 * counting down, a sync in progress, a pairing under way) are never kept.
 */
import type { Status } from './contract';

export const SNAPSHOT_KEY = 'satchel.statusSnapshot';

/** Older than this, a snapshot says too little to be worth painting. */
export const SNAPSHOT_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

export interface StatusSnapshot {
  v: 1;
  /** When the worker published this status (ms since the epoch). */
  at: number;
  status: Status;
}

const RESTING = new Set(['idle', 'offline', 'error', 'signedOut', 'needsKey', 'locked']);

export interface SnapshotPolicy {
  /**
   * The store outlives the browser session (the app's localStorage, on disk): a device with its
   * lock on keeps nothing there, since the lock promises nothing of the account rests in the clear.
   */
  persistent: boolean;
}

/**
 * What to do with the kept snapshot on seeing `status`: replace it, remove it, or leave it as it
 * is. A state that only makes sense live leaves the last resting one in place (a sync in
 * progress shows as the state before it, as of then), so a worker stopped mid-sync still leaves
 * something to paint.
 */
export function takeSnapshot(
  status: Status,
  at: number,
  policy: SnapshotPolicy,
): StatusSnapshot | 'remove' | 'unchanged' {
  if (policy.persistent && status.lock?.enabled) return 'remove';
  if (!RESTING.has(status.state.kind) || status.pairing !== null) return 'unchanged';
  const { asOf: _shownAsOf, ...live } = status;
  return { v: 1, at, status: live };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The status a stored snapshot holds, marked `asOf`, or null when there is none worth showing.
 * The store is the device's own, but it is read back with care: another version of Satchel may
 * have written it, and a bad value must cost a frame, not the popup.
 */
export function readSnapshot(raw: unknown, now: number): Status | null {
  if (!isRecord(raw) || raw.v !== 1 || typeof raw.at !== 'number') return null;
  const age = now - raw.at;
  if (!Number.isFinite(age) || age < 0 || age > SNAPSHOT_MAX_AGE_MS) return null;
  const status = raw.status;
  if (!isRecord(status) || !isRecord(status.state) || !isRecord(status.counts)) return null;
  if (!isRecord(status.settings) || typeof status.state.kind !== 'string') return null;
  if (!RESTING.has(status.state.kind)) return null;
  return { ...(status as unknown as Status), asOf: raw.at };
}

export interface SnapshotWriter {
  /** Keeps `status` when it may be kept (see takeSnapshot); writes are coalesced. */
  saw(status: Status): void;
}

export interface SnapshotWriterDeps extends SnapshotPolicy {
  write(snapshot: StatusSnapshot | null): Promise<void>;
  now(): number;
  /** Progress updates come many a second; the last of a burst is written after this pause. */
  settleMs?: number;
}

/**
 * Writes snapshots as statuses are published. A change of account or of state kind is written at
 * once, so a page opened right after a sign-out or a switch of account never paints the old one;
 * anything else is coalesced, so a sync's progress does not write the store on every record.
 */
export function createSnapshotWriter(deps: SnapshotWriterDeps): SnapshotWriter {
  const settleMs = deps.settleMs ?? 500;
  let lastKey: string | null = null;
  let pending: Status | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let writing = Promise.resolve();

  function write(status: Status) {
    const snapshot = takeSnapshot(status, deps.now(), deps);
    if (snapshot === 'unchanged') return;
    writing = writing
      .then(() => deps.write(snapshot === 'remove' ? null : snapshot))
      .catch((error: unknown) =>
        console.error('Satchel: could not keep the status snapshot', error),
      );
  }

  return {
    saw(status) {
      // "Changes waiting" and "In sync" are both idle, but a person tells them apart at a glance.
      const key = [
        status.account?.accountId,
        status.state.kind,
        status.lock?.locked,
        status.pendingEdits > 0,
        status.conflicts > 0,
      ].join('|');
      if (key !== lastKey) {
        lastKey = key;
        if (timer) clearTimeout(timer);
        timer = null;
        pending = null;
        write(status);
        return;
      }
      pending = status;
      timer ??= setTimeout(() => {
        timer = null;
        if (pending) write(pending);
        pending = null;
      }, settleMs);
    },
  };
}

/**
 * Quarantined records are asked for again, so none stays stale once the server answers honestly:
 * a record set aside from the feed is read again from the cursor its page was fetched from, and
 * an edit held because the server's `current` would not open is released, so the next push
 * brings the server's version again (or is accepted). Each retry that still fails doubles the
 * wait before the next (from a minute up to a day), so a record that stays bad costs one extra
 * read of the feed now and then, never a loop.
 */
import type { EngineContext } from '../context';
import type { QuarantineRow } from '../db/schema';
import { rowStore } from '../db/sealed-rows';
import type { QuarantineView } from '../engine';
import { randomId } from '../ids';
import { abortQuietly } from '../records/commit-local';
import type { PageItem } from './open-page';
import { quarantineRowOf } from './open-page';

const FIRST_WAIT_MS = 60_000;
const LONGEST_WAIT_MS = 24 * 60 * 60 * 1000;

export function retryWait(attempts: number): number {
  return Math.min(LONGEST_WAIT_MS, FIRST_WAIT_MS * 2 ** Math.max(0, attempts - 1));
}

/**
 * The row to store for a record that would not open, carrying over the retry count of the row it
 * replaces: a new quarantine is retried at the next sync, a retried one after its wait.
 */
export function quarantineRowFor(
  item: Extract<PageItem, { kind: 'quarantine' }>,
  at: number,
  since: string | null,
  previous: QuarantineRow | undefined,
): QuarantineRow {
  return {
    ...quarantineRowOf(item, at),
    since,
    attempts: previous?.attempts ?? 0,
    retryAt: previous?.retryAt ?? at,
  };
}

const DIGITS = /^\d{1,20}$/;

/**
 * The earlier of two cursors. A cursor is the sequence number of the last change returned
 * (docs/PROTOCOL.md); one this device cannot compare is replaced by zero, which never expires.
 */
export function earlierCursor(cursor: string, other: string | null): string {
  if (other === null) return cursor;
  if (!DIGITS.test(cursor) || !DIGITS.test(other)) return '0';
  return BigInt(other) < BigInt(cursor) ? other : cursor;
}

/**
 * Marks the quarantined records due for a retry as retried (so a failure waits longer), releases
 * the edits held for them, and returns the cursor to read the feed from again (null: none).
 */
export async function prepareRetries(
  ctx: EngineContext,
  quarantineInUse: boolean,
): Promise<string | null> {
  // Nothing quarantined and nothing queued (so nothing held): the common run writes nothing.
  if (!quarantineInUse && (await ctx.db.count('outbox')) === 0) return null;
  const now = ctx.clock.now();
  const tx = ctx.db.transaction(['quarantine', 'outbox', 'conflicts'], 'readwrite');
  try {
    const quarantine = tx.objectStore('quarantine');
    const rows = await quarantine.getAll();
    const due = rows.filter((row) => (row.retryAt ?? 0) <= now);
    let rewind: string | null = null;
    for (const row of due) {
      const attempts = (row.attempts ?? 0) + 1;
      await quarantine.put({ ...row, attempts, retryAt: now + retryWait(attempts) });
      const since = row.since ?? null;
      if (since !== null) rewind = rewind === null ? since : earlierCursor(rewind, since);
    }
    // An edit held without a conflict waits for a quarantined `current`: release it when that
    // retry is due, or when the quarantine row is gone (cleared after a key change).
    const waiting = new Set(
      rows
        .filter((row) => (row.retryAt ?? 0) > now && row.collection)
        .map((row) => `${row.collection}/${row.id}`),
    );
    const outbox = tx.objectStore('outbox');
    for (const entry of await outbox.getAll()) {
      if (!entry.held || waiting.has(`${entry.collection}/${entry.id}`)) continue;
      if (await rowStore(tx, 'conflicts').getKey([entry.collection, entry.id])) continue;
      await outbox.put({ ...entry, held: false, opId: randomId() });
      ctx.log({ level: 'info', event: 'held_edit_released', collection: entry.collection });
    }
    await tx.done;
    return rewind;
  } catch (error) {
    abortQuietly(tx);
    throw error;
  }
}

/** What a person is shown of the quarantine: where and why, never the excerpt of the payload. */
export async function listQuarantine(ctx: EngineContext): Promise<QuarantineView[]> {
  const rows = await ctx.db.getAll('quarantine');
  return rows.map(({ collection, id, rev, code, message, at }) => ({
    collection,
    id,
    rev,
    code,
    message,
    at,
  }));
}

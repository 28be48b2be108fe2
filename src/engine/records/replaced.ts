/**
 * Edits of this device that "keep the most recent edit" replaced with a newer one from another
 * device. The merge is silent by design, but the person is told: each note names the record, the
 * fields this device lost (or the whole record, when a delete won or lost) and the history entry
 * that keeps this device's value, so "restore mine" can write it back as a new edit.
 *
 * Notes live in meta, which the device lock does not seal, so they hold no values: only keys,
 * field names, the winning device and a history sequence number (history rows are sealed).
 */
import { type CollectionName, titleFieldOf } from '../collections';
import { type Fields, validateRecord } from '../collections/validate';
import type { EngineContext } from '../context';
import { readMeta, writeMeta } from '../db/meta';
import type { EngineDatabase } from '../db/open';
import type { ReplacedEdit } from '../db/schema';
import { readRows, rowStore } from '../db/sealed-rows';
import type { WriteTx } from '../db/tx';
import { InputError } from '../errors';
import { isSecretField } from '../mask';
import { jsonEqual } from '../merge/equal';
import type { MergeOutcome } from '../merge/three-way';
import type { Version } from '../merge/version';
import { commitLocalChange } from './commit-local';

export type { ReplacedEdit };

/** Enough to act on, few enough that an old one is not worth keeping. */
export const MAX_REPLACED = 20;

/**
 * What this device lost when last-write-wins settled `outcome` as `settled`: the fields whose
 * local value gave way, `'record'` when a delete decided against this device's side, or null.
 */
export function lostLocally(
  outcome: Exclude<MergeOutcome, { kind: 'clean' }>,
  settled: Fields | null,
  local: Version,
): string[] | 'record' | null {
  if (outcome.kind === 'delete') {
    const localDeleted = outcome.deletedSide === 'local';
    return localDeleted === (settled === null) ? null : 'record';
  }
  const lost = outcome.fields.filter((field) => !jsonEqual(local.data?.[field], settled?.[field]));
  return lost.length > 0 ? lost : null;
}

/**
 * Adds notes (in the order they happened) in the transaction that applied them; one note per
 * record, newest first: a record that lost twice in one run keeps only its latest loss.
 */
export async function noteReplaced(tx: WriteTx, notes: ReplacedEdit[]): Promise<void> {
  if (notes.length === 0) return;
  const earlier = (await readMeta(tx, 'replacedEdits')) ?? [];
  const key = (note: ReplacedEdit) => `${note.collection}/${note.id}`;
  const newest = new Map<string, ReplacedEdit>();
  for (const note of [...notes].reverse()) if (!newest.has(key(note))) newest.set(key(note), note);
  const kept = earlier.filter((note) => !newest.has(key(note)));
  await writeMeta(tx, 'replacedEdits', [...newest.values(), ...kept].slice(0, MAX_REPLACED));
}

async function readNotes(db: EngineDatabase): Promise<ReplacedEdit[]> {
  return (await readMeta(db, 'replacedEdits')) ?? [];
}

/** How many notes were added at or after `since` (the activity log counts a run's). */
export async function countReplacedSince(db: EngineDatabase, since: number): Promise<number> {
  return (await readNotes(db)).filter((note) => note.at >= since).length;
}

export interface ReplacedFieldView {
  field: string;
  /** This device's value that gave way (undefined: it had none). */
  mine: unknown;
  /** The record's value now. */
  now: unknown;
  secret: boolean;
}

export interface ReplacedEditView {
  collection: CollectionName;
  id: string;
  title: string | null;
  /** `record`: a delete decided it (this device's edit deleted, or its delete undone). */
  kind: 'fields' | 'record';
  /** This device had deleted it (and the other device's edit brought it back). */
  mineDeleted: boolean;
  fields: ReplacedFieldView[];
  by: string;
  at: number;
  /** False once this device's value has left the history (or never was in it). */
  restorable: boolean;
}

function titleOf(collection: CollectionName, ...sides: (Fields | null | undefined)[]) {
  const field = titleFieldOf(collection);
  if (field === null) return null;
  for (const side of sides) {
    const value = side?.[field];
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
}

/** The notes with both values of each field; secrets are returned as they are (pages mask). */
export async function listReplaced(db: EngineDatabase): Promise<ReplacedEditView[]> {
  const notes = await readNotes(db);
  // One transaction, every read issued at once: awaiting one store's answer would let a second
  // transaction with nothing asked of it yet commit under us.
  const tx = db.transaction(['history', 'records']);
  const history = rowStore(tx, 'history');
  const records = rowStore(tx, 'records');
  const found = await Promise.all(
    notes.map((note) =>
      Promise.all([
        note.historySeq === null ? undefined : history.get(note.historySeq),
        records.get([note.collection, note.id]),
      ]),
    ),
  );
  const views: ReplacedEditView[] = [];
  for (const [index, note] of notes.entries()) {
    const [entry, row] = found[index] ?? [];
    const mine = entry && entry.collection === note.collection && entry.id === note.id;
    const current = row?.data ?? null;
    const minedata = mine ? entry.data : undefined;
    const names = note.fields ?? [
      ...new Set([...Object.keys(minedata ?? {}), ...Object.keys(current ?? {})]),
    ];
    views.push({
      collection: note.collection,
      id: note.id,
      title: titleOf(note.collection, minedata, current),
      kind: note.fields ? 'fields' : 'record',
      mineDeleted: mine === true && minedata === null,
      fields: names.sort().map((field) => ({
        field,
        mine: minedata?.[field],
        now: current?.[field],
        secret: isSecretField(note.collection, field),
      })),
      by: note.by,
      at: note.at,
      restorable: mine === true,
    });
  }
  return views;
}

/** A newer loss of the record replaced the note the person answered. */
function noticeChanged(collection: CollectionName, id: string): InputError {
  return new InputError(
    'replaced_edit_changed',
    `Another edit of ${collection}/${id} was replaced since this notice was shown: read it again`,
  );
}

async function takeNote(
  ctx: EngineContext,
  collection: CollectionName,
  id: string,
  seenAt: number | undefined,
): Promise<ReplacedEdit> {
  const note = (await readNotes(ctx.db)).find((n) => n.collection === collection && n.id === id);
  if (!note) throw new InputError('no_replaced_edit', `No replaced edit of ${collection}/${id}`);
  // One note per record: a newer loss replaced the one the person read, and its value too.
  if (seenAt !== undefined && note.at !== seenAt) throw noticeChanged(collection, id);
  return note;
}

/**
 * "Restore mine": a new local edit that puts back the fields this device lost (or its whole
 * value, when a delete decided), over whatever the record holds now; the note goes with it.
 */
export async function restoreReplaced(
  ctx: EngineContext,
  collection: CollectionName,
  id: string,
  seenAt?: number,
): Promise<void> {
  const note = await takeNote(ctx, collection, id, seenAt);
  const entry =
    note.historySeq === null ? undefined : await readRows(ctx.db, 'history').get(note.historySeq);
  if (!entry || entry.collection !== collection || entry.id !== id) {
    throw new InputError(
      'revision_not_found',
      `This device's value of ${collection}/${id} is no longer kept`,
    );
  }
  const mine = entry.data;
  await commitLocalChange(
    ctx,
    collection,
    id,
    (current) => {
      if (note.fields === null || mine === null || !current?.data) {
        return mine === null ? null : (validateRecord(collection, id, mine) as Fields);
      }
      const next: Fields = { ...current.data };
      for (const field of note.fields) {
        if (mine[field] === undefined) delete next[field];
        else next[field] = mine[field];
      }
      return validateRecord(collection, id, next) as Fields;
    },
    'restore',
  );
  // That note only: a newer one a sync added since (the record lost again) stays to be read.
  await dismissReplaced(ctx, collection, id, note.at);
}

/**
 * Forgets a note (the person read it, or restored the value). `seenAt`: only the note of that
 * time; a newer note of the record is kept, and with `refuseNewer` (the person dismissed an
 * older notice) said to be there.
 */
export async function dismissReplaced(
  ctx: EngineContext,
  collection: CollectionName,
  id: string,
  seenAt?: number,
  refuseNewer = false,
): Promise<void> {
  const tx = ctx.db.transaction('meta', 'readwrite');
  const notes = (await readMeta(tx, 'replacedEdits')) ?? [];
  const ofRecord = (note: ReplacedEdit) => note.collection === collection && note.id === id;
  const answered = (note: ReplacedEdit) =>
    ofRecord(note) && (seenAt === undefined || note.at === seenAt);
  if (refuseNewer && notes.some((note) => ofRecord(note) && !answered(note))) {
    // Nothing was written: the transaction ends on its own.
    throw noticeChanged(collection, id);
  }
  await writeMeta(
    tx,
    'replacedEdits',
    notes.filter((note) => !answered(note)),
  );
  await tx.done;
}

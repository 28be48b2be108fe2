/** The replaced-edit notes kept in meta: one per record, newest first. */
import { describe, expect, it } from 'vitest';
import { readMeta } from '../db/meta';
import { openEngineDatabase } from '../db/open';
import type { ReplacedEdit } from '../db/schema';
import { freshDbName, testIndexedDB } from '../testing/idb';
import { MAX_REPLACED, noteReplaced } from './replaced';

const note = (id: string, at: number): ReplacedEdit => ({
  collection: 'profiles',
  id,
  fields: ['apiKey'],
  by: 'w-other',
  at,
  historySeq: at,
});

async function noted(...batches: ReplacedEdit[][]) {
  const db = await openEngineDatabase(await testIndexedDB(), freshDbName('replaced'));
  for (const batch of batches) {
    const tx = db.transaction('meta', 'readwrite');
    await noteReplaced(tx, batch);
    await tx.done;
  }
  const notes = await readMeta(db, 'replacedEdits');
  db.close();
  return notes?.map((n) => `${n.id}@${n.at}`);
}

describe('noteReplaced', () => {
  it('keeps one note per record, its latest, when a record lost twice in one run', async () => {
    expect(await noted([note('a', 1), note('b', 2), note('a', 3)])).toEqual(['a@3', 'b@2']);
  });

  it('replaces an earlier run’s note of the same record and keeps the others, newest first', async () => {
    expect(await noted([note('a', 1), note('b', 2)], [note('a', 5)])).toEqual(['a@5', 'b@2']);
  });

  it(`keeps at most ${MAX_REPLACED}`, async () => {
    const many = Array.from({ length: MAX_REPLACED + 5 }, (_, n) => note(`r${n}`, n));
    const kept = await noted(many);
    expect(kept).toHaveLength(MAX_REPLACED);
    expect(kept?.[0]).toBe(`r${MAX_REPLACED + 4}@${MAX_REPLACED + 4}`);
  });
});

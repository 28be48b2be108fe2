import { describe, expect, it } from 'vitest';
import { settleLastWriteWins } from './last-write-wins';
import { threeWayMerge } from './three-way';
import type { Version } from './version';

const T1 = '000000000001000:000000:devA';
const T2 = '000000000002000:000000:devB';
const T3 = '000000000003000:000000:devA';

function version(
  data: Record<string, unknown> | null,
  hlc: string,
  clocks: Record<string, string> = {},
): Version {
  return { data, hlc, clocks };
}

describe('three-way merge', () => {
  const base = { name: 'Work', model: 'gpt-4o', notes: 'x' };

  it('merges fields changed on one side only', () => {
    const local = version({ ...base, name: 'Job' }, T1);
    const remote = version({ ...base, model: 'o3' }, T2);
    expect(threeWayMerge(base, local, remote)).toMatchObject({
      kind: 'clean',
      data: { name: 'Job', model: 'o3', notes: 'x' },
    });
  });

  it('treats identical changes on both sides as no conflict', () => {
    const local = version({ ...base, model: 'o3' }, T1);
    const remote = version({ ...base, model: 'o3' }, T2);
    expect(threeWayMerge(base, local, remote)).toMatchObject({
      kind: 'clean',
      data: { model: 'o3' },
    });
  });

  it('reports a field changed on both sides to different values as a true conflict', () => {
    const local = version({ ...base, model: 'o1', name: 'Job' }, T1);
    const remote = version({ ...base, model: 'o3', notes: 'y' }, T2);
    expect(threeWayMerge(base, local, remote)).toEqual({
      kind: 'fields',
      fields: ['model'],
      merged: { name: 'Job', notes: 'y' },
      clocks: { name: T1, notes: T2 },
    });
  });

  it('merges a field removed on one side', () => {
    const local = version({ name: 'Work', model: 'gpt-4o' }, T1);
    const remote = version({ ...base, name: 'Job' }, T2);
    expect(threeWayMerge(base, local, remote)).toMatchObject({
      kind: 'clean',
      data: { name: 'Job', model: 'gpt-4o' },
    });
  });

  it('compares nested values structurally', () => {
    const b = { parameters: { t: 1, p: 2 } };
    const local = version({ parameters: { p: 2, t: 1 } }, T1);
    const remote = version({ parameters: { t: 0.5, p: 2 } }, T2);
    expect(threeWayMerge(b, local, remote)).toMatchObject({
      kind: 'clean',
      data: { parameters: { t: 0.5, p: 2 } },
    });
  });

  it('detects edit versus delete both ways', () => {
    expect(threeWayMerge(base, version(null, T1), version({ ...base, notes: 'y' }, T2))).toEqual({
      kind: 'delete',
      deletedSide: 'local',
    });
    expect(threeWayMerge(base, version({ ...base, notes: 'y' }, T1), version(null, T2))).toEqual({
      kind: 'delete',
      deletedSide: 'remote',
    });
  });

  it('lets a delete through when the other side did not change the record', () => {
    expect(threeWayMerge(base, version(null, T1), version(base, T2))).toMatchObject({
      kind: 'clean',
      data: null,
    });
    expect(threeWayMerge(base, version(base, T1), version(null, T2))).toMatchObject({
      kind: 'clean',
      data: null,
    });
    expect(threeWayMerge(base, version(null, T1), version(null, T2))).toMatchObject({
      kind: 'clean',
      data: null,
    });
  });

  it('compares two creations of the same id field by field (no base)', () => {
    const local = version({ app: 'code', profileId: 'p1' }, T1);
    const remote = version({ app: 'code', profileId: 'p2' }, T2);
    expect(threeWayMerge(null, local, remote)).toMatchObject({
      kind: 'fields',
      fields: ['profileId'],
    });
    expect(threeWayMerge(null, local, version({ app: 'code', profileId: 'p1' }, T2))).toMatchObject(
      { kind: 'clean' },
    );
  });
});

describe('last-write-wins', () => {
  const base = { name: 'Work', model: 'gpt-4o' };

  it('settles each conflicting field by its own clock, not the record clock', () => {
    // Local changed `model` late (T3) but its other field early; remote changed `model` at T2.
    const local = version({ name: 'Job', model: 'o1' }, T3, { name: T1, model: T3 });
    const remote = version({ name: 'Gig', model: 'o3' }, T2, { name: T2, model: T2 });
    const outcome = threeWayMerge(base, local, remote);
    expect(settleLastWriteWins(outcome, local, remote)).toEqual({
      data: { name: 'Gig', model: 'o1' },
      clocks: { name: T2, model: T3 },
    });
  });

  it('breaks a wall-clock tie by device id deterministically', () => {
    const a = '000000000005000:000000:devA';
    const b = '000000000005000:000000:devB';
    const local = version({ ...base, model: 'o1' }, a, { model: a });
    const remote = version({ ...base, model: 'o3' }, b, { model: b });
    expect(settleLastWriteWins(threeWayMerge(base, local, remote), local, remote).data).toEqual({
      ...base,
      model: 'o3',
    });
    // Swapped sides give the same answer: the result does not depend on who merges.
    expect(settleLastWriteWins(threeWayMerge(base, remote, local), remote, local).data).toEqual({
      ...base,
      model: 'o3',
    });
  });

  it('settles edit versus delete by which happened later', () => {
    const edit = version({ ...base, model: 'o3' }, T3);
    const deletion = version(null, T2);
    expect(settleLastWriteWins(threeWayMerge(base, deletion, edit), deletion, edit).data).toEqual({
      ...base,
      model: 'o3',
    });
    const lateDelete = version(null, T3);
    const earlyEdit = version({ ...base, model: 'o3' }, T2);
    expect(
      settleLastWriteWins(threeWayMerge(base, earlyEdit, lateDelete), earlyEdit, lateDelete).data,
    ).toBeNull();
  });

  it('lets a delete beat a version that only merged older edits (its record stamp is newer)', () => {
    // Stamped T3 by the merge that produced it; its fields last changed at T1.
    const merged = version({ ...base, model: 'o3' }, T3, { name: T1, model: T1, notes: T1 });
    const deletion = version(null, T2, { name: T2, model: T2, notes: T2 });
    expect(
      settleLastWriteWins(threeWayMerge(base, deletion, merged), deletion, merged).data,
    ).toBeNull();
    expect(
      settleLastWriteWins(threeWayMerge(base, merged, deletion), merged, deletion).data,
    ).toBeNull();
  });

  it('removes a field when the later side removed it', () => {
    const local = version({ name: 'Work' }, T3, { model: T3 });
    const remote = version({ name: 'Work', model: 'o3' }, T2, { model: T2 });
    expect(settleLastWriteWins(threeWayMerge(base, local, remote), local, remote).data).toEqual({
      name: 'Work',
    });
  });

  describe('over a tombstone base: an edit that won over a delete, then deleted again', () => {
    const T0 = '000000000000500:000000:devC';
    const all = (stamp: string) => ({ name: stamp, model: stamp, notes: stamp });
    // The record came back here: its apiKey was set at T1, after the delete both saw (T0).
    const restored = version({ ...base, apiKey: 'k' }, T1, { ...all(T0), apiKey: T1 });
    const deletedAgain = version(null, T2, all(T2));

    it('is a delete conflict, not the old delete, and the later of the two wins', () => {
      const outcome = threeWayMerge(null, restored, deletedAgain, T0);
      expect(outcome).toEqual({ kind: 'delete', deletedSide: 'remote' });
      expect(settleLastWriteWins(outcome, restored, deletedAgain).data).toBeNull();
      const mirrored = threeWayMerge(null, deletedAgain, restored, T0);
      expect(mirrored).toEqual({ kind: 'delete', deletedSide: 'local' });
      expect(settleLastWriteWins(mirrored, deletedAgain, restored).data).toBeNull();
      // An edit after the second delete still wins over it.
      const lateEdit = version({ ...base, apiKey: 'k' }, T3, { ...all(T0), apiKey: T3 });
      const late = threeWayMerge(null, lateEdit, deletedAgain, T0);
      expect(settleLastWriteWins(late, lateEdit, deletedAgain).data).toMatchObject({ apiKey: 'k' });
    });

    it('keeps the record when the tombstone is the same delete (resealed, not deleted again)', () => {
      const resealed = version(null, T2, all(T0));
      expect(threeWayMerge(null, restored, resealed, T0)).toMatchObject({
        kind: 'clean',
        data: { apiKey: 'k' },
      });
    });

    it('keeps a record created here that meets a tombstone it never saw (no base at all)', () => {
      expect(threeWayMerge(null, restored, deletedAgain)).toMatchObject({
        kind: 'clean',
        data: { apiKey: 'k' },
      });
    });
  });
});

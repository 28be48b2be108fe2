/** The field diff a conflict is shown with (moved here from the UI's own diff, which it replaced). */
import { describe, expect, it } from 'vitest';
import type { ConflictRow } from '../db/schema';
import { conflictView } from './view';

const side = (data: Record<string, unknown> | null) => ({
  data,
  hlc: '0',
  device: 'd',
  clocks: {},
});

const row = (over: Partial<ConflictRow>): ConflictRow => ({
  collection: 'profiles',
  id: 'p1',
  kind: 'fields',
  deletedSide: null,
  fields: ['model'],
  merged: null,
  base: { name: 'Work', model: 'a', apiKey: 'k1' },
  local: side({ name: 'Work', model: 'b', apiKey: 'k1' }),
  remote: { ...side({ name: 'Team', model: 'c', apiKey: 'k1' }), rev: 1 },
  detectedAt: 0,
  ...over,
});

const field = (view: ReturnType<typeof conflictView>, name: string) =>
  view.fields.find((d) => d.field === name);

describe('conflictView', () => {
  it('names the record from this device, even when its name is not among the differences', () => {
    expect(conflictView(row({})).title).toBe('Work');
    const unnamedHere = row({
      base: { name: 'Work', model: 'a' },
      local: side({ name: 'Work', model: 'b' }),
      remote: { ...side({ name: 'Work', model: 'c' }), rev: 1 },
    });
    const view = conflictView(unnamedHere);
    expect(view.fields.map((d) => d.field)).toEqual(['model']);
    expect(view.title).toBe('Work');
    // A side that deleted the record names nothing; the other side still does.
    const deleted = conflictView(row({ kind: 'delete', deletedSide: 'local', local: side(null) }));
    expect(deleted.title).toBe('Team');
    // The one settings record has no name: the UI falls back to its own label.
    expect(conflictView(row({ collection: 'settings', id: 'preferences' })).title).toBeNull();
  });

  it('marks a field changed on both sides to different values as a conflict', () => {
    expect(field(conflictView(row({})), 'model')).toMatchObject({
      changedLocally: true,
      changedRemotely: true,
      conflict: true,
    });
  });

  it('marks a field only one side changed, without a conflict', () => {
    expect(field(conflictView(row({})), 'name')).toMatchObject({
      changedLocally: false,
      changedRemotely: true,
      conflict: false,
    });
  });

  it('does not call identical changes a conflict', () => {
    const view = conflictView(
      row({ remote: { ...side({ name: 'Work', model: 'b', apiKey: 'k1' }), rev: 1 } }),
    );
    expect(field(view, 'model')?.conflict).toBe(false);
  });

  it('flags secret fields, masked unless revealed', () => {
    const view = conflictView(
      row({ remote: { ...side({ name: 'Team', model: 'c', apiKey: 'k2' }), rev: 1 } }),
    );
    expect(field(view, 'apiKey')?.secret).toBe(true);
    expect(field(view, 'apiKey')?.remote).not.toBe('k2');
    expect(field(view, 'name')?.secret).toBe(false);
    const revealed = conflictView(
      row({ remote: { ...side({ name: 'Team', model: 'c', apiKey: 'k2' }), rev: 1 } }),
      true,
    );
    expect(field(revealed, 'apiKey')?.remote).toBe('k2');
  });

  it('treats a deleted side as every field changed', () => {
    const view = conflictView(row({ kind: 'delete', deletedSide: 'local', local: side(null) }));
    expect(field(view, 'name')?.changedLocally).toBe(true);
    expect(view.fields.map((d) => d.field)).toEqual(['apiKey', 'model', 'name']);
  });

  it('leaves out fields no side changed', () => {
    expect(field(conflictView(row({})), 'apiKey')).toBeUndefined();
  });
});

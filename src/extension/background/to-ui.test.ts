import { describe, expect, it } from 'vitest';
import type { ConflictView } from '../../engine';
import { conflictForUi, matchesQuery, parseConflictId } from './to-ui';

const view = (over: Partial<ConflictView>): ConflictView => ({
  collection: 'profiles',
  id: 'p1',
  kind: 'fields',
  deletedSide: null,
  fields: [
    {
      field: 'model',
      base: 'a',
      local: 'b',
      remote: 'c',
      changedLocally: true,
      changedRemotely: true,
      conflict: true,
      secret: false,
    },
  ],
  localDevice: 'here',
  remoteDevice: 'there',
  detectedAt: 5,
  ...over,
});

describe('conflictForUi', () => {
  it('fills the fields every side shares from the record here', () => {
    const conflict = conflictForUi(view({}), { name: 'Work', model: 'b' });
    expect(conflict.base).toEqual({ name: 'Work', model: 'a' });
    expect(conflict.local).toEqual({ name: 'Work', model: 'b' });
    expect(conflict.remote).toEqual({ name: 'Work', model: 'c' });
    expect(parseConflictId(conflict.id)).toEqual({ collection: 'profiles', id: 'p1' });
  });

  it('drops a field one side removed', () => {
    const conflict = conflictForUi(
      view({
        fields: [
          {
            field: 'notes',
            base: 'x',
            local: 'y',
            remote: undefined,
            changedLocally: true,
            changedRemotely: true,
            conflict: true,
            secret: false,
          },
        ],
      }),
      { name: 'Work', notes: 'y' },
    );
    expect(conflict.remote).toEqual({ name: 'Work' });
  });

  it('shows a side that deleted the record as null', () => {
    expect(conflictForUi(view({ kind: 'delete', deletedSide: 'remote' }), {}).remote).toBeNull();
    expect(conflictForUi(view({ kind: 'delete', deletedSide: 'local' }), null).local).toBeNull();
  });
});

describe('matchesQuery', () => {
  const noSecrets = () => false;
  it('matches any visible field, case-insensitively', () => {
    expect(matchesQuery({ name: 'Work', model: 'GPT' }, 'gpt', noSecrets)).toBe(true);
    expect(matchesQuery({ name: 'Work' }, 'home', noSecrets)).toBe(false);
  });

  it('never searches secret fields', () => {
    expect(matchesQuery({ apiKey: 'sk-123' }, 'sk-1', (f) => f === 'apiKey')).toBe(false);
  });
});

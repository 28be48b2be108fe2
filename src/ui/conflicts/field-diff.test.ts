import { describe, expect, it } from 'vitest';
import type { Conflict, FieldDiff } from '../../host/contract';
import { conflictKey, conflictTitle, labelledFields } from './field-diff';

const diff = (field: string, over: Partial<FieldDiff>): FieldDiff => ({
  field,
  base: 'a',
  local: 'a',
  remote: 'a',
  changedLocally: false,
  changedRemotely: false,
  conflict: false,
  secret: false,
  ...over,
});

const conflict = (over: Partial<Conflict>): Conflict => ({
  collection: 'profiles',
  id: 'p1',
  title: 'Work',
  kind: 'fields',
  deletedSide: null,
  fields: [
    diff('extra', { remote: 1, changedRemotely: true }),
    diff('model', {
      local: 'b',
      remote: 'c',
      changedLocally: true,
      changedRemotely: true,
      conflict: true,
    }),
    diff('name', { base: 'Work', local: 'Work', remote: 'Team', changedRemotely: true }),
  ],
  localDevice: 'here',
  remoteDevice: 'there',
  detectedAt: 0,
  ...over,
});

describe('labelledFields', () => {
  it('prefers this device for a field changed on both sides', () => {
    const model = labelledFields(conflict({})).find((d) => d.field === 'model');
    expect(model).toMatchObject({ conflict: true, preferred: 'local', label: 'Model' });
  });

  it('prefers the only side that changed a field', () => {
    const name = labelledFields(conflict({})).find((d) => d.field === 'name');
    expect(name).toMatchObject({
      changedLocally: false,
      changedRemotely: true,
      conflict: false,
      preferred: 'remote',
      label: 'Name',
    });
  });

  it('keeps fields the UI does not know, after the known ones', () => {
    const fields = labelledFields(conflict({}));
    expect(fields.map((d) => d.field)).toEqual(['name', 'model', 'extra']);
    expect(fields.at(-1)?.label).toBe('extra');
  });
});

describe('conflictTitle', () => {
  it('names the record with the title the engine found', () => {
    expect(conflictTitle(conflict({}))).toBe('Work');
    expect(conflictKey(conflict({}))).toBe('profiles:p1');
  });

  it('falls back to the record id when the record has no name', () => {
    expect(conflictTitle(conflict({ title: null }))).toBe('p1');
  });
});

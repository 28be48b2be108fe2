import { describe, expect, it } from 'vitest';
import type { Conflict } from '../bridge';
import { diffFields } from './field-diff';

const conflict = (over: Partial<Conflict>): Conflict => ({
  id: 'c',
  collection: 'profiles',
  recordId: 'p1',
  detectedAt: 0,
  base: { name: 'Work', model: 'a', apiKey: 'k1' },
  local: { name: 'Work', model: 'b', apiKey: 'k1' },
  remote: { name: 'Team', model: 'c', apiKey: 'k1' },
  ...over,
});

describe('diffFields', () => {
  it('marks a field changed on both sides to different values as conflicted', () => {
    const model = diffFields(conflict({})).find((d) => d.field === 'model');
    expect(model).toMatchObject({
      localChanged: true,
      remoteChanged: true,
      conflicted: true,
      preferred: 'local',
    });
  });

  it('prefers the only side that changed a field', () => {
    const name = diffFields(conflict({})).find((d) => d.field === 'name');
    expect(name).toMatchObject({
      localChanged: false,
      remoteChanged: true,
      conflicted: false,
      preferred: 'remote',
    });
  });

  it('does not call identical changes a conflict', () => {
    const diff = diffFields(conflict({ remote: { name: 'Work', model: 'b', apiKey: 'k1' } }));
    expect(diff.find((d) => d.field === 'model')?.conflicted).toBe(false);
  });

  it('flags secret fields so they are masked', () => {
    const diff = diffFields(conflict({}));
    expect(diff.find((d) => d.field === 'apiKey')?.secret).toBe(true);
    expect(diff.find((d) => d.field === 'name')?.secret).toBe(false);
  });

  it('treats a deleted side as every field changed', () => {
    const diff = diffFields(conflict({ local: null }));
    expect(diff.find((d) => d.field === 'name')?.localChanged).toBe(true);
  });

  it('keeps fields the UI does not know, after the known ones', () => {
    const diff = diffFields(
      conflict({ remote: { name: 'Work', model: 'a', apiKey: 'k1', extra: 1 } }),
    );
    expect(diff.at(-1)?.field).toBe('extra');
  });
});

import { describe, expect, it } from 'vitest';
import { type AcknowledgedWrite, vanishedWrites } from './acknowledged-writes';

const stamp = (wall: number, device = 'd') => `${String(wall).padStart(15, '0')}:000000:${device}`;
const write = (
  wall: number,
  fields: Record<string, unknown> | null,
  id = 'r',
): AcknowledgedWrite => ({ device: 'd', id, hlc: stamp(wall), fields });

describe('vanishedWrites', () => {
  it('accepts present values and values superseded by a later write or delete', () => {
    const writes = [write(1, { name: 'a', model: 'm' }), write(2, { name: 'b' })];
    expect(vanishedWrites(writes, new Map([['r', { name: 'b', model: 'm' }]]))).toEqual([]);
    const deleted = [...writes, write(3, null)];
    expect(vanishedWrites(deleted, new Map())).toEqual([]);
  });

  it('reports a value lost to an older write, and an edit lost to an older delete', () => {
    const writes = [write(1, { name: 'a' }), write(2, { name: 'b' })];
    expect(vanishedWrites(writes, new Map([['r', { name: 'a' }]]))).toEqual([
      expect.stringContaining('r.name = "b"'),
    ]);
    const edited = [write(1, null), write(2, { name: 'c' })];
    expect(vanishedWrites(edited, new Map([['r', null]]))).toEqual([
      expect.stringContaining('r.name = "c"'),
    ]);
  });

  it('accepts a delete undone by a later edit', () => {
    const writes = [write(1, { name: 'a' }), write(2, null), write(3, { model: 'm' })];
    expect(vanishedWrites(writes, new Map([['r', { name: 'a', model: 'm' }]]))).toEqual([]);
  });

  it('reports a delete undone by an older edit', () => {
    const writes = [write(1, { name: 'a' }), write(2, null)];
    expect(vanishedWrites(writes, new Map([['r', { name: 'a' }]]))).toEqual([
      expect.stringContaining('delete of r'),
    ]);
  });
});

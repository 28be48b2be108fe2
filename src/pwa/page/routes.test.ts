import { describe, expect, it } from 'vitest';
import { hashForPopupRoute, viewFromHash } from './routes';

describe('viewFromHash', () => {
  it('reads the sections the options page has', () => {
    expect(viewFromHash('#records')).toEqual({ name: 'section', id: 'records' });
    expect(viewFromHash('#/devices')).toEqual({ name: 'section', id: 'devices' });
  });

  it('opens the status screen for an empty, #status or unknown hash', () => {
    for (const hash of ['', '#', '#status', '#nowhere']) {
      expect(viewFromHash(hash)).toEqual({ name: 'status' });
    }
  });

  it('round-trips a conflict id, colons and all', () => {
    const hash = hashForPopupRoute({ name: 'conflict', id: 'profiles:a/b c' });
    expect(hash).toBe('#conflicts/profiles%3Aa%2Fb%20c');
    expect(viewFromHash(hash)).toEqual({ name: 'conflicts', conflictId: 'profiles:a/b c' });
    expect(viewFromHash('#conflicts')).toEqual({ name: 'conflicts', conflictId: null });
  });

  it('maps the shared conflicts screen’s way home to the status screen', () => {
    expect(hashForPopupRoute({ name: 'home' })).toBe('#status');
    expect(hashForPopupRoute({ name: 'conflicts' })).toBe('#conflicts');
  });
});

import { describe, expect, it } from 'vitest';
import { triggerText } from './trigger-text';

describe('activity trigger text', () => {
  it('says a live poke caused the pull, and keeps an unknown trigger readable as its code', () => {
    expect(triggerText('live')).toBe('Live: another device saved a change');
    expect(triggerText('interval')).toBe('Timed sync');
    expect(triggerText('from-the-future')).toBe('from-the-future');
    expect(triggerText('toString')).toBe('toString');
  });
});

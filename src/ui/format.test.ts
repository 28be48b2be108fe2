import { describe, expect, it } from 'vitest';
import { formatBytes, progressText } from './format';

describe('formatBytes', () => {
  it('says bytes below a kilobyte and one decimal below ten of a unit', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(1023)).toBe('1023 bytes');
    expect(formatBytes(1024)).toBe('1 KB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(20 * 1024 * 1024)).toBe('20 MB');
    expect(formatBytes(3 * 1024 ** 5)).toBe('3072 TB');
  });
});

describe('progressText', () => {
  it('says "about" only for a total that is the server’s estimate', () => {
    expect(progressText({ done: 0, total: 0 })).toBe('Checking for changes…');
    expect(progressText({ done: 1000, total: 10_000, estimated: true })).toBe(
      '1,000 of about 10,000',
    );
    expect(progressText({ done: 3, total: 7 })).toBe('3 of 7');
  });
});

import { describe, expect, it } from 'vitest';
import { tooLargeText } from './too-large-notice';

describe('too-large notice', () => {
  it('says how many edits are held and what to do', () => {
    expect(tooLargeText(1)).toMatch(/^1 edit is too large to sync — shorten/);
    expect(tooLargeText(3)).toMatch(/^3 edits are too large to sync — shorten/);
  });
});

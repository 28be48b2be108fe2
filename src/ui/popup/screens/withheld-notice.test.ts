import { describe, expect, it } from 'vitest';
import { withheldText } from './withheld-notice';

describe('withheld notice', () => {
  it('says how many changes are held back, that nothing was deleted, and that Satchel asks again', () => {
    expect(withheldText(1)).toMatch(/^1 change your other devices made has not reached/);
    expect(withheldText(4)).toMatch(/^4 changes your other devices made have not reached/);
    expect(withheldText(4)).toMatch(/Nothing here was deleted; Satchel keeps asking/);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../protocol';
import { checkLimits, saneLimits } from './check-limits';

describe('server limits', () => {
  it('accepts the defaults and the bounds of what a server can be configured to', () => {
    expect(checkLimits({ ...DEFAULT_LIMITS })).toEqual(DEFAULT_LIMITS);
    expect(() => checkLimits({ ...DEFAULT_LIMITS, max_changes_limit: 1 })).not.toThrow();
  });

  it.each([
    ['max_changes_limit', 0],
    ['max_payload_bytes', 1],
    ['max_batch_ops', 0],
    ['max_changes_limit', 1e9],
    ['max_body_bytes', 2 ** 40],
  ])('refuses %s = %d, naming it', (name, value) => {
    expect(() => checkLimits({ ...DEFAULT_LIMITS, [name]: value })).toThrowError(
      expect.objectContaining({ code: 'limits_invalid', message: expect.stringContaining(name) }),
    );
  });

  it('replaces stored limits out of bounds by the defaults', () => {
    expect(saneLimits({ ...DEFAULT_LIMITS, max_changes_limit: 0 }, DEFAULT_LIMITS)).toEqual(
      DEFAULT_LIMITS,
    );
    expect(saneLimits(undefined, DEFAULT_LIMITS)).toEqual(DEFAULT_LIMITS);
  });
});

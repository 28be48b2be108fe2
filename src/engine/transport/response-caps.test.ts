import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../protocol';
import { batchCap, PAGE_BYTE_BUDGET, pageCap, safePageLimit } from './response-caps';

describe('response caps', () => {
  it('bounds a page by the budget, and a safe page fits its records at their size limit', () => {
    const limits = { ...DEFAULT_LIMITS };
    expect(pageCap(limits, limits.max_changes_limit)).toBe(PAGE_BYTE_BUDGET);
    const safe = safePageLimit(limits);
    expect(safe).toBeGreaterThan(50);
    expect(safe).toBeLessThan(limits.max_changes_limit);
    expect(safe * (limits.max_payload_bytes + 1024)).toBeLessThanOrEqual(PAGE_BYTE_BUDGET);
    expect(pageCap(limits, 2)).toBeLessThan(200 * 1024);
  });

  it('still reads one record at the largest size a server may allow', () => {
    const limits = { ...DEFAULT_LIMITS, max_payload_bytes: 16 * 1024 * 1024 };
    expect(safePageLimit(limits)).toBe(1);
    expect(pageCap(limits, 1)).toBeGreaterThan(16 * 1024 * 1024);
  });

  it('sizes a batch answer by the ops sent', () => {
    expect(batchCap({ ...DEFAULT_LIMITS }, 1)).toBeLessThan(batchCap({ ...DEFAULT_LIMITS }, 2));
    expect(batchCap({ ...DEFAULT_LIMITS }, 100)).toBeLessThan(8 * 1024 * 1024);
  });
});

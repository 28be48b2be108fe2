import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { type SuiteContext, T0 } from './context';

export function rateLimitTests(ctx: SuiteContext): void {
  describe('rate limits', () => {
    test('allows max hits per window, then refuses with the seconds left; a new window starts fresh', async () => {
      const store = ctx.store();
      const key = `signin:${randomUUID()}`;
      const hit = (now: number) => store.hitRateLimit(key, 3, 60_000, now);
      for (let i = 0; i < 3; i++)
        expect(await hit(T0 + i)).toEqual({ allowed: true, retryAfterS: 0 });
      expect(await hit(T0 + 10_500)).toEqual({ allowed: false, retryAfterS: 50 });
      expect(await hit(T0 + 59_999)).toEqual({ allowed: false, retryAfterS: 1 });
      expect(await hit(T0 + 60_000)).toEqual({ allowed: true, retryAfterS: 0 });
    });

    test('keys are independent, and reset forgets one', async () => {
      const store = ctx.store();
      const a = `ip:${randomUUID()}`;
      const b = `ip:${randomUUID()}`;
      expect((await store.hitRateLimit(a, 1, 1000, T0)).allowed).toBe(true);
      expect((await store.hitRateLimit(a, 1, 1000, T0)).allowed).toBe(false);
      expect((await store.hitRateLimit(b, 1, 1000, T0)).allowed).toBe(true);
      await store.resetRateLimit(a);
      expect((await store.hitRateLimit(a, 1, 1000, T0)).allowed).toBe(true);
      expect((await store.hitRateLimit(b, 1, 1000, T0)).allowed).toBe(false);
    });

    test('simultaneous hits are all counted', async () => {
      const store = ctx.store();
      const key = `burst:${randomUUID()}`;
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () => store.hitRateLimit(key, 7, 60_000, T0)),
      );
      expect(outcomes.filter((o) => o.allowed)).toHaveLength(7);
    });
  });
}

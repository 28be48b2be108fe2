/**
 * Fixed-window throttles kept in the store, so every server process counts against the same
 * numbers. Over the limit: 429 rate_limited with Retry-After.
 */
import type { Deps } from './context';
import { HttpProblem } from './errors';

export async function throttle(
  deps: Pick<Deps, 'store' | 'clock' | 'config'> & Partial<Pick<Deps, 'recent'>>,
  key: string,
  max: number,
  what: string,
  /** The window, when it is not the sign-in and user-code one (--rate-limit-window). */
  windowS = deps.config.rateLimitWindowS,
): Promise<void> {
  const outcome = await deps.store.hitRateLimit(key, max, windowS * 1000, deps.clock());
  if (!outcome.allowed) {
    deps.recent?.rateLimited(key, deps.clock());
    const retryAfter = Math.max(1, Math.ceil(outcome.retryAfterS));
    throw new HttpProblem('rate_limited', `Too many ${what}. Try again in ${retryAfter} seconds.`, {
      retry_after: retryAfter,
    });
  }
}

export function forgetThrottle(deps: Pick<Deps, 'store'>, key: string): Promise<void> {
  return deps.store.resetRateLimit(key);
}

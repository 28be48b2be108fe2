/**
 * Retry delays after a failed sync: exponential with jitter (so devices knocked offline together
 * do not come back in lockstep), never sooner than the server's Retry-After.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2000, maxMs: 5 * 60_000 };

/**
 * @param attempt 1 for the first retry
 * @param random a number in [0, 1): the jitter keeps between half and all of the exponential delay
 */
export function backoffDelay(
  attempt: number,
  random: number,
  retryAfterMs: number | null,
  policy = DEFAULT_BACKOFF,
): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(exponential * (0.5 + random / 2));
  return Math.max(jittered, retryAfterMs ?? 0);
}

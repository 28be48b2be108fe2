import type { Db } from '../db';
import type { RateLimitOutcome } from '../types';

/**
 * Fixed window per key, started by its first hit. One upsert, so concurrent hits from any number
 * of server processes count exactly.
 */
export async function hitRateLimit(
  db: Db,
  key: string,
  max: number,
  windowMs: number,
  now: number,
): Promise<RateLimitOutcome> {
  const { rows } = await db.query<{ resets_at: number; hits: number }>(
    `INSERT INTO rate_limits (key, resets_at, hits) VALUES ($1, $2::bigint + $3::bigint, 1)
     ON CONFLICT (key) DO UPDATE SET
       resets_at = CASE WHEN rate_limits.resets_at <= $2::bigint
                        THEN $2::bigint + $3::bigint ELSE rate_limits.resets_at END,
       hits = CASE WHEN rate_limits.resets_at <= $2::bigint
                   THEN 1 ELSE least(rate_limits.hits, 2000000000) + 1 END
     RETURNING resets_at, hits`,
    [key, now, windowMs],
  );
  const row = rows[0] as { resets_at: number; hits: number };
  if (row.hits <= max) return { allowed: true, retryAfterS: 0 };
  return { allowed: false, retryAfterS: Math.max(1, Math.ceil((row.resets_at - now) / 1000)) };
}

export async function resetRateLimit(db: Db, key: string): Promise<void> {
  await db.query('DELETE FROM rate_limits WHERE key = $1', [key]);
}

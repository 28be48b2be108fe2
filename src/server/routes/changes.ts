/**
 * GET /v1/changes?since=<cursor>&limit=<n>: the account's change feed in sequence order. The
 * cursor is the last sequence number the client has; `has_more` says to fetch again at once.
 * The hot path of every sync: the token, the page and the pairings waiting are read in one
 * statement (store `pullWithToken`), after the query is checked, so a bad one costs no read.
 */
import type { Hono } from 'hono';
import { type ChangesResponse, Cursor, validate } from '../../protocol';
import type { AppEnv, Deps } from '../context';
import { HttpProblem } from '../errors';
import type { Bearer } from '../middleware/bearer-auth';

const KNOWN = new Set(['since', 'limit']);

export function registerChanges(app: Hono<AppEnv>, deps: Deps, bearer: Bearer): void {
  const { store, config, clock } = deps;

  /** The query's since and limit, or the problem with it. */
  function readQuery(query: Record<string, string[]>): { since: number; limit: number } {
    for (const [name, values] of Object.entries(query)) {
      if (!KNOWN.has(name)) {
        throw new HttpProblem('invalid_request', `Unknown query parameter "${name}".`, {
          errors: [{ path: name, message: 'unknown parameter' }],
        });
      }
      if (values.length > 1) {
        throw new HttpProblem('invalid_request', `The query parameter "${name}" is repeated.`, {
          errors: [{ path: name, message: 'must appear once' }],
        });
      }
    }
    const since = query.since?.[0] ?? '0';
    if (!validate(Cursor, since).ok) {
      throw new HttpProblem(
        'invalid_cursor',
        'since must be a cursor this server returned (or 0).',
      );
    }
    const rawLimit = query.limit?.[0];
    let limit = config.maxChangesLimit;
    if (rawLimit !== undefined) {
      if (!/^\d{1,9}$/.test(rawLimit) || Number(rawLimit) < 1) {
        throw new HttpProblem('invalid_request', 'limit must be a whole number of at least 1.', {
          errors: [{ path: 'limit', message: 'must be a whole number >= 1' }],
        });
      }
      limit = Math.min(Number(rawLimit), config.maxChangesLimit);
    }
    return { since: Number(since), limit };
  }

  app.get('/v1/changes', async (c) => {
    const tokenHash = bearer.hashOf(c);
    const now = clock();
    let asked: { since: number; limit: number };
    try {
      asked = readQuery(c.req.queries());
    } catch (problem) {
      // As through the middleware: a bad token is told before a bad query.
      const grant = await store.findAccessToken(tokenHash, now);
      if (!grant) return bearer.reject(tokenHash, now);
      await bearer.admit(c, grant, now);
      throw problem;
    }
    const { since, limit } = asked;
    const pulled = await store.pullWithToken({ tokenHash, now, sinceSeq: since, limit });
    if (pulled.kind === 'no_grant') return bearer.reject(tokenHash, now);
    await bearer.admit(c, pulled.grant, now);
    // admit refuses a disabled account; this only tells the compiler.
    if (pulled.kind !== 'pulled') throw new Error('a disabled account was admitted');
    const { outcome } = pulled;
    if (outcome.kind === 'cursor_expired') {
      throw new HttpProblem(
        'cursor_expired',
        'Changes after this cursor were purged; resync from the beginning (since=0).',
      );
    }
    if (outcome.kind === 'cursor_ahead') {
      throw new HttpProblem(
        'cursor_expired',
        "This cursor is ahead of the account's changes (was the server restored from a backup?); resync from the beginning (since=0).",
      );
    }
    const body: ChangesResponse = {
      changes: outcome.changes,
      cursor: String(outcome.cursorSeq),
      has_more: outcome.hasMore,
      remaining: Math.max(0, outcome.lastSeq - outcome.cursorSeq),
      pending_pairings: pulled.pendingPairings,
    };
    c.header('Cache-Control', 'no-store');
    return c.json(body);
  });
}

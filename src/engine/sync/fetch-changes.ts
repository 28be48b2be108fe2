/**
 * One page of the change feed, bounded and checked for progress: its size by the protocol's
 * limits (transport/response-caps.ts), its cursor by having moved on when more is promised, so
 * no answer of a lying server makes a device hold a huge body or ask the same page forever.
 */
import type { ChangesResponse } from '../../protocol';
import { NetworkError } from '../errors';
import { safePageLimit } from '../transport/response-caps';
import type { SyncDeps } from './deps';

/** What reading the feed needs of a sync run (a rotation's retirement reads it too). */
export type FeedDeps = Pick<SyncDeps, 'api' | 'session' | 'limits' | 'pairingsNoticed'>;

function requestPage(deps: FeedDeps, since: string, limit: number): Promise<ChangesResponse> {
  return deps.session.withAccess((server, token) =>
    deps.api.changes(server, token, since, limit, deps.limits),
  );
}

/** Cursors are the feed's sequence numbers (at most 15 digits, exact as numbers). */
function advances(since: string, next: string): boolean {
  return Number(next) > Number(since);
}

export async function fetchChanges(deps: FeedDeps, since: string): Promise<ChangesResponse> {
  const { limits } = deps;
  let page: ChangesResponse;
  try {
    page = await requestPage(deps, since, limits.max_changes_limit);
  } catch (error) {
    // A full page of records near the size limit would not fit the byte budget: ask for as many
    // as fit. A page still over its cap then is a lie, and the error stands.
    const fits = safePageLimit(limits);
    const tooLarge = error instanceof NetworkError && error.code === 'response_too_large';
    if (!tooLarge || fits >= limits.max_changes_limit) throw error;
    page = await requestPage(deps, since, fits);
  }
  if (page.has_more && !advances(since, page.cursor)) {
    throw new NetworkError(
      'cursor_stuck',
      `The server said more changes follow cursor ${since}, but its next cursor is ${page.cursor}`,
    );
  }
  if (page.pending_pairings !== undefined) deps.pairingsNoticed(page.pending_pairings);
  return page;
}

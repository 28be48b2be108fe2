/**
 * The admin overview's "what went wrong lately": the last error responses and throttle refusals
 * of this process, in memory. They are diagnostics, not records: a restart forgets them and each
 * process of a multi-process server shows its own (writing a row per error would let a flood of
 * bad requests turn into a flood of writes).
 */

export interface RecentError {
  at: number;
  status: number;
  code: string;
  method: string;
  path: string;
}

export interface RateLimitHit {
  at: number;
  /** The throttle's kind, without the address or username it counted (e.g. sign-in:address). */
  scope: string;
  /** Refusals of this scope in a row, merged while they keep coming within a minute. */
  count: number;
}

const KEEP = 50;
const MERGE_MS = 60_000;

/**
 * Which errors are worth the owner's attention: every 5xx and every 4xx problem except 401 and
 * 404 (expired tokens and probes of unknown paths are everyday noise).
 */
export function isNotable(status: number, code: string | undefined): boolean {
  if (status >= 500) return true;
  return status >= 400 && code !== undefined && status !== 401 && status !== 404;
}

export class RecentEvents {
  private readonly errorList: RecentError[] = [];
  private readonly hitList: RateLimitHit[] = [];

  error(entry: RecentError): void {
    this.errorList.push(entry);
    if (this.errorList.length > KEEP) this.errorList.shift();
  }

  rateLimited(key: string, at: number): void {
    const scope = key.split(':').slice(0, 2).join(':');
    const last = this.hitList.at(-1);
    if (last && last.scope === scope && at - last.at < MERGE_MS) {
      last.count += 1;
      last.at = at;
      return;
    }
    this.hitList.push({ at, scope, count: 1 });
    if (this.hitList.length > KEEP) this.hitList.shift();
  }

  /** Newest first. */
  errors(): RecentError[] {
    return [...this.errorList].reverse();
  }

  rateLimitHits(): RateLimitHit[] {
    return this.hitList.map((hit) => ({ ...hit })).reverse();
  }
}

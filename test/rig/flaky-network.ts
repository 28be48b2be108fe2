/**
 * A real fetch with faults injected on demand: the network down, a request lost before it
 * reached the server, a response lost after the server committed, a server error, a delay, or a
 * request that never answers (an engine killed mid-flight).
 */
import type { FetchLike } from '../../src/engine';

export type Fault =
  /** Never reaches the server. */
  | 'requestLost'
  /** Reaches the server (which commits), the answer never arrives. */
  | 'responseLost'
  /** The server (a proxy) answers 503 without doing anything. */
  | 'serverError'
  /** The server answers 429 with Retry-After: 120, without doing anything. */
  | 'rateLimited'
  /** Reaches the server, then the answer is held for a while. */
  | 'delay'
  /** Reaches the server; the caller waits forever (until it aborts). */
  | 'hang';

export interface FaultRule {
  fault: Fault;
  /** Only requests whose `METHOD path` matches; all when absent. */
  match?: RegExp;
  /** How many matching requests it applies to (default 1). */
  times?: number;
}

export class FlakyNetwork {
  online = true;
  /** Every request attempted, as `METHOD /path`. */
  readonly log: string[] = [];
  private rules: Array<FaultRule & { left: number }> = [];
  private readonly hung: Array<() => void> = [];
  /** Requests sent whose answer (its headers) has not come back yet. */
  inFlight = 0;

  constructor(
    private readonly delayMs = 20,
    private readonly base: FetchLike = (input, init) => globalThis.fetch(input, init),
  ) {}

  inject(rule: FaultRule): void {
    this.rules.push({ ...rule, left: rule.times ?? 1 });
  }

  clearFaults(): void {
    this.rules = [];
  }

  /** Requests that hang stay hanging; this only forgets them (the engine holding them is gone). */
  get hanging(): number {
    return this.hung.length;
  }

  private take(label: string): Fault | null {
    const rule = this.rules.find(
      (candidate) => candidate.left > 0 && (!candidate.match || candidate.match.test(label)),
    );
    if (!rule) return null;
    rule.left -= 1;
    return rule.fault;
  }

  readonly fetch: FetchLike = async (input, init) => {
    const label = `${init?.method ?? 'GET'} ${new URL(input).pathname}`;
    this.log.push(label);
    if (!this.online) throw new TypeError('Failed to fetch (offline)');
    const fault = this.take(label);
    if (fault === 'requestLost') throw new TypeError('Failed to fetch (request lost)');
    if (fault === 'serverError') {
      return new Response(
        JSON.stringify({
          type: 'about:blank',
          title: 'Unavailable',
          status: 503,
          code: 'unavailable',
          detail: 'injected',
        }),
        {
          status: 503,
          headers: { 'content-type': 'application/problem+json', 'retry-after': '1' },
        },
      );
    }
    if (fault === 'rateLimited') {
      return new Response(
        JSON.stringify({
          type: 'about:blank',
          title: 'Slow down',
          status: 429,
          code: 'rate_limited',
          detail: 'injected',
          retry_after: 120,
        }),
        {
          status: 429,
          headers: { 'content-type': 'application/problem+json', 'retry-after': '120' },
        },
      );
    }
    this.inFlight += 1;
    let response: Response;
    try {
      response = await this.base(input, init);
    } finally {
      this.inFlight -= 1;
    }
    // Untouched when no fault applies: the device reads the body as it streams, as it would from
    // the network (reading it here first would hide how much of a huge body the device reads).
    if (fault === null) return response;
    const body = await response.text();
    if (fault === 'responseLost') throw new TypeError('Failed to fetch (response lost)');
    if (fault === 'delay') await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (fault === 'hang') {
      return new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () =>
          reject(new DOMException('aborted', 'AbortError')),
        );
        this.hung.push(() => reject(new TypeError('dropped')));
      });
    }
    const empty = response.status === 204 || response.status === 304;
    return new Response(empty ? null : body, {
      status: response.status,
      headers: response.headers,
    });
  };
}

/**
 * A lying server: the real server behind a layer that rewrites what it answers, or answers in its
 * place, for requests that match a rule. Every lie a test tells goes through here, so a case reads
 * as "when the server says X about Y" and the honest server is one `honest()` away.
 *
 * It sits under a device's FlakyNetwork (`newDevice(name, { through: liar.fetch })`), so network
 * faults and lies combine.
 */
import type { FetchLike } from '../../src/engine';

/** One request as the lie sees it. `body` is the parsed JSON the device sent, if any. */
export interface LieRequest {
  method: string;
  /** The path without the server's prefix, e.g. `/v1/changes`. */
  path: string;
  url: URL;
  body: unknown;
}

/** What the real server answered, parsed (`json` is undefined for an empty or non-JSON body). */
export interface HonestReply {
  status: number;
  headers: Headers;
  json: unknown;
  text: string;
}

/** The reply to send instead. A raw body (bytes, a stream) is sent as is. */
export interface ForgedReply {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  raw?: BodyInit | null;
}

/** A problem+json answer as a lying server would send it (`detail` says it is forged). */
export function forgedProblem(status: number, code: string): ForgedReply {
  return { status, json: { type: 'about:blank', title: code, status, code, detail: 'forged' } };
}

type Rewrite = (
  reply: HonestReply,
  request: LieRequest,
) => ForgedReply | undefined | Promise<ForgedReply | undefined>;
type Forge = (request: LieRequest) => ForgedReply | Promise<ForgedReply>;

interface Rule {
  match: RegExp;
  left: number;
  /** Answers in the server's place: the request never reaches it. */
  forge?: Forge;
  /** Rewrites the server's answer; undefined keeps it. */
  rewrite?: Rewrite;
}

export class HostileServer {
  /** Every request seen, as `METHOD /path`. */
  readonly log: string[] = [];
  /** How many times each rule's lie was told, in the order the rules were added. */
  readonly told: number[] = [];
  private rules: Rule[] = [];

  constructor(private readonly base: FetchLike = (input, init) => globalThis.fetch(input, init)) {}

  /**
   * Rewrites the server's answers to requests matching `METHOD /path` (e.g. /^GET \/v1\/changes/)
   * for the next `times` of them (all, by default).
   */
  rewrite(match: RegExp, rewrite: Rewrite, times = Number.POSITIVE_INFINITY): void {
    this.rules.push({ match, rewrite, left: times });
    this.told.push(0);
  }

  /** Answers matching requests itself; the real server never sees them (a forged ack, say). */
  forge(match: RegExp, forge: Forge, times = Number.POSITIVE_INFINITY): void {
    this.rules.push({ match, forge, left: times });
    this.told.push(0);
  }

  /** The server tells the truth again. */
  honest(): void {
    this.rules = [];
  }

  readonly fetch: FetchLike = async (input, init) => {
    const url = new URL(input);
    const method = init?.method ?? 'GET';
    const path = url.pathname.replace(/^.*?(\/v1\/|\/oauth\/|\/health)/, '$1');
    const label = `${method} ${path}${url.search}`;
    this.log.push(label);
    const index = this.rules.findIndex((rule) => rule.left > 0 && rule.match.test(label));
    const rule = index >= 0 ? this.rules[index] : undefined;
    if (!rule) return this.base(input, init);
    rule.left -= 1;
    this.told[index] = (this.told[index] ?? 0) + 1;
    const request: LieRequest = { method, path, url, body: parseBody(init?.body) };
    if (rule.forge) return toResponse(await rule.forge(request), undefined);
    const response = await this.base(input, init);
    const text = await response.text();
    const honest: HonestReply = {
      status: response.status,
      headers: response.headers,
      json: parseJson(text),
      text,
    };
    const forged = await rule.rewrite?.(honest, request);
    if (!forged) return toResponse({ status: honest.status, raw: text }, response.headers);
    return toResponse(forged, response.headers);
  };
}

function parseBody(body: RequestInit['body']): unknown {
  return typeof body === 'string' ? parseJson(body) : undefined;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toResponse(reply: ForgedReply, honestHeaders: Headers | undefined): Response {
  const status = reply.status ?? 200;
  const headers = new Headers(honestHeaders);
  // The body changes, so the server's length and encoding no longer describe it.
  headers.delete('content-length');
  headers.delete('content-encoding');
  for (const [name, value] of Object.entries(reply.headers ?? {})) headers.set(name, value);
  const empty = status === 204 || status === 304;
  let body: BodyInit | null = null;
  if (!empty) {
    if (reply.raw !== undefined) body = reply.raw;
    else if (reply.json !== undefined) {
      body = JSON.stringify(reply.json);
      if (!headers.has('content-type') || !/json/.test(headers.get('content-type') ?? '')) {
        headers.set(
          'content-type',
          status >= 400 ? 'application/problem+json' : 'application/json',
        );
      }
    }
  }
  return new Response(body, { status, headers });
}

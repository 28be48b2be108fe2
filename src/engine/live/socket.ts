/**
 * The live stream's transport, injected like fetch: the smallest WebSocket shape the live client
 * uses. The platform `WebSocket` (browsers, service workers) satisfies it, and so does the `ws`
 * package's client in Node tests; the engine never reaches for a global itself.
 */

/** What a message event carries: a text frame's string (anything else is refused). */
export interface LiveSocketMessage {
  data: unknown;
}

export interface LiveSocketClose {
  code: number;
}

// Handlers are declared as methods' types so the platform's (which take a richer event)
// are assignable: the client reads only `data` and `code`.
type Handler<E> = { bivariant(event: E): unknown }['bivariant'];

export interface LiveSocket {
  onopen: Handler<unknown> | null;
  onmessage: Handler<LiveSocketMessage> | null;
  onclose: Handler<LiveSocketClose> | null;
  onerror: Handler<unknown> | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** Opens a socket to `url` (ws: or wss:). */
export type LiveSocketFactory = (url: string) => LiveSocket;

/** The stream's address beside the server's REST paths: http → ws, https → wss. */
export function liveUrl(serverUrl: string): string {
  const base = serverUrl.replace(/\/+$/, '');
  return `${base.replace(/^http/, 'ws')}/v1/live`;
}

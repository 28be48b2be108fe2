/** The address a request comes from, for throttling and for showing on the approval page. */
import type { Context } from 'hono';
import type { AppEnv, Deps } from '../context';

function normalize(address: string): string {
  const trimmed = address.trim();
  // IPv4 clients of a dual-stack socket appear as IPv4-mapped IPv6 addresses.
  return trimmed.startsWith('::ffff:') && trimmed.includes('.') ? trimmed.slice(7) : trimmed;
}

export function clientAddress(
  c: Context<AppEnv>,
  deps: Pick<Deps, 'config' | 'peerAddress'>,
): string {
  return addressFrom(c.req.header('x-forwarded-for'), deps.peerAddress(c), deps.config.trustProxy);
}

/** The same rule for callers outside Hono (the live stream's upgrade). */
export function addressFrom(
  forwardedFor: string | undefined,
  peer: string | undefined,
  trustProxy: boolean,
): string {
  if (trustProxy) {
    // The right-most entry is the one our own proxy appended; entries left of it are client-made.
    const forwarded = forwardedFor?.split(',').at(-1);
    if (forwarded?.trim()) return normalize(forwarded);
  }
  return peer ? normalize(peer) : 'unknown';
}

/**
 * CORS for /v1 only: browser-extension origins and the configured web-app origins. No cookies are
 * involved (bearer tokens), so credentials are never allowed.
 */
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from '../context';

const EXTENSION_ORIGIN = /^(chrome-extension:\/\/[a-p]{32}|moz-extension:\/\/[0-9a-f-]{36})$/;

export function isAllowedOrigin(origin: string, appOrigins: readonly string[]): boolean {
  return EXTENSION_ORIGIN.test(origin) || appOrigins.includes(origin);
}

export function corsForApi(appOrigins: readonly string[]): MiddlewareHandler<AppEnv> {
  return cors({
    origin: (origin) => (isAllowedOrigin(origin, appOrigins) ? origin : null),
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match'],
    // Date: clients tell their clock's skew from it (pairing deadlines are in server time).
    exposeHeaders: ['ETag', 'Retry-After', 'WWW-Authenticate', 'X-Request-Id', 'Location', 'Date'],
    maxAge: 600,
  });
}

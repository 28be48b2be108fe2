/** Gives every request an id (X-Request-Id) and logs one line per request once it is answered. */
import { randomBytes } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { isNotable } from '../admin/recent';
import type { AppEnv, Deps } from '../context';

export function requestLog(
  deps: Pick<Deps, 'logger' | 'recent' | 'clock'>,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const requestId = randomBytes(8).toString('hex');
    c.set('requestId', requestId);
    await next();
    c.header('X-Request-Id', requestId);
    const status = c.res.status;
    const fields = {
      request_id: requestId,
      method: c.req.method,
      // The path only: query strings carry user codes and invite tokens.
      path: c.req.path,
      status,
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
      problem: c.get('problemCode'),
    };
    if (isNotable(status, fields.problem)) {
      deps.recent.error({
        at: deps.clock(),
        status,
        code: fields.problem ?? 'internal_error',
        method: fields.method,
        path: fields.path,
      });
    }
    // One line a request is an access log: wanted when asked for (LOG_LEVEL=debug), not by
    // default, where it would bury the few lines a person running the server reads.
    if (status >= 500) deps.logger.error('request', fields);
    else deps.logger.debug('request', fields);
  };
}

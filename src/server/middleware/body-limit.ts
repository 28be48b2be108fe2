/**
 * Refuses bodies over the configured size before anything parses them: by Content-Length when
 * given, otherwise while streaming.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../context';
import { HttpProblem } from '../errors';

export function limitBody(maxBytes: number): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new HttpProblem(
        'body_too_large',
        `The request body is larger than ${maxBytes} bytes.`,
        { limit: maxBytes, limit_name: 'max_body_bytes' },
      );
    },
  });
}

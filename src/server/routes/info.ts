/** GET /v1/info: protocol version, registration mode and limits, so clients size their batches. */
import type { Hono } from 'hono';
import { type Info, PROTOCOL_VERSION } from '../../protocol';
import { limitsOf } from '../config';
import type { AppEnv, Deps } from '../context';
import { SERVER_VERSION } from '../version';

export function registerInfo(app: Hono<AppEnv>, deps: Deps): void {
  const info: Info = {
    protocol_version: PROTOCOL_VERSION,
    server_version: SERVER_VERSION,
    registration: deps.config.registration,
    limits: limitsOf(deps.config),
  };
  app.get('/v1/info', (c) => c.json(info));
}

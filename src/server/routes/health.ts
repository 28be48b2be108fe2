/** GET /health: answers once the store answers, so load balancers see a usable process. */
import type { Hono } from 'hono';
import type { Health } from '../../protocol';
import type { AppEnv, Deps } from '../context';
import { HttpProblem } from '../errors';
import { describeError } from '../log';

export function registerHealth(app: Hono<AppEnv>, deps: Deps): void {
  app.get('/health', async (c) => {
    try {
      await deps.store.countAccounts();
    } catch (error) {
      deps.logger.error('health check: store unreachable', describeError(error));
      throw new HttpProblem('unavailable', 'The database does not answer.');
    }
    c.header('Cache-Control', 'no-store');
    return c.json({ status: 'ok' } satisfies Health);
  });
}

import pg from 'pg';

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 10_000;

/**
 * LISTEN needs a connection of its own for as long as it listens (a pooled one would be handed to
 * queries and lose it). When that connection drops, a new one is opened with backoff, so a
 * restarted PostgreSQL stops poking streams only until it is back; the streams' clients keep their
 * timed sync meanwhile. Notifications sent while disconnected are lost: that is what the timed
 * sync is for.
 */
export async function listenPostgres(
  url: string,
  channel: string,
  onPayload: (payload: string) => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retryMs = RETRY_MIN_MS;
  let retryTimer: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) onPayload(message.payload);
    });
    next.on('error', () => scheduleReconnect(next));
    next.on('end', () => scheduleReconnect(next));
    await next.connect();
    await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    client = next;
    retryMs = RETRY_MIN_MS;
  };

  const scheduleReconnect = (dead: pg.Client) => {
    if (stopped || client !== dead) return;
    client = undefined;
    dead.end().catch(() => {});
    const attempt = () => {
      retryTimer = undefined;
      if (stopped) return;
      connect().catch((err: unknown) => {
        process.stderr.write(`live: LISTEN reconnect failed: ${String(err)}\n`);
        retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
        retryTimer = setTimeout(attempt, retryMs);
        retryTimer.unref();
      });
    };
    retryTimer = setTimeout(attempt, retryMs);
    retryTimer.unref();
  };

  await connect();
  return async () => {
    stopped = true;
    if (retryTimer) clearTimeout(retryTimer);
    const last = client;
    client = undefined;
    await last?.end().catch(() => {});
  };
}

import { createHash } from 'node:crypto';
import pg from 'pg';
import { type Db, INT8_OID, parseInt8 } from './db';
import { DatabaseUnavailableError } from './errors';
import { listenPostgres } from './pg-listen';

/**
 * Deadlocks and serialisation failures are PostgreSQL's way of saying "try again": the whole
 * transaction rolled back, and our transaction bodies touch nothing outside the database.
 */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 5;

/**
 * Queries with parameters run as named prepared statements, so each connection parses and plans a
 * statement once instead of on every request (a measurable share of a sync request's cost). The
 * name is a hash of the text, so one name can never stand for two statements. Parameterless text
 * may hold several statements (migrations), which only the simple protocol allows: left unnamed.
 */
const statementNames = new Map<string, string>();
function prepared(sql: string, params: readonly unknown[]): pg.QueryConfig {
  if (params.length === 0) return { text: sql };
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `s_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return { name, text: sql, values: [...params] };
}

export interface PostgresOptions {
  /** Pool size per server process; several processes share one server's max_connections. */
  maxConnections?: number;
  /** Told when an idle pooled connection fails (the pool replaces it); defaults to stderr. */
  onIdleError?: (err: Error) => void;
}

export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    // Per pool rather than pg.types globally, so other pg users in the process are unaffected.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID && format !== 'binary'
          ? parseInt8
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection must not crash the process; the pool reconnects.
  pool.on('error', options.onIdleError ?? reportIdleError);
  // Fail at open, not on the first request, when the server is unreachable.
  try {
    const probe = await pool.connect();
    probe.release();
  } catch (err) {
    await pool.end();
    throw new DatabaseUnavailableError(err);
  }

  return {
    async query<T>(sql: string, params: readonly unknown[] = []) {
      const result = await pool.query(prepared(sql, params));
      return { rows: result.rows as T[] };
    },
    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await runTransaction(pool, fn);
        } catch (err) {
          if (attempt >= MAX_ATTEMPTS || !RETRYABLE.has(sqlState(err))) throw err;
        }
      }
    },
    listen: (channel, onPayload) => listenPostgres(url, channel, onPayload),
    close: () => pool.end(),
  };
}

async function runTransaction<T>(pool: pg.Pool, fn: (tx: Db) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const tx: Db = {
    async query<R>(sql: string, params: readonly unknown[] = []) {
      const result = await client.query(prepared(sql, params));
      return { rows: result.rows as R[] };
    },
    transaction: (inner) => inner(tx),
    close: async () => {},
  };
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const value = await fn(tx);
    await client.query('COMMIT');
    return value;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackErr) {
      // A connection that cannot roll back is unusable: destroy it instead of pooling it.
      broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
    }
    throw err;
  } finally {
    client.release(broken);
  }
}

function reportIdleError(err: Error): void {
  console.error(
    JSON.stringify({
      level: 'error',
      msg: 'postgres idle connection failed',
      code: sqlState(err),
      error: err.message,
    }),
  );
}

function sqlState(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
}

import type { Db } from './db';
import { openPglite } from './pglite';
import { openPostgres } from './postgres';
import { runMigrations } from './run-migrations';
import { createSqlStore } from './sql-store';
import type { Store } from './types';

export interface OpenStoreOptions {
  /** A PostgreSQL URL: use that server (several processes may share it). */
  databaseUrl?: string;
  /** Otherwise PGlite persisted in this folder; in memory when this is undefined too. */
  dataDir?: string;
  /** PostgreSQL pool size for this process (default 10). */
  maxConnections?: number;
}

/** Opens the database the options name and brings its schema up to date before returning. */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const db: Db =
    options.databaseUrl !== undefined
      ? await openPostgres(options.databaseUrl, { maxConnections: options.maxConnections })
      : await openPglite(options.dataDir);
  try {
    await runMigrations(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return createSqlStore(db);
}

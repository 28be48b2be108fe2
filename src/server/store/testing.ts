/**
 * Test helpers for suites that need a real PostgreSQL (the store's and the HTTP server's).
 * Not exported from index.ts: production code never creates databases.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db } from './db';
import { StoreError } from './errors';
import { storeDbs } from './sql-store';
import type { Store } from './types';

export class MissingTestDatabaseError extends StoreError {
  constructor() {
    super(
      'missing_test_database',
      'TEST_DATABASE_URL is not set: the PostgreSQL tests need a server. Run them through ' +
        '`npm test`, or start one with `node scripts/ensure-deps.mjs pg` and export the ' +
        'TEST_DATABASE_URL it prints.',
    );
  }
}

export interface TestPostgresDatabase {
  /** URL of the fresh, empty database. */
  url: string;
  /** Drops it, disconnecting whoever is still connected. */
  drop(): Promise<void>;
}

/**
 * Creates a uniquely named, empty database inside the server TEST_DATABASE_URL points at (which
 * other suites and engineers use at the same time, so nothing here assumes it is empty).
 */
export async function createTestPostgresDatabase(
  prefix = 'satchel_t',
): Promise<TestPostgresDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) throw new MissingTestDatabaseError();
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The database under a store opened by openStore, for tests that look beneath its methods. */
export function storeDb(store: Store): Db {
  const db = storeDbs.get(store);
  if (!db) throw new Error('this store was not made by createSqlStore');
  return db;
}

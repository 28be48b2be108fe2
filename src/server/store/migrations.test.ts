import { describe, expect, test } from 'vitest';
import type { Db } from './db';
import { MigrationError, SchemaTooNewError } from './errors';
import { MIGRATIONS } from './migrations';
import { openPglite } from './pglite';
import { openPostgres } from './postgres';
import { runMigrations } from './run-migrations';
import { createSqlStore } from './sql-store';
import { createTestPostgresDatabase } from './testing';

const latest = Math.max(...MIGRATIONS.map((m) => m.version));

async function appliedVersions(db: Db): Promise<number[]> {
  const { rows } = await db.query<{ version: number }>(
    'SELECT version FROM schema_migrations ORDER BY version',
  );
  return rows.map((row) => row.version);
}

async function withPglite(fn: (db: Db) => Promise<void>): Promise<void> {
  const db = await openPglite();
  try {
    await fn(db);
  } finally {
    await db.close();
  }
}

describe('migrations', () => {
  test('versions are unique and ascending, so the list reads as history', () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
    expect(versions[0]).toBe(1);
  });

  test('apply once, then find nothing to do', async () => {
    await withPglite(async (db) => {
      expect(await runMigrations(db)).toEqual(MIGRATIONS.map((m) => m.version));
      expect(await runMigrations(db)).toEqual([]);
      expect(await appliedVersions(db)).toEqual(MIGRATIONS.map((m) => m.version));
    });
  });

  test('a later migration applies on top of an existing schema', async () => {
    await withPglite(async (db) => {
      await runMigrations(db);
      const next = {
        version: latest + 1,
        name: 'add a column',
        statements: ['ALTER TABLE accounts ADD COLUMN note text'],
      };
      expect(await runMigrations(db, [...MIGRATIONS, next])).toEqual([latest + 1]);
      expect((await db.query('SELECT note FROM accounts')).rows).toEqual([]);
    });
  });

  test('version 7 keeps the invites made before it: ids given, a used one counted as spent', async () => {
    await withPglite(async (db) => {
      await runMigrations(
        db,
        MIGRATIONS.filter((m) => m.version <= 6),
      );
      await db.query(
        `INSERT INTO accounts (id, username, password_hash, role, created_at)
         VALUES ('a1', 'owner', 'h', 'owner', 1)`,
      );
      await db.query(
        `INSERT INTO invites (token_hash, created_by, created_at, expires_at, used_at)
         VALUES ('used', 'a1', 1, 9e12, 5), ('fresh', 'a1', 2, 9e12, NULL)`,
      );
      expect(await runMigrations(db)).toEqual(
        MIGRATIONS.filter((m) => m.version > 6).map((m) => m.version),
      );
      const store = createSqlStore(db);
      const invites = await store.listInvites(10);
      expect(invites.map((i) => [i.createdAt, i.state, i.useCount, i.maxUses])).toEqual([
        [2, 'usable', 0, 1],
        [1, 'spent', 1, 1],
      ]);
      expect(invites.every((i) => /^[0-9a-f]{10}$/.test(i.id))).toBe(true);
      expect(await store.inviteState('fresh', 10)).toBe('usable');
      expect(await store.inviteState('used', 10)).toBe('spent');
    });
  });

  test('a failing migration is rolled back whole and reported with its version', async () => {
    await withPglite(async (db) => {
      const broken = [
        ...MIGRATIONS,
        {
          version: latest + 1,
          name: 'half broken',
          statements: ['CREATE TABLE half_done (x int)', 'SELECT * FROM no_such_table'],
        },
      ];
      const error = await runMigrations(db, broken).catch((e) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect(error).toMatchObject({ code: 'migration_failed', version: latest + 1 });
      // Everything in that run rolled back, including the migrations before the broken one.
      const tables = await db.query(
        `SELECT 1 FROM pg_tables WHERE tablename IN ('half_done', 'accounts')`,
      );
      expect(tables.rows).toEqual([]);
      expect(await runMigrations(db)).toEqual(MIGRATIONS.map((m) => m.version));
    });
  });

  test('a database migrated by a newer server is refused', async () => {
    await withPglite(async (db) => {
      await runMigrations(db);
      await db.query(
        `INSERT INTO schema_migrations (version, name) VALUES ($1, 'from the future')`,
        [latest + 5],
      );
      const error = await runMigrations(db).catch((e) => e);
      expect(error).toBeInstanceOf(SchemaTooNewError);
      expect(error).toMatchObject({
        code: 'schema_too_new',
        databaseVersion: latest + 5,
        knownVersion: latest,
      });
    });
  });

  test('several processes starting at once on one PostgreSQL: each migration applied exactly once', async () => {
    const database = await createTestPostgresDatabase('satchel_mig');
    const pools: Db[] = [];
    try {
      for (let i = 0; i < 4; i++)
        pools.push(await openPostgres(database.url, { maxConnections: 2 }));
      const applied = await Promise.all(pools.map((db) => runMigrations(db)));
      // One process did the work, the others found it done.
      expect(applied.filter((versions) => versions.length > 0)).toEqual([
        MIGRATIONS.map((m) => m.version),
      ]);
      const first = pools[0] as Db;
      expect(await appliedVersions(first)).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      for (const db of pools) await db.close();
      await database.drop();
    }
  });
});

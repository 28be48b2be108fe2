import type { Db } from './db';
import { MigrationError, SchemaTooNewError } from './errors';
import { MIGRATIONS, type Migration } from './migrations';

/**
 * Arbitrary but fixed advisory-lock key: every server process starting against one database
 * queues on it, so exactly one applies the pending migrations and the others then find none.
 * Advisory locks are per database, so other databases on the same server are unaffected.
 */
const MIGRATION_LOCK_KEY = 7_361_420_019;

/** Applies pending migrations in one transaction; returns the versions it applied. */
export async function runMigrations(
  db: Db,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((row) => row.version));
    const known = Math.max(0, ...migrations.map((m) => m.version));
    const newest = Math.max(0, ...applied);
    if (newest > known) throw new SchemaTooNewError(newest, known);

    const done: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      try {
        for (const statement of migration.statements) await tx.query(statement);
        await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
      } catch (err) {
        throw new MigrationError(migration.version, migration.name, err);
      }
      done.push(migration.version);
    }
    return done;
  });
}

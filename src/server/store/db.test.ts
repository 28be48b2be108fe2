/**
 * The two Db adapters behave alike: numbers for int8, atomic transactions, and PGlite's single
 * connection serialising concurrent transactions instead of interleaving them.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Db } from './db';
import { DatabaseUnavailableError, UnsafeIntegerError } from './errors';
import { openPglite } from './pglite';
import { openPostgres } from './postgres';
import { createTestPostgresDatabase } from './testing';

const adapters: [string, () => Promise<{ db: Db; dispose(): Promise<void> }>][] = [
  [
    'PGlite',
    async () => {
      const db = await openPglite();
      return { db, dispose: () => db.close() };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const database = await createTestPostgresDatabase('satchel_db');
      const db = await openPostgres(database.url, { maxConnections: 4 });
      return {
        db,
        dispose: async () => {
          await db.close();
          await database.drop();
        },
      };
    },
  ],
];

describe.each(adapters)('Db adapter: %s', (_name, open) => {
  let handle: { db: Db; dispose(): Promise<void> } | undefined;
  const db = (): Db => {
    if (!handle) throw new Error('the database did not open (see the beforeAll error)');
    return handle.db;
  };
  beforeAll(async () => {
    handle = await open();
    await db().query('CREATE TABLE counters (name text PRIMARY KEY, n bigint NOT NULL)');
  });
  afterAll(async () => handle?.dispose());

  test('int8 values come back as numbers, with $n parameters', async () => {
    const { rows } = await db().query<{ big: number; counted: number; int: number }>(
      'SELECT $1::bigint AS big, count(*) AS counted, 7::integer AS int FROM (VALUES (1), (2)) v',
      [Number.MAX_SAFE_INTEGER],
    );
    expect(rows).toEqual([{ big: Number.MAX_SAFE_INTEGER, counted: 2, int: 7 }]);
  });

  test('an int8 beyond the safe range is refused rather than rounded', async () => {
    await expect(db().query('SELECT 9007199254740993::bigint AS big')).rejects.toBeInstanceOf(
      UnsafeIntegerError,
    );
  });

  test('a transaction that throws leaves nothing behind; one that resolves commits', async () => {
    await expect(
      db().transaction(async (tx) => {
        await tx.query(`INSERT INTO counters VALUES ('rolled', 1)`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await db().query(`SELECT * FROM counters WHERE name = 'rolled'`)).rows).toEqual([]);

    const value = await db().transaction(async (tx) => {
      await tx.query(`INSERT INTO counters VALUES ('kept', 1)`);
      // Joining the outer transaction, not nesting: rolled back or committed with it.
      await tx.transaction((inner) => inner.query(`UPDATE counters SET n = 2 WHERE name = 'kept'`));
      return 'done';
    });
    expect(value).toBe('done');
    expect((await db().query(`SELECT n FROM counters WHERE name = 'kept'`)).rows).toEqual([
      { n: 2 },
    ]);
  });

  test('a failed statement inside a transaction rolls back the earlier ones', async () => {
    await expect(
      db().transaction(async (tx) => {
        await tx.query(`INSERT INTO counters VALUES ('half', 1)`);
        await tx.query(`INSERT INTO counters VALUES ('half', 2)`);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect((await db().query(`SELECT * FROM counters WHERE name = 'half'`)).rows).toEqual([]);
  });

  test('concurrent read-modify-write transactions never lose an update', async () => {
    await db().query(`INSERT INTO counters VALUES ('race', 0)`);
    await Promise.all(
      Array.from({ length: 20 }, () =>
        db().transaction(async (tx) => {
          const { rows } = await tx.query<{ n: number }>(
            `SELECT n FROM counters WHERE name = 'race' FOR UPDATE`,
          );
          // Yield between read and write, where an interleaving would lose the update.
          await new Promise((resolve) => setTimeout(resolve, 1));
          await tx.query(`UPDATE counters SET n = $1 WHERE name = 'race'`, [(rows[0]?.n ?? 0) + 1]);
        }),
      ),
    );
    const { rows } = await db().query(`SELECT n FROM counters WHERE name = 'race'`);
    expect(rows).toEqual([{ n: 20 }]);
  });

  test('plain queries issued during a transaction do not see its uncommitted writes', async () => {
    await db().query(`INSERT INTO counters VALUES ('iso', 0)`);
    let outside: unknown;
    await db().transaction(async (tx) => {
      await tx.query(`UPDATE counters SET n = 1 WHERE name = 'iso'`);
      // On PGlite this query waits for the transaction to end; on PostgreSQL it uses another
      // connection. Either way it must not read the uncommitted 1.
      const pending = db().query<{ n: number }>(`SELECT n FROM counters WHERE name = 'iso'`);
      outside = pending;
      await tx.query(`UPDATE counters SET n = 2 WHERE name = 'iso'`);
    });
    const { rows } = await (outside as Promise<{ rows: { n: number }[] }>);
    expect([0, 2]).toContain(rows[0]?.n);
  });
});

test('an unreachable PostgreSQL fails at open with database_unavailable', async () => {
  const error = await openPostgres('postgres://satchel:s3cret-pw@127.0.0.1:1/nowhere').catch(
    (e) => e,
  );
  expect(error).toBeInstanceOf(DatabaseUnavailableError);
  expect(error.code).toBe('database_unavailable');
  expect(String(error.message)).not.toContain('s3cret-pw');
});

import { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock';
import { type Db, INT8_OID, parseInt8 } from './db';

type PgliteTx = Parameters<Parameters<PGlite['transaction']>[0]>[0];

/**
 * PGlite is a single connection. Its own mutex queues `query` and `transaction` calls, so a query
 * never runs inside another caller's open transaction; statements of one transaction go through
 * the `tx` handle it hands out (calling the outer db inside a transaction would wait forever).
 */
export async function openPglite(dataDir?: string): Promise<Db> {
  const unlock = dataDir === undefined ? async () => {} : await lockDataDir(dataDir);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      ...(dataDir === undefined ? {} : { dataDir }),
      parsers: { [INT8_OID]: parseInt8 },
    });
  } catch (err) {
    await unlock();
    throw err;
  }
  return {
    async query<T>(sql: string, params: readonly unknown[] = []) {
      const result = await pglite.query<T>(sql, [...params]);
      return { rows: result.rows };
    },
    transaction: (fn) => pglite.transaction((tx) => fn(txDb(tx))),
    listen: (channel, onPayload) => pglite.listen(channel, onPayload),
    async close() {
      try {
        await pglite.close();
      } finally {
        await unlock();
      }
    },
  };
}

function txDb(tx: PgliteTx): Db {
  const db: Db = {
    async query<T>(sql: string, params: readonly unknown[] = []) {
      const result = await tx.query<T>(sql, [...params]);
      return { rows: result.rows };
    },
    transaction: (fn) => fn(db),
    close: async () => {},
  };
  return db;
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from './open-store';
import { defineStoreSuite, type StoreTestDatabase } from './store.suite';
import { crossProcessTests } from './suite/cross-process';
import { createTestPostgresDatabase } from './testing';

defineStoreSuite({
  name: 'PGlite in memory',
  persistent: false,
  async createDatabase() {
    let opened = false;
    return {
      open() {
        if (opened) throw new Error('an in-memory database cannot be opened twice');
        opened = true;
        return openStore({});
      },
      destroy: async () => {},
    };
  },
});

defineStoreSuite({
  name: 'PGlite in a data folder',
  persistent: true,
  async createDatabase() {
    const dataDir = await mkdtemp(join(tmpdir(), 'satchel-store-'));
    return {
      open: () => openStore({ dataDir }),
      destroy: () => rm(dataDir, { recursive: true, force: true }),
    };
  },
});

/** A uniquely named database inside TEST_DATABASE_URL's server; fails loudly without it. */
async function postgresDatabase(): Promise<StoreTestDatabase> {
  const database = await createTestPostgresDatabase('satchel_store');
  return {
    open: () => openStore({ databaseUrl: database.url, maxConnections: 4 }),
    destroy: () => database.drop(),
  };
}

defineStoreSuite({ name: 'PostgreSQL', persistent: true, createDatabase: postgresDatabase });
crossProcessTests(postgresDatabase);

/**
 * THE store suite: every test here runs unchanged against each adapter (store.test.ts registers
 * PGlite in memory, PGlite in a data folder and PostgreSQL).
 */
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { accountTests } from './suite/accounts';
import { adminTests } from './suite/admin';
import { changesTests } from './suite/changes';
import type { StoreTestDatabase, SuiteContext } from './suite/context';
import { deviceTests } from './suite/devices';
import { grantTests } from './suite/grants';
import { housekeepingTests } from './suite/housekeeping';
import { inviteTests } from './suite/invites';
import { keyDocumentTests } from './suite/keys';
import { pairingTests } from './suite/pairings';
import { persistenceTests } from './suite/persistence';
import { pullWithTokenTests } from './suite/pull-with-token';
import { rateLimitTests } from './suite/rate-limits';
import { recordTests } from './suite/records';
import { recordModelTests } from './suite/records-model';
import { sessionTests } from './suite/sessions';
import { tokenTests } from './suite/tokens';
import { tombstoneTests } from './suite/tombstones';
import type { Store } from './types';

export type { StoreTestDatabase } from './suite/context';

export interface StoreSuiteTarget {
  name: string;
  /** A new, empty database; the suite opens Stores over it and destroys it when done. */
  createDatabase(): Promise<StoreTestDatabase>;
  /** open() may be called again after close() and finds the same data. */
  persistent: boolean;
}

export function defineStoreSuite(target: StoreSuiteTarget): void {
  describe(`Store on ${target.name}`, () => {
    let shared: { database: StoreTestDatabase; store: Store } | undefined;
    const fresh: { database: StoreTestDatabase; store: Store }[] = [];

    beforeAll(async () => {
      const database = await target.createDatabase();
      shared = { database, store: await database.open() };
    });
    afterEach(async () => {
      for (const { database, store } of fresh.splice(0)) {
        await store.close();
        await database.destroy();
      }
    });
    afterAll(async () => {
      await shared?.store.close();
      await shared?.database.destroy();
    });

    const ctx: SuiteContext = {
      store() {
        if (!shared) throw new Error('the shared store did not open (see the beforeAll error)');
        return shared.store;
      },
      async freshStore() {
        const database = await target.createDatabase();
        const store = await database.open();
        fresh.push({ database, store });
        return store;
      },
    };

    accountTests(ctx);
    inviteTests(ctx);
    sessionTests(ctx);
    grantTests(ctx);
    deviceTests(ctx);
    tokenTests(ctx);
    keyDocumentTests(ctx);
    recordTests(ctx);
    recordModelTests(ctx);
    changesTests(ctx);
    pullWithTokenTests(ctx);
    tombstoneTests(ctx);
    pairingTests(ctx);
    rateLimitTests(ctx);
    housekeepingTests(ctx);
    adminTests(ctx);
    if (target.persistent) persistenceTests(() => target.createDatabase());
  });
}

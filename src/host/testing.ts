/** For the host's tests: a real engine on fake-indexeddb with no network, behind the host. */
import { createEngine, type Engine } from '../engine';
import { freshDbName, testIndexedDB } from '../engine/testing/idb';
import { createHost } from './commands';
import type { Host } from './host';

/** Engines the tests opened; close them in afterEach. */
export const openEngines: Engine[] = [];

export async function offlineHost(
  stored = 'http://localhost:8787',
): Promise<{ host: Host; engine: Engine; saved(): string }> {
  const engine = createEngine({
    dbName: freshDbName('adapter'),
    clientId: 'satchel-extension',
    indexedDB: await testIndexedDB(),
    fetch: () => Promise.reject(new TypeError('offline in this test')),
  });
  openEngines.push(engine);
  let server = stored;
  const host = await createHost(engine, {
    serverSetting: {
      read: async () => server,
      write: async (url) => {
        server = url;
      },
    },
    openTab: async () => undefined,
    describeDevice: async () => ({ deviceName: 'Test', platform: 'test' }),
  });
  return { host, engine, saved: () => server };
}

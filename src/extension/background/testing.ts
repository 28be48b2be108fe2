/** For the host adapter's tests: a real engine on fake-indexeddb with no network, behind the adapter. */
import { createEngine, type Engine } from '../../engine';
import { freshDbName, testIndexedDB } from '../../engine/testing/idb';
import { createHostEngine } from './engine-adapter';
import type { HostEngine } from './host-engine';

/** Engines the tests opened; close them in afterEach. */
export const openEngines: Engine[] = [];

export async function offlineHost(
  stored = 'http://localhost:8787',
): Promise<{ host: HostEngine; saved(): string }> {
  const engine = createEngine({
    dbName: freshDbName('adapter'),
    clientId: 'satchel-extension',
    indexedDB: await testIndexedDB(),
    fetch: () => Promise.reject(new TypeError('offline in this test')),
  });
  openEngines.push(engine);
  let server = stored;
  const host = await createHostEngine(engine, {
    server: {
      read: async () => server,
      write: async (url) => {
        server = url;
      },
    },
    openTab: async () => undefined,
    describeDevice: async () => ({ deviceName: 'Test', platform: 'test' }),
  });
  return { host, saved: () => server };
}

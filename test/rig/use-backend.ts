/**
 * One backend per test file: `const backend = useBackend(options)` at the top level starts it
 * before the file's tests and closes it after them. The object it returns forwards to the backend
 * once started, so tests and helpers take it as they would the backend itself.
 */
import { afterAll, beforeAll } from 'vitest';
import { isManifestId } from '../../src/engine/omission/manifest-seal';
// Through '../rig/backend', not './backend': the Chromium project's alias swaps in
// backend.browser.ts by matching that '/rig/backend' specifier (see vitest.config.ts).
import { startBackend } from '../rig/backend';
import type { BackendOptions, TestBackend } from './test-backend';

export function useBackend(options: BackendOptions = {}): TestBackend {
  let backend: TestBackend | undefined;
  beforeAll(async () => {
    backend = await startBackend(options);
  });
  afterAll(async () => {
    await backend?.close();
  });
  const started = (): TestBackend => {
    if (!backend) throw new Error('useBackend: the backend is started in beforeAll, not yet');
    return backend;
  };
  return {
    get url() {
      return started().url;
    },
    approve: (userCode, credentials) => started().approve(userCode, credentials),
    deny: (userCode, credentials) => started().deny(userCode, credentials),
    // The account's records as the engine's users know them: state manifests (src/engine/omission,
    // ids `<writer>_m<chunk>`, writer ids 12 characters) are the engine's own, not records.
    records: async (account) =>
      new Map(
        [...(await started().records(account))].filter(([, record]) => !isManifestId(record.id)),
      ),
    replaceKeyDocument: (accountId, replacement) =>
      started().replaceKeyDocument(accountId, replacement),
    setClockOffset: (ms) => started().setClockOffset(ms),
    purgeTombstones: () => started().purgeTombstones(),
    startLive: () => started().startLive(),
    close: () => started().close(),
  };
}

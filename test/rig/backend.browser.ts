/**
 * The test backend in vitest's Chromium project: the real server runs in the Node process and
 * the engine under test talks to it over real HTTP from the page; what a page cannot do (approve
 * through the /activate forms, read the server's store) goes through vitest commands.
 */
import { inject } from 'vitest';
import { commands } from 'vitest/browser';
import type { EngineTestCommands } from './command-contract';
import type { BackendOptions, TestBackend } from './test-backend';

export { newPerson, type TestBackend } from './test-backend';

declare module 'vitest/browser' {
  interface BrowserCommands extends EngineTestCommands {}
}

/**
 * The project's shared server when the defaults will do; a server of its own (stopped by
 * `close`) when the file asks for other settings.
 */
export async function startBackend(options: BackendOptions = {}): Promise<TestBackend> {
  const origin = location.origin;
  const shared = options.config === undefined;
  let url: string;
  if (shared) {
    url = inject('engineServerUrl');
    await commands.useTestServer(url, origin);
  } else {
    url = await commands.startTestServer(options, origin);
  }
  return {
    url,
    approve: (userCode, credentials) =>
      commands.decideDeviceCode(url, userCode, credentials, 'approve'),
    deny: (userCode, credentials) => commands.decideDeviceCode(url, userCode, credentials, 'deny'),
    records: async (account) => new Map(await commands.serverRecords(url, account)),
    replaceKeyDocument: (accountId, replacement) =>
      commands.replaceServerKeyDocument(url, accountId, replacement),
    setClockOffset: (ms) => commands.setServerClockOffset(url, ms),
    purgeTombstones: () => commands.purgeServerTombstones(url),
    async startLive() {
      return {
        // The page's own WebSocket to the server's /v1/live, its origin allowed like its fetches.
        liveSocket: (liveUrl) => new WebSocket(liveUrl),
        dropAll: () => commands.dropLiveStreams(url),
      };
    },
    close: async () => {
      if (!shared) await commands.stopTestServer(url);
    },
  };
}

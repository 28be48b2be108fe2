/** The real sync server in this Node process (PGlite in memory) as a test backend. */

import WebSocket from 'ws';
import { approveDeviceCode, startServer, type TestServer } from '../../src/server/testing';
import { readServerRecords, replaceKeyDocument } from './server-control';
import type { BackendOptions, TestBackend } from './test-backend';

export interface NodeBackend extends TestBackend {
  server: TestServer;
}

export async function startBackend(options: BackendOptions = {}): Promise<NodeBackend> {
  let offsetMs = 0;
  const server = await startServer({
    clock: () => Date.now() + offsetMs,
    config: { registration: 'open', pollIntervalS: 1, ...options.config },
  });
  return {
    server,
    url: server.url,
    approve: (userCode, credentials) => approveDeviceCode(server.url, userCode, credentials),
    deny: (userCode, credentials) =>
      approveDeviceCode(server.url, userCode, { ...credentials, decision: 'deny' }),
    records: (account) => readServerRecords(server, account),
    replaceKeyDocument: (accountId, replacement) =>
      replaceKeyDocument(server, accountId, replacement),
    setClockOffset: async (ms) => {
      offsetMs = ms;
    },
    purgeTombstones: () => server.purgeTombstones(),
    async startLive() {
      return {
        // Node 20 has no WebSocket of its own: the `ws` client stands in for the platform's.
        liveSocket: (url) => new WebSocket(url),
        dropAll: async () => server.dropLiveStreams(),
      };
    },
    close: () => server.close(),
  };
}

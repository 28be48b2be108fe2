/**
 * The Node side of the Chromium project's commands (see command-contract.ts): real servers
 * (PGlite in memory) started and kept here, approvals through the real /activate forms (they
 * need cookies a page's fetch cannot send to another origin), and reads of the server's store.
 */
import { approveDeviceCode, startServer, type TestServer } from '../../src/server/testing';
import type { EngineTestCommands } from './command-contract';
import { readServerRecords, replaceKeyDocument } from './server-control';
import type { BackendOptions } from './test-backend';

interface Entry {
  server: TestServer;
  offsetMs: number;
}

const servers = new Map<string, Entry>();

function entry(url: string): Entry {
  const found = servers.get(url);
  if (!found) throw new Error(`no test server is running at ${url}`);
  return found;
}

export async function startRegisteredServer(options: BackendOptions = {}): Promise<string> {
  const holder: { entry?: Entry } = {};
  const server = await startServer({
    clock: () => Date.now() + (holder.entry?.offsetMs ?? 0),
    config: { registration: 'open', pollIntervalS: 1, ...options.config },
  });
  holder.entry = { server, offsetMs: 0 };
  servers.set(server.url, holder.entry);
  return server.url;
}

export async function stopRegisteredServer(url: string): Promise<void> {
  const found = servers.get(url);
  if (!found) return;
  servers.delete(url);
  await found.server.close();
}

/**
 * The page's origin must pass the server's CORS check, as a web app's would. It is only known
 * once the page is up, so it joins the running server's allowed list (which is read per request).
 */
function allowOrigin(url: string, origin: string): void {
  const origins = entry(url).server.config.appOrigins;
  if (!origins.includes(origin)) origins.push(origin);
}

export const engineTestCommandHandlers: EngineTestCommands = {
  async startTestServer(options, origin) {
    const url = await startRegisteredServer(options);
    allowOrigin(url, origin);
    return url;
  },
  async useTestServer(url, origin) {
    allowOrigin(url, origin);
  },
  stopTestServer: stopRegisteredServer,
  decideDeviceCode: (url, userCode, credentials, decision) =>
    approveDeviceCode(url, userCode, { ...credentials, decision }),
  serverRecords: async (url, account) => [...(await readServerRecords(entry(url).server, account))],
  replaceServerKeyDocument: (url, accountId, replacement) =>
    replaceKeyDocument(entry(url).server, accountId, replacement),
  async setServerClockOffset(url, ms) {
    entry(url).offsetMs = ms;
  },
  purgeServerTombstones: (url) => entry(url).server.purgeTombstones(),
  async dropLiveStreams(url) {
    entry(url).server.dropLiveStreams();
  },
};

/** Servers a test file started and did not stop (it failed before its afterAll). */
export async function stopAllServers(): Promise<void> {
  for (const url of [...servers.keys()]) await stopRegisteredServer(url);
}

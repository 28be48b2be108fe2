/**
 * What the engine's tests in Chromium may ask the Node process to do (vitest commands): what a
 * page cannot do itself. Implemented in browser-commands.ts, called from backend.browser.ts.
 * Arguments and results cross as JSON.
 */
import type { RemoteRecord } from '../../src/protocol';
import type { Credentials } from './devices';
import type { AccountRef, BackendOptions, ReplacementKeyDocument } from './test-backend';

export interface EngineTestCommands {
  /** Starts a server of its own with these settings; returns its URL. */
  startTestServer(options: BackendOptions, origin: string): Promise<string>;
  /** Lets the page's origin through a running server's CORS check. */
  useTestServer(url: string, origin: string): Promise<void>;
  stopTestServer(url: string): Promise<void>;
  decideDeviceCode(
    url: string,
    userCode: string,
    credentials: Credentials,
    decision: 'approve' | 'deny',
  ): Promise<void>;
  /** As entries: a Map does not survive the trip to the page. */
  serverRecords(url: string, account: AccountRef): Promise<Array<[string, RemoteRecord]>>;
  replaceServerKeyDocument(
    url: string,
    accountId: string,
    replacement: ReplacementKeyDocument,
  ): Promise<void>;
  setServerClockOffset(url: string, ms: number): Promise<void>;
  purgeServerTombstones(url: string): Promise<number>;
  /** Cuts every live stream the server holds, as a lost connection would. */
  dropLiveStreams(url: string): Promise<void>;
}

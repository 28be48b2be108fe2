/**
 * The real sync server as the engine's tests see it, whichever side of the process boundary it
 * runs on: in Node the tests hold it directly (node-backend.ts); in vitest's Chromium project it
 * runs in the Node process and the page reaches it over HTTP and vitest commands
 * (backend.browser.ts). Test files import `startBackend` from './backend' and never know which.
 */

import type { LiveSocketFactory } from '../../src/engine';
import { randomId } from '../../src/engine/ids';
import type { RemoteRecord } from '../../src/protocol';
import type { Config } from '../../src/server/config';
import type { Backend, Credentials } from './devices';

/** Only JSON-serialisable settings: in the browser they cross into Node through a command. */
export interface BackendOptions {
  config?: Partial<Config>;
}

export interface AccountRef {
  accountId: string;
  deviceId: string;
}

export interface ReplacementKeyDocument {
  document: string;
  fingerprint: string;
  epoch: number;
}

export interface TestBackend extends Backend {
  deny(userCode: string, credentials: Credentials): Promise<void>;
  /** Every record the server holds for the account (latest version each), by id. */
  records(account: AccountRef): Promise<Map<string, RemoteRecord>>;
  /** Replaces the account's key document, as another client rotating the key would. */
  replaceKeyDocument(accountId: string, replacement: ReplacementKeyDocument): Promise<void>;
  /** Moves the server's clock (token expiry, tombstone ages) by `ms` from real time. */
  setClockOffset(ms: number): Promise<void>;
  /** Runs the server's tombstone purge once, as its timer would; returns how many it purged. */
  purgeTombstones(): Promise<number>;
  /** The server's own live stream (`/v1/live`) as the devices of a test reach it. */
  startLive(): Promise<LiveHandle>;
  close(): Promise<void>;
}

/** A live stream for the engines of a test: their `liveSocket`, and a way to cut it. */
export interface LiveHandle {
  liveSocket: LiveSocketFactory;
  /** Cuts every open stream from the server's side, as a lost connection would (1006). */
  dropAll(): Promise<void>;
}

/** A new person: a fresh account is registered on first approval (open registration). */
export function newPerson(): Credentials {
  return {
    username: `person-${randomId(6)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, 'x')}`,
    password: 'correct horse battery staple',
  };
}

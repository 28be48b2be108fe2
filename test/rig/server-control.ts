import { isManifestId } from '../../src/engine/omission/manifest-seal';
/**
 * Node-side operations on a running test server that go beyond its HTTP API: reading what its
 * store holds and replacing a key document. Shared by the Node backend and the vitest commands
 * the Chromium project calls.
 */
import type { RemoteRecord } from '../../src/protocol';
import type { TestServer } from '../../src/server/testing';
import type { AccountRef, ReplacementKeyDocument } from './test-backend';

/** The account's records on the server, without the engine's own state manifests. */
export async function readServerRecords(
  server: TestServer,
  account: AccountRef,
): Promise<Map<string, RemoteRecord>> {
  const records = new Map<string, RemoteRecord>();
  let since = 0;
  for (;;) {
    const outcome = await server.store.changesSince({
      accountId: account.accountId,
      deviceId: account.deviceId,
      sinceSeq: since,
      limit: 1000,
    });
    if (outcome.kind !== 'changes') throw new Error('cursor expired reading the server');
    for (const record of outcome.changes) {
      if (!isManifestId(record.id)) records.set(record.id, record);
    }
    since = outcome.cursorSeq;
    if (!outcome.hasMore) return records;
  }
}

export async function replaceKeyDocument(
  server: TestServer,
  accountId: string,
  replacement: ReplacementKeyDocument,
): Promise<void> {
  const current = await server.store.getKeyDocument(accountId);
  await server.store.putKeyDocument({
    accountId,
    ifMatch: current?.rev ?? 1,
    keyDocument: replacement.document,
    keyFingerprint: replacement.fingerprint,
    epoch: replacement.epoch,
    now: Date.now(),
  });
}

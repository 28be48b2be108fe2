/** What the server holds for a device's account, read straight from its store or its API. */
import { readMeta } from '../../src/engine/db/meta';
import { openEngineDatabase } from '../../src/engine/db/open';
import type { KeyDocument, RemoteRecord } from '../../src/protocol';
import type { TestDevice } from './devices';
import type { TestBackend } from './test-backend';

/** Every record the server holds for the device's account (latest version each), by id. */
export function serverRecords(
  backend: TestBackend,
  device: TestDevice,
): Promise<Map<string, RemoteRecord>> {
  const account = device.engine.getStatus().account;
  if (!account) throw new Error(`${device.name} is not signed in`);
  return backend.records({ accountId: account.accountId, deviceId: account.deviceId });
}

/** The key document as the server serves it to `device` (read with the device's own session). */
export async function keyDocumentOf(serverUrl: string, device: TestDevice): Promise<KeyDocument> {
  const session = await readMeta(
    await openEngineDatabase(device.factory, device.dbName),
    'session',
  );
  const response = await fetch(`${serverUrl}/v1/keys`, {
    headers: { authorization: `Bearer ${session?.accessToken}` },
  });
  return (await response.json()) as KeyDocument;
}

/** What the server holds for a device's account, read straight from its store. */
import type { RemoteRecord } from '../../src/protocol';
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

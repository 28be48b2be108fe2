/**
 * The scene of the key-rotation suites: a laptop that created the account key and some profiles,
 * then a phone and a tablet unlocked with its recovery key, all three synced. Rotations and
 * revocations are then played on it, and what a revoked device kept is tried on the new records.
 */
import type { FetchLike } from '../../src/engine';
import { openRecord } from '../../src/engine/crypto';
import { deriveAccountKeys } from '../../src/engine/crypto/kdf';
import { readMeta } from '../../src/engine/db/meta';
import { openEngineDatabase } from '../../src/engine/db/open';
import type { KeysMeta } from '../../src/engine/db/schema';
import type { RemoteRecord } from '../../src/protocol';
import { type Backend, connect, newDevice, syncQuiet, type TestDevice } from './devices';
import { type AccountRef, newPerson } from './test-backend';

/** A profile carrying an API key: the secret the rotation suites care about. */
export const keyedProfile = (name: string) => ({
  name,
  provider: 'openai',
  model: 'gpt-4o',
  apiKey: `sk-${name}`,
});

export function accountRef(device: TestDevice): AccountRef {
  const account = device.engine.getStatus().account;
  if (!account) throw new Error(`${device.name} is not signed in`);
  return { accountId: account.accountId, deviceId: account.deviceId };
}

/** `profiles` profiles written on the laptop (`p0`, `p1`…), then the phone and tablet join. */
export async function threeDevices(
  backend: Backend,
  options: { profiles: number; laptopThrough?: FetchLike; phoneThrough?: FetchLike },
) {
  const person = newPerson();
  const laptop = await newDevice('laptop', { through: options.laptopThrough });
  const phone = await newDevice('phone', { through: options.phoneThrough });
  const tablet = await newDevice('tablet');
  const recoveryKey = (await connect(laptop, backend, person)) as string;
  for (let i = 0; i < options.profiles; i++)
    await laptop.engine.create('profiles', keyedProfile(`p${i}`));
  await syncQuiet(laptop);
  await connect(phone, backend, person, recoveryKey);
  await connect(tablet, backend, person, recoveryKey);
  await syncQuiet(phone);
  await syncQuiet(tablet);
  return { person, recoveryKey, laptop, phone, tablet };
}

/** The account key a device holds in its database (what a thief copying its storage gets). */
export async function keysOf(device: TestDevice): Promise<KeysMeta> {
  const keys = await readMeta(await openEngineDatabase(device.factory, device.dbName), 'keys');
  if (!keys) throw new Error(`${device.name} holds no key`);
  return keys;
}

/** Opens a server record with keys a (revoked) device kept: what it could still read. */
export async function openWithKept(kept: KeysMeta, record: RemoteRecord): Promise<unknown> {
  const keys = await deriveAccountKeys(kept.master, kept.accountId, kept.epoch, {
    tokenRoot: kept.tokenRoot,
  });
  return openRecord(
    keys,
    {
      accountId: kept.accountId,
      collection: record.collection,
      id: record.id,
      epoch: record.key_epoch,
      deleted: record.deleted,
      rev: record.rev,
    },
    record.payload,
  );
}

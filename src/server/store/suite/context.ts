import { randomBytes, randomUUID } from 'node:crypto';
import type { BatchOp } from '../../../protocol';
import type { Account, DeviceRow, Store, TokenPair } from '../types';

/** One database the suite may open a Store over (see store.suite.ts). */
export interface StoreTestDatabase {
  open(): Promise<Store>;
  destroy(): Promise<void>;
}

export interface SuiteContext {
  /** The Store shared by the tests of this run; tests isolate themselves by account. */
  store(): Store;
  /** A Store over a brand-new, empty database, closed and destroyed after the test. */
  freshStore(): Promise<Store>;
}

/** A fixed clock origin: the store never reads the wall clock, tests pass times explicitly. */
export const T0 = 1_800_000_000_000;
export const FINGERPRINT = 'fp-aaaaaaaaaaaaaaaa';
export const OTHER_FINGERPRINT = 'fp-bbbbbbbbbbbbbbbb';

export const hash = (): string => randomBytes(32).toString('hex');
export const opId = (): string => `op-${randomUUID()}`;

export function tokenPair(accessExpiresAt = T0 + 15 * 60_000): TokenPair {
  return { accessHash: hash(), accessExpiresAt, refreshHash: hash() };
}

export function newAccount(store: Store, now = T0): Promise<Account> {
  return store
    .createAccount({ username: `user-${randomUUID()}`, passwordHash: 'scrypt$x', now })
    .then((account) => {
      if (!account) throw new Error('fixture: username collision');
      return account;
    });
}

export function newDevice(store: Store, accountId: string, now = T0): Promise<DeviceRow> {
  return store.createDevice({
    accountId,
    name: 'Laptop',
    platform: 'chrome-extension',
    clientId: 'satchel-extension',
    now,
  });
}

/** A new account with one device signed in at T0: `first` is its first token pair. */
export async function signedIn(ctx: SuiteContext) {
  const store = ctx.store();
  const account = await newAccount(store);
  const device = await newDevice(store, account.id);
  const first = tokenPair();
  await store.issueTokens(device.id, first, T0);
  return { store, account, device, first };
}

/** An account with a key document (epoch 1, FINGERPRINT) and one device: ready to sync. */
export async function syncingAccount(
  store: Store,
  epoch = 1,
): Promise<{ account: Account; device: DeviceRow }> {
  const account = await newAccount(store);
  const put = await store.putKeyDocument({
    accountId: account.id,
    ifMatch: '*',
    keyDocument: 'sealed-key-doc',
    keyFingerprint: FINGERPRINT,
    epoch,
    now: T0,
  });
  if (put.kind !== 'written') throw new Error('fixture: key document not written');
  return { account, device: await newDevice(store, account.id) };
}

export function op(fields: Partial<BatchOp> & Pick<BatchOp, 'id'>): BatchOp {
  return {
    collection: 'prefs',
    base_rev: null,
    deleted: false,
    payload: `sealed-${randomBytes(6).toString('hex')}`,
    op_id: opId(),
    ...fields,
  };
}

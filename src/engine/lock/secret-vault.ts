/**
 * While the device lock is on, this device's secrets (session tokens, every master key and
 * K_auth, the device's private key, the pins, a rotation's or pairing's state) are stored only
 * as one sealed `vault` value, opened into memory when the person unlocks and forgotten when the
 * device locks. It stands in for those meta keys behind readMeta/writeMeta (db/meta.ts).
 */
import type { IDBPTransaction } from 'idb';
import { fromBase64url, toBase64url } from '../../protocol/base64url';
import { openLocal, type SealedBytes, sealLocal } from '../crypto';
import type { MetaGuard } from '../db/meta';
import type { EngineDatabase } from '../db/open';
import type { EngineDB, MetaKey } from '../db/schema';
import { SEALED_STORES, type SealedStoreName } from '../db/sealed-rows';
import { EngineError, LockError } from '../errors';

/** The meta keys that hold a key, a token or a secret. */
export const SECRET_META_KEYS: readonly MetaKey[] = [
  'session',
  'keys',
  'keyPins',
  'deviceKey',
  'rotation',
  'pairing',
];

const SECRET = new Set<MetaKey>(SECRET_META_KEYS);
/** The vault is written with the rows it seals or puts back, in one transaction. */
const VAULT_STORES: ('meta' | SealedStoreName)[] = ['meta', ...SEALED_STORES];
const VAULT_NAME = 'secrets';
const SEIZE_ATTEMPTS = 5;

type Values = Map<MetaKey, unknown>;

function encode(values: Values): Uint8Array {
  const json = JSON.stringify(Object.fromEntries(values), (_key, value) =>
    value instanceof Uint8Array ? { $bytes: toBase64url(value) } : value,
  );
  return new TextEncoder().encode(json);
}

function textOf(values: Values): string {
  return new TextDecoder().decode(encode(values));
}

function decode(bytes: Uint8Array): Values {
  const parsed = JSON.parse(new TextDecoder().decode(bytes), (_key, value) =>
    value && typeof value === 'object' && typeof value.$bytes === 'string'
      ? fromBase64url(value.$bytes)
      : value,
  ) as Record<string, unknown>;
  return new Map(Object.entries(parsed) as Array<[MetaKey, unknown]>);
}

export function lockedError(): LockError {
  return new LockError('device_locked', 'This device is locked: unlock it first');
}

export class SecretVault implements MetaGuard {
  private dataKey: CryptoKey | null = null;
  private values: Values = new Map();
  /** Writes one after another: each seals the whole set, so none may be built on a stale one. */
  private chain: Promise<unknown> = Promise.resolve();
  /** Turned off: writes that were waiting go to the store unsealed, as with no lock. */
  private released = false;

  constructor(private readonly db: EngineDatabase) {}

  get isOpen(): boolean {
    return this.dataKey !== null;
  }

  covers(key: MetaKey): boolean {
    return SECRET.has(key);
  }

  read(key: MetaKey): unknown {
    if (!this.dataKey) throw lockedError();
    return this.values.get(key);
  }

  /** The key record rows are sealed under; undefined while locked or before rows were sealed. */
  get rowKey(): Uint8Array | undefined {
    return this.values.get('rowKey') as Uint8Array | undefined;
  }

  write(key: MetaKey, value: unknown): Promise<void> {
    return this.change(key, (next) => next.set(key, value));
  }

  remove(key: MetaKey): Promise<void> {
    return this.change(key, (next) => next.delete(key));
  }

  private change(key: MetaKey, edit: (next: Values) => void): Promise<void> {
    return this.exclusive(async () => {
      if (this.released) {
        // The lock was turned off while this write waited: it goes to the store as it is.
        const plain: Values = new Map();
        edit(plain);
        if (plain.has(key)) await this.db.put('meta', plain.get(key) as never, key);
        else await this.db.delete('meta', key);
        return;
      }
      const dataKey = this.dataKey;
      if (!dataKey) throw lockedError();
      const next = new Map(this.values);
      edit(next);
      await this.db.put('meta', await this.seal(dataKey, next), 'vault');
      this.values = next;
    });
  }

  private async seal(key: CryptoKey, values: Values): Promise<SealedBytes> {
    return sealLocal(key, VAULT_NAME, encode(values));
  }

  /** Opens the stored vault with the data key the person's secret opened. */
  async open(dataKey: CryptoKey): Promise<void> {
    const sealed = (await this.db.get('meta', 'vault')) as SealedBytes | undefined;
    let values: Values = new Map();
    if (sealed) {
      try {
        values = decode(await openLocal(dataKey, VAULT_NAME, sealed));
      } catch {
        throw new LockError(
          'vault_damaged',
          "This device's locked keys do not open: storage was altered or damaged",
        );
      }
    }
    this.values = values;
    this.dataKey = dataKey;
  }

  /** Locks: the data key and every secret leave memory. */
  forget(): void {
    this.dataKey = null;
    this.values = new Map();
  }

  /**
   * The lock is turned on (or its secret changed): the secrets as they are now (from memory, or
   * from the store when the lock was off) and the row key are sealed under the new data key and
   * written with `extra` in one transaction that also removes every plaintext copy.
   */
  async seize(
    dataKey: CryptoKey,
    rowKey: Uint8Array,
    extra: (tx: VaultTx) => Promise<void>,
  ): Promise<void> {
    await this.exclusive(async () => {
      for (let attempt = 1; ; attempt++) {
        const fromStore = !this.dataKey;
        const values: Values = fromStore ? await this.readPlain() : new Map(this.values);
        const kept: Values = new Map(values).set('rowKey', rowKey);
        const sealed = await this.seal(dataKey, kept);
        const tx = this.db.transaction(VAULT_STORES, 'readwrite');
        const meta = tx.objectStore('meta');
        // With the lock off, a write (a token refresh) may have reached the store while this
        // sealed: then this copy is stale and is sealed again, never written over the new one.
        if (fromStore && textOf(await this.readPlain(tx)) !== textOf(values)) {
          tx.abort();
          await tx.done.catch(() => undefined);
          if (attempt >= SEIZE_ATTEMPTS)
            throw new EngineError(
              'internal_error',
              'The secrets kept changing while the lock was set',
            );
          continue;
        }
        await meta.put(sealed, 'vault');
        for (const key of SECRET_META_KEYS) await meta.delete(key);
        await extra(tx);
        await tx.done;
        this.values = kept;
        this.dataKey = dataKey;
        this.released = false;
        return;
      }
    });
  }

  /** The lock is turned off: the secrets go back to the store as they are, the vault goes. */
  async release(extra: (tx: VaultTx) => Promise<void>): Promise<void> {
    await this.exclusive(async () => {
      if (!this.dataKey) throw lockedError();
      const tx = this.db.transaction(VAULT_STORES, 'readwrite');
      const meta = tx.objectStore('meta');
      // The row key stays behind: the rows are written in the clear with `extra`.
      for (const [key, value] of this.values)
        if (SECRET.has(key)) await meta.put(value as never, key);
      await meta.delete('vault');
      await extra(tx);
      await tx.done;
      this.forget();
      this.released = true;
    });
  }

  private async readPlain(tx?: VaultTx): Promise<Values> {
    const values: Values = new Map();
    for (const key of SECRET_META_KEYS) {
      const value = tx ? await tx.objectStore('meta').get(key) : await this.db.get('meta', key);
      if (value !== undefined) values.set(key, value);
    }
    return values;
  }

  /** Runs `work` with no vault write in between (a write started before finishes first). */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => undefined);
    return run;
  }
}

export type VaultTx = IDBPTransaction<EngineDB, ('meta' | SealedStoreName)[], 'readwrite'>;

/**
 * Seeding without an engine per record, for benchmarks: what a signed-in engine keeps (its
 * account key and session), and records sealed and opened exactly as the engine does (same
 * cipher, collection tokens and clock stamps) minus its per-record bookkeeping, which is not what
 * they measure. The benchmarks' one way into the engine's internals besides its public face.
 * Imports only the engine and the protocol, so it runs in Node and in a page alike.
 */
import type { BatchOp, RemoteRecord } from '../../protocol';
import { formatHlc } from '../clock/hlc';
import type { CollectionName } from '../collections';
import type { Fields } from '../collections/validate';
import { readMeta } from '../db/meta';
import { openEngineDatabase } from '../db/open';
import type { KeysMeta, SessionMeta } from '../db/schema';
import { randomId } from '../ids';
import { type OpenedRecord, RecordCipher } from '../sync/cipher';

export type { KeysMeta, SessionMeta };
export { randomId };

/** The account key and session an engine keeps once signed in and unlocked. */
export async function readAccount(
  factory: IDBFactory,
  dbName: string,
): Promise<{ keys: KeysMeta; session: SessionMeta }> {
  const db = await openEngineDatabase(factory, dbName);
  try {
    const keys = await readMeta(db, 'keys');
    const session = await readMeta(db, 'session');
    if (!keys || !session) throw new Error(`${dbName} has no keys or session`);
    return { keys, session };
  } finally {
    db.close();
  }
}

export interface SeedCipher {
  /** The key fingerprint a batch of this cipher's ops carries. */
  readonly fingerprint: string;
  /** A batch op writing `data` as `device` would, every field stamped with one fresh clock. */
  put(
    collection: CollectionName,
    id: string,
    data: Fields,
    baseRev: number | null,
  ): Promise<BatchOp>;
  /** Opens a record of the change feed; throws for a collection the engine does not know. */
  open(remote: RemoteRecord): Promise<OpenedRecord>;
  /** Whether `remote` is a record of a collection (not, say, a device's state manifest). */
  isRecord(remote: RemoteRecord): boolean;
}

export async function createSeedCipher(keys: KeysMeta, device: string): Promise<SeedCipher> {
  const cipher = await RecordCipher.create(keys);
  let counter = 0;
  return {
    fingerprint: cipher.fingerprint,
    async put(collection, id, data, baseRev) {
      const hlc = formatHlc({ wall: Date.now(), counter: counter++ % 1_000_000, device });
      const clocks = Object.fromEntries(Object.keys(data).map((field) => [field, hlc]));
      return {
        collection: cipher.tokenOf(collection),
        id,
        base_rev: baseRev,
        deleted: false,
        payload: await cipher.seal(
          collection,
          id,
          { data, hlc, device, clocks },
          (baseRev ?? 0) + 1,
        ),
        op_id: randomId(),
      };
    },
    isRecord(remote) {
      return cipher.collectionOf(remote.collection) !== null;
    },
    async open(remote) {
      const collection = cipher.collectionOf(remote.collection);
      if (!collection) throw new Error('unknown collection');
      return cipher.open(remote, collection);
    },
  };
}

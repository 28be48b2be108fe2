import type { IDBPTransaction, StoreNames } from 'idb';
import type { EngineDB } from './schema';

/** A read-write transaction over some of the engine's stores. */
export type WriteTx = IDBPTransaction<EngineDB, ArrayLike<StoreNames<EngineDB>>, 'readwrite'>;

/** The stores a change to a record touches: all written in one transaction. */
export const RECORD_STORES = ['records', 'outbox', 'conflicts', 'history', 'meta'] as const;

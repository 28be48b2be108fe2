/**
 * Seals local records for the server and opens remote ones. Anything that does not open, or
 * opens to something invalid, is a RecordError the caller quarantines: never applied, never fatal.
 */
import * as v from 'valibot';
import type { RemoteRecord } from '../../protocol';
import { COLLECTION_NAMES, type CollectionName } from '../collections';
import { type Fields, validateRecord } from '../collections/validate';
import {
  type AccountKeys,
  CryptoError,
  collectionToken,
  deriveAccountKeys,
  openRecord,
  sealRecord,
} from '../crypto';
import type { KeysMeta } from '../db/schema';
import { EngineError, RecordError, type RecordErrorCode } from '../errors';
import { RecordPlaintext } from './plaintext';

/** A record's state as sealed: data (null: deleted) and its stamps. */
export interface SealedState {
  data: Fields | null;
  hlc: string;
  device: string;
  clocks: Record<string, string>;
}

export interface OpenedRecord extends SealedState {
  collection: CollectionName;
  id: string;
  rev: number;
}

const CRYPTO_TO_RECORD: Partial<Record<CryptoError['code'], RecordErrorCode>> = {
  tampered: 'record_tampered',
  wrong_key: 'record_wrong_key',
  envelope_invalid: 'record_envelope_invalid',
  unsupported_version: 'record_unsupported_version',
  stale_revision: 'record_replayed',
};

export class RecordCipher {
  /** A record of a later, unknown epoch was set aside since the last takeUnknownEpoch(). */
  private unknownEpoch = false;

  private constructor(
    readonly keys: AccountKeys,
    private readonly tokens: Map<CollectionName, string>,
    private readonly collections: Map<string, CollectionName>,
    /** Every epoch this device can open, by fingerprint (the current one included). */
    private readonly ring: Map<string, AccountKeys>,
    /** Records sealed under an epoch below this are refused (KeysMeta.retiredBelow). */
    private readonly retiredBelow: number,
  ) {}

  static async create(meta: KeysMeta): Promise<RecordCipher> {
    const keys = await deriveAccountKeys(meta.master, meta.accountId, meta.epoch, {
      tokenRoot: meta.tokenRoot,
    });
    const ring = new Map<string, AccountKeys>([[keys.fingerprint, keys]]);
    for (const earlier of meta.previous ?? []) {
      const old = await deriveAccountKeys(earlier.master, meta.accountId, earlier.epoch, {
        tokenRoot: meta.tokenRoot,
      });
      ring.set(old.fingerprint, old);
    }
    const tokens = new Map<CollectionName, string>();
    const collections = new Map<string, CollectionName>();
    for (const name of COLLECTION_NAMES) {
      const token = await collectionToken(keys, name);
      tokens.set(name, token);
      collections.set(token, name);
    }
    return new RecordCipher(keys, tokens, collections, ring, meta.retiredBelow ?? 0);
  }

  get fingerprint(): string {
    return this.keys.fingerprint;
  }

  get epoch(): number {
    return this.keys.epoch;
  }

  /** Whether records of a later epoch were set aside since the last call (and clears it). */
  takeUnknownEpoch(): boolean {
    const seen = this.unknownEpoch;
    this.unknownEpoch = false;
    return seen;
  }

  tokenOf(collection: CollectionName): string {
    const token = this.tokens.get(collection);
    if (!token) throw new EngineError('internal_error', `No token for collection ${collection}`);
    return token;
  }

  /** The collection a token stands for; null for a collection this app does not know. */
  collectionOf(token: string): CollectionName | null {
    return this.collections.get(token) ?? null;
  }

  /** `rev`: the revision the write will get if the server takes it (`base_rev + 1`, or 1). */
  async seal(
    collection: CollectionName,
    id: string,
    state: SealedState,
    rev: number,
  ): Promise<string> {
    const plaintext: RecordPlaintext = {
      v: 1,
      data: state.data,
      hlc: state.hlc,
      device: state.device,
      clocks: state.clocks,
    };
    return sealRecord(
      this.keys,
      {
        accountId: this.keys.accountId,
        collection: this.tokenOf(collection),
        id,
        epoch: this.keys.epoch,
        deleted: state.data === null,
        rev,
      },
      plaintext,
    );
  }

  /** Opens a remote record of a known collection; throws RecordError when it must be quarantined. */
  async open(remote: RemoteRecord, collection: CollectionName): Promise<OpenedRecord> {
    const opened = await this.decrypt(remote);
    const parsed = v.safeParse(RecordPlaintext, opened);
    if (!parsed.success) {
      throw new RecordError(
        'record_invalid_data',
        `Record ${remote.id} opened to an unknown layout`,
      );
    }
    const plain = parsed.output;
    if ((plain.data === null) !== remote.deleted) {
      throw new RecordError(
        'record_invalid_data',
        `Record ${remote.id} disagrees with its deleted flag`,
      );
    }
    let data: Fields | null = null;
    if (plain.data !== null) {
      try {
        data = validateRecord(collection, remote.id, plain.data) as Fields;
      } catch (error) {
        throw new RecordError(
          'record_invalid_data',
          `Record ${remote.id} holds invalid ${collection} data`,
          error,
        );
      }
    }
    return {
      collection,
      id: remote.id,
      rev: remote.rev,
      data,
      hlc: plain.hlc,
      device: plain.device,
      clocks: plain.clocks,
    };
  }

  /**
   * The record sealed under the current key as it is, at the next revision, without reading
   * what it holds: a record of a collection this build does not know, or data it would refuse
   * (a newer app's), is kept for the device that reads it. Only what opens under a key of the
   * ring (and so was written by a holder of it) is resealed; anything else throws RecordError.
   */
  async reseal(remote: RemoteRecord): Promise<string> {
    const opened = await this.decrypt(remote);
    return sealRecord(
      this.keys,
      {
        accountId: this.keys.accountId,
        collection: remote.collection,
        id: remote.id,
        epoch: this.keys.epoch,
        deleted: remote.deleted,
        rev: remote.rev + 1,
      },
      opened,
    );
  }

  /** The record's plaintext, authenticated under the key it names; RecordError when it is not. */
  private async decrypt(remote: RemoteRecord): Promise<unknown> {
    const keys = this.ring.get(remote.key_fingerprint);
    if (!keys) {
      // A later epoch than ours: another device may have rotated the key, or the server lies.
      // The label alone proves nothing, so the record is set aside and the run goes on; the
      // controller then asks for the key document, and only one that verifies opens it.
      if (remote.key_epoch > this.keys.epoch) {
        this.unknownEpoch = true;
        throw new RecordError(
          'record_unknown_epoch',
          `Record ${remote.id} is sealed under key epoch ${remote.key_epoch}, which this device has not verified`,
        );
      }
      throw new RecordError(
        'record_wrong_key',
        `Record ${remote.id} was sealed under another account key`,
      );
    }
    if (keys.epoch < this.retiredBelow) {
      throw new RecordError(
        'record_retired_epoch',
        `Record ${remote.id} is sealed under key epoch ${keys.epoch}, which the account retired (epochs below ${this.retiredBelow})`,
      );
    }
    if (!Number.isSafeInteger(remote.rev)) {
      throw new RecordError(
        'record_replayed',
        `Record ${remote.id} is served as revision ${remote.rev}, which no write can have`,
      );
    }
    try {
      return await openRecord(
        keys,
        {
          accountId: this.keys.accountId,
          collection: remote.collection,
          id: remote.id,
          epoch: remote.key_epoch,
          deleted: remote.deleted,
          rev: remote.rev,
        },
        remote.payload,
      );
    } catch (error) {
      const code = error instanceof CryptoError ? CRYPTO_TO_RECORD[error.code] : undefined;
      if (code)
        throw new RecordError(
          code,
          `Record ${remote.id} could not be opened: ${(error as Error).message}`,
          error,
        );
      throw error;
    }
  }
}

/**
 * Everything the engine persists, as one typed idb schema: a wrong field name or value type in
 * any read or write is a compile error. Bump DB_VERSION and extend db/open.ts for a migration.
 */
import type { DBSchema } from 'idb';
import type { Limits, RemoteRecord } from '../../protocol';
import type { CollectionName } from '../collections';
import type { Fields } from '../collections/validate';
import type {
  ExistingDevicePairingSecret,
  LockWrap,
  NewDevicePairingSecret,
  PrfWrap,
  SealedBytes,
} from '../crypto';
import type { RecordErrorCode } from '../errors';
import type { EngineSettings } from '../settings';

export const DB_VERSION = 2;

/** A record as the server last acknowledged it (decrypted). */
export interface SyncedState {
  rev: number;
  data: Fields | null;
  hlc: string;
  device: string;
  clocks: Record<string, string>;
}

export interface RecordRow {
  collection: CollectionName;
  id: string;
  /** 1 for a live record, 0 for a tombstone; a number because booleans are not IndexedDB keys. */
  live: 0 | 1;
  data: Fields | null;
  /** HLC stamp and device of the write that produced `data`. */
  hlc: string;
  device: string;
  clocks: Record<string, string>;
  /** Last state acknowledged by the server; null until the record first syncs. */
  base: SyncedState | null;
  updatedAt: number;
  /**
   * Set on tombstones only (db/sealed-rows.ts writes it from `live`), so only they are indexed:
   * an index entry for every live record doubled the writes of a first pull.
   */
  deletedIn?: CollectionName;
}

/**
 * One pending change per record; the change itself is the record's current value. `opId` is
 * renewed whenever what would be sent changes, and kept for exact retries, so the server applies
 * each change once even when a response was lost.
 */
export interface OutboxRow {
  collection: CollectionName;
  id: string;
  opId: string;
  queuedAt: number;
  /** Waiting for a person to resolve a manual conflict: not pushed. */
  held: boolean;
  /**
   * An op for this record went out and no answer came back yet: the server may hold a record
   * this device still thinks it never created, so deleting it must be sent, not dropped.
   */
  sent?: boolean;
  /** Queued by a key rotation to re-seal an unchanged record under the new key epoch. */
  reseal?: boolean;
}

export interface ConflictSide {
  data: Fields | null;
  hlc: string;
  device: string;
  clocks: Record<string, string>;
}

export interface ConflictRow {
  collection: CollectionName;
  id: string;
  kind: 'fields' | 'delete';
  /** For `delete`: which side deleted the record. */
  deletedSide: 'local' | 'remote' | null;
  /** Fields changed on both sides to different values (empty for `delete`). */
  fields: string[];
  /** Every other field already merged (null for `delete`). */
  merged: Fields | null;
  /** The common ancestor the sides are compared against. */
  base: Fields | null;
  /** When the base was a tombstone: the stamp of that delete (see `threeWayMerge`). */
  baseDeletedAt?: string;
  local: ConflictSide;
  remote: ConflictSide & { rev: number };
  detectedAt: number;
}

export type HistorySource = 'local' | 'remote' | 'merge' | 'restore' | 'resolve';

/** A value a record held before a change, kept for undo and restore. */
export interface HistoryRow {
  seq?: number;
  collection: CollectionName;
  id: string;
  data: Fields | null;
  hlc: string;
  device: string;
  /** What replaced this value. */
  replacedBy: HistorySource;
  at: number;
}

/** A remote record that could not be opened or validated: kept aside, never applied. */
export interface QuarantineRow {
  token: string;
  id: string;
  rev: number;
  code: RecordErrorCode;
  message: string;
  collection: CollectionName | null;
  record: QuarantinedVersion;
  at: number;
  /**
   * The cursor the page that brought it was fetched from: a later sync reads the feed again from
   * there (null: it came as the `current` of a conflicting push, which a new push brings again).
   * Absent on rows written before retries existed.
   */
  since?: string | null;
  /** Times it was asked for again and still would not open; spaces out the next retry. */
  attempts?: number;
  /** When the next sync may ask for it again. */
  retryAt?: number;
}

/**
 * The quarantined version as it came, but for its payload: only its start is kept (enough to
 * tell one forgery from another), so a server cannot make a device store megabytes it refused.
 */
export type QuarantinedVersion = Omit<RemoteRecord, 'payload'> & {
  payloadExcerpt: string;
  payloadLength: number;
};

export type SyncTrigger =
  | 'edit'
  | 'interval'
  | 'online'
  | 'startup'
  | 'manual'
  | 'retry'
  | 'decision'
  /** A poke on the live stream: another device wrote. */
  | 'live';

export interface ActivityRow {
  seq?: number;
  startedAt: number;
  durationMs: number;
  trigger: SyncTrigger;
  result: 'ok' | 'error' | 'paused';
  pulled: number;
  pushed: number;
  conflicts: number;
  /** Edits of this device the run's last-write-wins merges replaced (absent in older rows). */
  replaced?: number;
  quarantined: number;
  requests: number;
  errorCode: string | null;
  message: string | null;
}

export interface DeviceMeta {
  /** Local writer id used in HLC stamps; not the server's device id, so it survives sign-out. */
  deviceId: string;
  createdAt: number;
}

export interface SessionMeta {
  serverUrl: string;
  accountId: string;
  deviceId: string;
  accessToken: string;
  accessExpiresAt: number;
  refreshToken: string;
  /**
   * The name this device signed in with: what it writes into its key-document entry (absent on
   * sessions from before names were kept).
   */
  deviceName?: string;
}

export interface PendingSignInMeta {
  serverUrl: string;
  clientId: string;
  deviceName: string;
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string;
  expiresAt: number;
  intervalMs: number;
}

/** An earlier key epoch's master key, kept so records sealed under it still open. */
export interface KeyEpochMeta {
  epoch: number;
  master: Uint8Array;
  fingerprint: string;
}

export interface KeysMeta {
  accountId: string;
  master: Uint8Array;
  /** The account's collection-token root from the key document (survives key rotations). */
  tokenRoot: Uint8Array;
  epoch: number;
  fingerprint: string;
  /** Earlier epochs, newest first (absent before the account's first rotation). */
  previous?: KeyEpochMeta[];
  /**
   * Records sealed under an epoch below this are refused (the key document retired them once a
   * rotation resealed everything). Absent: none retired. Only ever rises.
   */
  retiredBelow?: number;
  /**
   * The key document's authentication key, pinned when this device first got the key: a
   * document the server forged (its own master sealed to our public key) fails its MAC. Every
   * key this device stores has it; optional only because a pairing bundle may leave it out
   * (KeyManager.adopt then reads it from the document under the master).
   */
  authKey?: Uint8Array;
}

/**
 * The high-water mark of the key documents this device verified: kept apart from `keys`, so it
 * survives a drop (revocation, sign-out) and a re-unlock cannot go back to an older epoch or to
 * a document that does not continue this one. `rev` is the server's revision of that document,
 * kept as a hint only: the server assigns it and the mac does not cover it.
 */
export interface KeyPinsMeta {
  accountId: string;
  epoch: number;
  fingerprint: string;
  authKey: Uint8Array;
  rev: number | null;
  /** The highest `retiredBelow` verified: a document without it cannot bring retired epochs back. */
  retiredBelow?: number;
}

/**
 * This device's own ECDH key pair: a rotation seals the new master key to it, so the device
 * picks the new epoch up without anyone typing a secret. `registered` is the server device id
 * whose recipient entry the key document holds (null until written).
 */
export interface DeviceKeyMeta {
  accountId: string;
  publicKey: string;
  privateKey: Uint8Array;
  registeredAs: string | null;
}

/**
 * A key rotation this device is carrying out. `publishing`: the new key document is written
 * here before it is sent, so a restart can tell whether the server took it (resume) or not
 * (retry or roll back). `resealing`: the server holds the new epoch; records queued with
 * `reseal` are re-uploaded under it by ordinary pushes.
 */
export type RotationMeta =
  | {
      phase: 'publishing';
      accountId: string;
      baseRev: number;
      document: string;
      keys: KeysMeta;
      newRecoveryKey: boolean;
      startedAt: number;
      /** Device ids revoked by this rotation: withdrawn on the server, dropped from the epoch. */
      revoke?: string[];
    }
  | { phase: 'resealing'; accountId: string; epoch: number; total: number; startedAt: number };

/** The pairing this device takes part in, persisted so a worker restart resumes it. */
export type PairingMeta =
  | {
      role: 'new';
      id: string;
      accountId: string;
      secret: NewDevicePairingSecret;
      expiresAt: number;
      /** The short code, once the new device revealed its key; null before. */
      code: string | null;
      /** The person confirmed `code` here; no bundle is opened before (survives a restart). */
      confirmed?: boolean;
    }
  | {
      role: 'existing';
      id: string;
      accountId: string;
      secret: ExistingDevicePairingSecret;
      expiresAt: number;
      /** This device's own code, never shown: the person must type the one the new device shows. */
      code: string | null;
      /** The person typed the new device's code and it matched `code`. */
      entered?: boolean;
      /** Wrong codes typed so far; at MAX_WRONG_CODES the pairing ends. */
      wrongCodes?: number;
    };

export interface SyncMeta {
  /** Account the local bases belong to; a different account means they mean nothing. */
  accountId: string | null;
  cursor: string | null;
  /** False until the first join with this account completed. */
  joined: boolean;
  /** The first-join choice being carried out (kept until the join's first pull completes). */
  joinChoice: 'merge' | 'useAccount' | 'uploadLocal' | null;
  /** Next pull starts from zero and reconciles (after 410, or a collection switched back on). */
  fullResync: boolean;
  lastSyncAt: number | null;
  /**
   * Synced records a full resync did not list, kept untouched until the person says whether to
   * upload them again or delete them (absence is no deletion). Absent before the first resync.
   */
  missing?: MissingRecord[];
}

/** A record the server no longer listed, at the revision this device held it. */
export interface MissingRecord {
  collection: CollectionName;
  id: string;
  rev: number;
}

/** One chunk of a peer's state manifest, as opened (src/engine/omission). */
export interface PeerManifestChunk {
  rev: number;
  counter: number;
  chunks: number;
  device: string;
  hlc: string;
  lists: Record<string, string>;
}

/** State manifests: this device's publications, its peers' latest, and what they revealed. */
export interface OmissionMeta {
  own: {
    counter: number;
    publishedAt: number;
    digest: string | null;
    revs: number[];
    /** The key its chunks were last sealed under: a rotation reseals them at once. */
    fingerprint?: string;
  };
  /** By writer id, then chunk index. */
  peers: Record<string, Record<number, PeerManifestChunk>>;
  /**
   * What the last comparison that found nothing withheld was made on (feed cursor, peers'
   * chunks, collections synced, quarantine size): the same inputs give the same answer, so it
   * is not made again on every idle sync or live poke.
   */
  cleanOn?: string;
  /** Records peers hold that the server did not serve this device; null when none. */
  report: {
    withheld: number;
    /** The peer devices (by name where known) whose manifests revealed them. */
    devices: string[];
    attempts: number;
    retryAt: number;
  } | null;
}

/**
 * The device lock (src/engine/lock): the data key sealed under the passphrase or PIN, the idle
 * time, and the wrong tries so far (kept here so a restart does not reset the slowing down).
 */
export interface LockMeta {
  wrap: LockWrap;
  method: 'passphrase' | 'pin';
  /** Minutes without use before the device locks itself; null: only "Lock now" locks it. */
  idleMinutes: number | null;
  failures: number;
  /** No unlock is tried before this (engine clock, epoch ms). */
  nextTryAt: number;
  /**
   * The records' plaintext is sealed too (db/sealed-rows.ts). Absent on a lock set before rows
   * were sealed: the next unlock seals them.
   */
  rowsSealed?: boolean;
  /** A second way in: the data key sealed under a passkey's PRF output (absent: none set). */
  prf?: PrfWrap;
}

/** An edit of this device that last-write-wins replaced (records/replaced.ts). */
export interface ReplacedEdit {
  collection: CollectionName;
  id: string;
  /** The fields this device's values lost; null when the whole record did (a delete decided). */
  fields: string[] | null;
  /** The writer id of the edit that won. */
  by: string;
  at: number;
  /** The history entry holding this device's value, null when none was kept. */
  historySeq: number | null;
}

export interface MetaMap {
  device: DeviceMeta;
  clock: string;
  settings: EngineSettings;
  session: SessionMeta;
  pendingSignIn: PendingSignInMeta;
  keys: KeysMeta;
  keyPins: KeyPinsMeta;
  deviceKey: DeviceKeyMeta;
  rotation: RotationMeta;
  pairing: PairingMeta;
  sync: SyncMeta;
  limits: Limits;
  omission: OmissionMeta;
  lock: LockMeta;
  /** The secrets of SECRET_META_KEYS, sealed under the lock's data key (lock on only). */
  vault: SealedBytes;
  /** The key record rows are sealed under: only ever inside the vault, never stored alone. */
  rowKey: Uint8Array;
  /** Newest first, at most MAX_REPLACED; keys and field names only, no values. */
  replacedEdits: ReplacedEdit[];
  /** Devices revoked from this device, which no rotation made here keeps (keys/revoked-here.ts). */
  revokedHere: { accountId: string; ids: string[] };
}

export type MetaKey = keyof MetaMap;

export interface EngineDB extends DBSchema {
  records: {
    key: [CollectionName, string];
    value: RecordRow;
    indexes: { byDeletedIn: CollectionName };
  };
  outbox: { key: [CollectionName, string]; value: OutboxRow };
  conflicts: { key: [CollectionName, string]; value: ConflictRow };
  history: { key: number; value: HistoryRow; indexes: { byRecord: [CollectionName, string] } };
  quarantine: { key: [string, string]; value: QuarantineRow };
  activity: { key: number; value: ActivityRow };
  meta: { key: MetaKey; value: MetaMap[MetaKey] };
}

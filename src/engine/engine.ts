/**
 * What a host reads: the `Engine` interface with its commands and status, the options a host
 * passes in (database name, fetch, clock, scheduler), and `createEngine`. The implementation
 * lives in `satchel-engine.ts`; keeping it out of this file leaves the engine's whole surface
 * readable in one place, and lets the implementation change without touching it.
 */
import type { ClientId, Device } from '../protocol';
import type { SignInInput } from './auth/device-grant';
import type { CollectionName, RecordData, RecordInput } from './collections';
import type { Resolution } from './conflicts/resolve';
import type { ConflictView } from './conflicts/view';
import type { Logger } from './context';
import type { ActivityRow, QuarantineRow } from './db/schema';
import type { Clock, FetchLike, Scheduler } from './deps';
import type { KeyOptions } from './keys/account-key';
import type { ListedDevice } from './keys/device-names';
import type { RotationPlan } from './keys/rotation-recipients';
import type { LiveSocketFactory } from './live/socket';
import type { LockSecret, LockSetting, LockView, PrfSetting } from './lock/device-lock';
import type { PairingRequestView, PairingView } from './pairing/pairing-flow';
import type { HistoryView, ListOptions, ReadOptions, RecordView } from './records/read';
import type { ReplacedEditView } from './records/replaced';
import { SatchelEngine } from './satchel-engine';
import type { EngineSettings, SettingsPatch } from './settings';
import type { EngineState, EngineStatus, StatusListener } from './status';
import type { BulkDeleteAnswer } from './sync/bulk-delete';
import type { SyncReport } from './sync/controller';
import type { FirstJoinChoice } from './sync/first-join';

export interface EngineOptions {
  /** IndexedDB database holding this engine's data. */
  dbName: string;
  /** Which app this is, as the server knows it. */
  clientId: ClientId;
  /** Defaults to the global indexedDB. */
  indexedDB?: IDBFactory;
  /** HTTP transport; defaults to the global fetch. */
  fetch?: FetchLike;
  /**
   * Opens the live stream (the platform `WebSocket`: `(url) => new WebSocket(url)`). Without it
   * the engine syncs on its timer only.
   */
  liveSocket?: LiveSocketFactory;
  clock?: Clock;
  scheduler?: Scheduler;
  /** Source of jitter for retry delays, in [0, 1). */
  random?: () => number;
  log?: Logger;
  /** Earlier values kept per record (default 10). */
  historyDepth?: number;
  requestTimeoutMs?: number;
  editDebounceMs?: number;
  /** Least wait between two publications of this device's state manifest (default 10 min). */
  manifestIntervalMs?: number;
  /** Tests only: cheaper passphrase KDF parameters (PBKDF2 iterations or Argon2id). */
  keyOptions?: KeyOptions;
}

export interface QuarantineView {
  collection: CollectionName | null;
  id: string;
  rev: number;
  code: QuarantineRow['code'];
  message: string;
  at: number;
}

export interface Engine {
  /** Resolves once the database is open and state is loaded (commands wait for it anyway). */
  readonly ready: Promise<void>;
  getStatus(): EngineStatus;
  subscribe(listener: StatusListener): () => void;

  create<C extends CollectionName>(
    collection: C,
    data: RecordInput<C>,
    options?: { id?: string },
  ): Promise<{ id: string; data: RecordData<C> }>;
  update<C extends CollectionName>(
    collection: C,
    id: string,
    patch: Partial<RecordInput<C>>,
  ): Promise<RecordData<C>>;
  /** Sets a live record to exactly `data` (fields left out are removed), in one commit. */
  replace<C extends CollectionName>(
    collection: C,
    id: string,
    data: RecordInput<C>,
  ): Promise<RecordData<C>>;
  delete(collection: CollectionName, id: string): Promise<void>;
  get<C extends CollectionName>(
    collection: C,
    id: string,
    options?: ReadOptions,
  ): Promise<RecordView<C> | null>;
  list<C extends CollectionName>(collection: C, options?: ListOptions): Promise<RecordView<C>[]>;
  history(collection: CollectionName, id: string, options?: ReadOptions): Promise<HistoryView[]>;
  restore(collection: CollectionName, id: string, historySeq: number): Promise<void>;

  listConflicts(options?: ReadOptions): Promise<ConflictView[]>;
  resolveConflict(collection: CollectionName, id: string, resolution: Resolution): Promise<void>;
  /** Edits of this device that a newer one replaced (keep the most recent), newest first. */
  listReplaced(): Promise<ReplacedEditView[]>;
  /**
   * `seenAt`: the `at` of the note the person read. When a newer note has replaced it meanwhile
   * (the record lost again), nothing is done and `replaced_edit_changed` says to read it again.
   */
  answerReplaced(
    collection: CollectionName,
    id: string,
    answer: 'restore' | 'dismiss',
    seenAt?: number,
  ): Promise<void>;
  listQuarantine(): Promise<QuarantineView[]>;
  answerFirstJoin(choice: FirstJoinChoice): Promise<SyncReport>;
  answerBulkDelete(answer: BulkDeleteAnswer): Promise<SyncReport>;

  syncNow(): Promise<SyncReport>;
  /** The host's connectivity signal; coming back online syncs at once. */
  setOnline(online: boolean): void;

  signIn(input: Omit<SignInInput, 'clientId'>): Promise<EngineState>;
  cancelSignIn(): Promise<void>;
  signOut(): Promise<void>;
  /** First device of an account: creates the key; the recovery key is returned once, never stored. */
  createAccountKey(options?: { passphrase?: string }): Promise<{ recoveryKey: string }>;
  /**
   * Refuses (`key_rollback`) a document older than, or not continuing, the last one this device
   * verified, unless `reset`: the person chose to start over from what the server holds now.
   */
  unlock(
    secret: { recoveryKey: string } | { passphrase: string },
    options?: { reset?: boolean },
  ): Promise<void>;
  /** New recovery key and/or passphrase (null removes it); returns the new recovery key once. */
  changeKeySecrets(change: {
    newRecoveryKey?: boolean;
    passphrase?: string | null;
  }): Promise<{ recoveryKey: string | null }>;
  /**
   * The device lock (off until set): this device's keys and tokens are stored only sealed under
   * a key stretched from `secret` (Argon2id), and kept in memory only while unlocked. It locks
   * after `idleMinutes` without a command (default 15; null: only `lockDevice`), and at start.
   */
  setDeviceLock(setting: LockSetting): Promise<LockView>;
  /** Turns the lock off (unlocked only): the secrets are stored as before it was set. */
  removeDeviceLock(): Promise<void>;
  setLockIdle(idleMinutes: number | null): Promise<LockView>;
  /** Locks now (`lock_not_set` when there is no lock). */
  lockDevice(): Promise<void>;
  /**
   * With the passphrase or PIN, or `{ prfOutput }` from the passkey set with `addLockPasskey`:
   * `wrong_unlock_secret` (nothing changed), or `unlock_throttled` after repeated wrong tries.
   */
  unlockDevice(secret: LockSecret): Promise<void>;
  /**
   * A passkey's PRF output as a second way to unlock (the page runs WebAuthn; the engine gets the
   * bytes). `secret`, the lock's passphrase or PIN, is checked first. Changing the lock's secret
   * removes it.
   */
  addLockPasskey(setting: PrfSetting): Promise<LockView>;
  removeLockPasskey(): Promise<LockView>;
  /**
   * A new key epoch sealed to the recovery key, the passphrase and the account's other devices
   * (not revoked ones); every record is re-uploaded under it. Returns a new recovery key once
   * when one was asked for (or the account's key document needs one).
   */
  rotateAccountKey(options?: { newRecoveryKey?: boolean }): Promise<{ recoveryKey: string | null }>;

  /** New device (signed in, no key): asks the account's other devices for the key. */
  requestPairing(): Promise<PairingView>;
  /** Existing device: requests from new devices waiting for approval. */
  listPairingRequests(): Promise<PairingRequestView[]>;
  /** Existing device: answers a request; the new device shows a code once both keys are in. */
  acceptPairing(id: string): Promise<PairingView>;
  /**
   * Existing device: the code the person typed from the new device's screen. A wrong one is
   * refused (the third ends the pairing); the key is sent once the new device confirmed too.
   */
  approvePairing(code: string): Promise<void>;
  /** New device: the person typed the code shown here on the other device and confirms it. */
  confirmPairing(): Promise<void>;
  /** Either device: refuses or cancels (this device's pairing, or another device's request). */
  denyPairing(id?: string): Promise<void>;

  /** The account's devices (signed in), each with the name the verified key document gives it. */
  listDevices(): Promise<ListedDevice[]>;
  renameDevice(id: string, name: string): Promise<Device>;
  /** Signs another device out; revoking this device is `signOut`. */
  revokeDevice(id: string): Promise<void>;
  /**
   * The recipients the next epoch would have after revoking `ids`, from the MAC-verified key
   * document (the server's list only flags those it does not show as live).
   */
  previewRevokeAndRotate(ids: readonly string[]): Promise<RotationPlan>;
  /**
   * Revokes `ids` and rotates the key in one crash-safe action: the revoked devices are excluded
   * whatever the server lists, and every record (tombstones included) is resealed. Makes a new
   * recovery key unless `newRecoveryKey: false`.
   */
  revokeAndRotate(
    ids: readonly string[],
    options?: { newRecoveryKey?: boolean },
  ): Promise<{ recoveryKey: string | null }>;

  getSettings(): EngineSettings;
  updateSettings(patch: SettingsPatch): Promise<EngineSettings>;
  activity(limit?: number): Promise<ActivityRow[]>;
  close(): Promise<void>;
}

export function createEngine(options: EngineOptions): Engine {
  return new SatchelEngine(options);
}

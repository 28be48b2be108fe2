/**
 * createEngine: wires the engine's parts to what the host passes in (database name, fetch,
 * clock, scheduler) and exposes the commands and the observable status a UI uses.
 */
import {
  type ClientId,
  DEFAULT_LIMITS,
  type Device,
  type Limits,
  type TokenResponse,
} from '../protocol';
import { listActivity } from './activity';
import type { SignInInput } from './auth/device-grant';
import { Session, sessionFromTokens } from './auth/session';
import { SignInFlow } from './auth/sign-in-flow';
import { formatHlc, zeroHlc } from './clock/hlc';
import { HlcClock } from './clock/hlc-clock';
import {
  COLLECTION_NAMES,
  type CollectionName,
  type RecordData,
  type RecordInput,
} from './collections';
import { type Resolution, resolveConflict } from './conflicts/resolve';
import { type ConflictView, conflictView } from './conflicts/view';
import type { EngineContext, Logger } from './context';
import { readMeta, writeMeta } from './db/meta';
import { type EngineDatabase, openEngineDatabase } from './db/open';
import type { ActivityRow, KeysMeta, PendingSignInMeta, QuarantineRow } from './db/schema';
import { type Clock, type FetchLike, type Scheduler, systemClock, systemScheduler } from './deps';
import {
  AuthError,
  asEngineError,
  type EngineError,
  InputError,
  KeyError,
  StateError,
  ValidationError,
} from './errors';
import { randomId } from './ids';
import type { KeyOptions } from './keys/account-key';
import { KeyManager } from './keys/key-manager';
import { KeyRotation, type RotationProgress } from './keys/rotation';
import { PairingFlow, type PairingRequestView, type PairingView } from './pairing/pairing-flow';
import {
  createRecord,
  deleteRecord,
  replaceRecord,
  restoreRecord,
  updateRecord,
} from './records/commands';
import {
  countLive,
  getRecord,
  type HistoryView,
  listHistory,
  listRecords,
  type ReadOptions,
  type RecordView,
} from './records/read';
import {
  applySettingsPatch,
  DEFAULT_SETTINGS,
  type EngineSettings,
  type SettingsPatch,
} from './settings';
import {
  type EngineState,
  type EngineStatus,
  type ErrorInfo,
  type StatusListener,
  StatusStore,
} from './status';
import type { BulkDeleteAnswer } from './sync/bulk-delete';
import { SyncController, type SyncReport } from './sync/controller';
import { bindToAccount } from './sync/detach';
import type { FirstJoinChoice } from './sync/first-join';
import { readSyncMeta, updateSyncMeta } from './sync/sync-meta';
import { ServerApi } from './transport/api';
import { HttpTransport } from './transport/http';
import { ServerClock } from './transport/server-clock';

export interface EngineOptions {
  /** IndexedDB database holding this engine's data. */
  dbName: string;
  /** Which app this is, as the server knows it. */
  clientId: ClientId;
  /** Defaults to the global indexedDB. */
  indexedDB?: IDBFactory;
  /** HTTP transport; defaults to the global fetch. */
  fetch?: FetchLike;
  clock?: Clock;
  scheduler?: Scheduler;
  /** Source of jitter for retry delays, in [0, 1). */
  random?: () => number;
  log?: Logger;
  /** Earlier values kept per record (default 10). */
  historyDepth?: number;
  requestTimeoutMs?: number;
  editDebounceMs?: number;
  /** Tests only: low PBKDF2 iteration counts for passphrase wraps. */
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
  list<C extends CollectionName>(collection: C, options?: ReadOptions): Promise<RecordView<C>[]>;
  history(collection: CollectionName, id: string, options?: ReadOptions): Promise<HistoryView[]>;
  restore(collection: CollectionName, id: string, historySeq: number): Promise<void>;

  listConflicts(options?: ReadOptions): Promise<ConflictView[]>;
  resolveConflict(collection: CollectionName, id: string, resolution: Resolution): Promise<void>;
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
  unlock(secret: { recoveryKey: string } | { passphrase: string }): Promise<void>;
  /** New recovery key and/or passphrase (null removes it); returns the new recovery key once. */
  changeKeySecrets(change: {
    newRecoveryKey?: boolean;
    passphrase?: string | null;
  }): Promise<{ recoveryKey: string | null }>;
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
  /** Existing device: answers a request; the code shows on both screens once both keys are in. */
  acceptPairing(id: string): Promise<PairingView>;
  /** Existing device: the person saw `code` on both screens; sends the key. */
  approvePairing(code: string): Promise<void>;
  /** Either device: refuses or cancels (this device's pairing, or another device's request). */
  denyPairing(id?: string): Promise<void>;

  /** The account's devices (signed in). */
  listDevices(): Promise<Device[]>;
  renameDevice(id: string, name: string): Promise<Device>;
  /** Signs another device out; revoking this device is `signOut`. */
  revokeDevice(id: string): Promise<void>;

  getSettings(): EngineSettings;
  updateSettings(patch: SettingsPatch): Promise<EngineSettings>;
  activity(limit?: number): Promise<ActivityRow[]>;
  close(): Promise<void>;
}

function emptyCounts(): Record<CollectionName, number> {
  return Object.fromEntries(COLLECTION_NAMES.map((name) => [name, 0])) as Record<
    CollectionName,
    number
  >;
}

function initialStatus(): EngineStatus {
  return {
    state: { kind: 'signedOut' },
    lastSyncAt: null,
    nextSyncAt: null,
    counts: emptyCounts(),
    pendingEdits: 0,
    conflicts: 0,
    quarantined: 0,
    decision: null,
    account: null,
    lastError: null,
    pairing: null,
    pairingRequests: 0,
    rotation: null,
  };
}

class SatchelEngine implements Engine {
  readonly ready: Promise<void>;
  private readonly status: StatusStore;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly scheduler: Scheduler;
  private readonly api: ServerApi;
  private ctx!: EngineContext;
  private session!: Session;
  private keys!: KeyManager;
  private rotation!: KeyRotation;
  private rotationProgress: RotationProgress | null = null;
  private pairing!: PairingFlow;
  private signInFlow!: SignInFlow;
  private sync!: SyncController;
  private limits: Limits = { ...DEFAULT_LIMITS };
  private lastSyncAt: number | null = null;
  private authError: ErrorInfo | null = null;
  private closed = false;
  /** The server's clock, for the deadlines it sets (a pairing's expiry). */
  private readonly serverClock: ServerClock;
  private recount: Promise<void> | null = null;
  private recountAgain = false;

  constructor(private readonly options: EngineOptions) {
    this.log = options.log ?? (() => undefined);
    this.clock = options.clock ?? systemClock;
    this.scheduler = options.scheduler ?? systemScheduler;
    this.status = new StatusStore(initialStatus(), this.log);
    const fetchFn: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.serverClock = new ServerClock(() => this.clock.now());
    this.api = new ServerApi(
      new HttpTransport(
        fetchFn,
        this.scheduler,
        () => this.clock.now(),
        options.requestTimeoutMs,
        this.serverClock,
      ),
    );
    this.ready = this.open();
    // A failed open is reported through `ready` and every command; it must not also be unhandled.
    this.ready.catch((error) =>
      this.log({ level: 'error', event: 'engine_open_failed', message: String(error) }),
    );
  }

  private async open(): Promise<void> {
    const factory = this.options.indexedDB ?? globalThis.indexedDB;
    const db = await openEngineDatabase(factory, this.options.dbName);
    const device = (await readMeta(db, 'device')) ?? {
      deviceId: randomId(9),
      createdAt: this.clock.now(),
    };
    await writeMeta(db, 'device', device);
    const clock = (await readMeta(db, 'clock')) ?? formatHlc(zeroHlc(device.deviceId));
    const settings = { ...DEFAULT_SETTINGS, ...(await readMeta(db, 'settings')) };
    this.limits = (await readMeta(db, 'limits')) ?? { ...DEFAULT_LIMITS };
    this.ctx = {
      db,
      clock: this.clock,
      deviceId: device.deviceId,
      hlc: new HlcClock(clock, this.clock),
      historyDepth: this.options.historyDepth ?? 10,
      settings,
      log: this.log,
    };
    this.session = new Session(db, this.api, this.clock, () => this.revoked());
    this.keys = new KeyManager(db, this.api, this.session, this.options.keyOptions ?? {});
    this.signInFlow = new SignInFlow(db, this.api, this.clock, this.scheduler, this.log, {
      approved: (pending, tokens) => this.signedIn(pending, tokens),
      failed: (error) => this.setAuthError(error),
      changed: () => this.changed(),
    });
    this.sync = new SyncController({
      ctx: this.ctx,
      api: this.api,
      session: this.session,
      keys: this.keys,
      scheduler: this.scheduler,
      random: this.options.random ?? Math.random,
      editDebounceMs: this.options.editDebounceMs ?? 2000,
      limits: () => this.limits,
      changed: (what) => this.changed(what),
      keyLost: (error) => this.keyLost(error),
      keyPickedUp: () => this.keyPickedUp(),
      pairingsNoticed: (count) => this.pairing.noticed(count),
    });
    this.rotation = new KeyRotation({
      db,
      api: this.api,
      session: this.session,
      clock: this.clock,
      log: this.log,
      options: this.options.keyOptions ?? {},
      adopt: (keys) => this.keys.replace(keys),
    });
    this.pairing = new PairingFlow({
      db,
      api: this.api,
      session: this.session,
      clock: this.serverClock,
      scheduler: this.scheduler,
      log: this.log,
      keys: async () => (this.keys.cipher ? ((await readMeta(db, 'keys')) ?? null) : null),
      adopt: (keys) => this.pairedKeys(keys),
      changed: () => void this.changed('state'),
      failed: (error) => this.setAuthError(error),
    });
    this.lastSyncAt = (await readSyncMeta(db)).lastSyncAt;
    const session = await this.session.load();
    if (session) await this.keys.load(session.accountId);
    await this.signInFlow.resume();
    await this.pairing.resume();
    await this.rotation.load();
    await this.refreshCounts();
    if (session && this.keys.cipher) this.kickSync('startup', true);
    else if (session) void this.checkKeys();
  }

  // ---------------------------------------------------------------------------------------------
  // Status

  private computeState(): EngineState {
    const pending = this.signInFlow?.pending;
    if (pending) {
      return {
        kind: 'signingIn',
        userCode: pending.userCode,
        verificationUri: pending.verificationUri,
        verificationUriComplete: pending.verificationUriComplete,
        expiresAt: pending.expiresAt,
      };
    }
    if (!this.session?.current) return { kind: 'signedOut' };
    if (!this.keys.cipher)
      return { kind: 'needsKey', mode: this.keys.mode, reason: this.keys.reason };
    if (this.sync.running) return { kind: 'syncing', progress: this.sync.running };
    if (this.sync.offlineSince !== null) return { kind: 'offline', since: this.sync.offlineSince };
    if (this.sync.lastError) return { kind: 'error', error: this.sync.lastError };
    return { kind: 'idle' };
  }

  private publish(patch: Partial<EngineStatus> = {}): void {
    const session = this.session?.current;
    this.status.update({
      state: this.computeState(),
      nextSyncAt: this.sync?.triggers.nextSyncAt ?? null,
      decision: this.sync?.decision ?? null,
      lastSyncAt: this.lastSyncAt,
      lastError: this.sync?.lastError ?? this.authError,
      pairing: this.pairing?.view ?? null,
      pairingRequests: this.keys?.cipher ? (this.pairing?.requests ?? 0) : 0,
      rotation: this.rotationProgress,
      account: session
        ? {
            serverUrl: session.serverUrl,
            accountId: session.accountId,
            deviceId: session.deviceId,
            fingerprint: this.keys.cipher?.fingerprint ?? null,
          }
        : null,
      ...patch,
    });
  }

  /**
   * Something changed: publish the state now and the counts once they are re-read (`state`: the
   * records did not change, only re-read when the last sync was).
   */
  private changed(what: 'all' | 'state' = 'all'): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.publish();
    return what === 'all' ? this.refreshCounts() : this.refreshLastSync();
  }

  private async refreshLastSync(): Promise<void> {
    try {
      this.lastSyncAt = (await readSyncMeta(this.ctx.db)).lastSyncAt;
      if (!this.closed) this.publish();
    } catch (error) {
      this.log({ level: 'error', event: 'status_refresh_failed', code: asEngineError(error).code });
    }
  }

  private async refreshCounts(): Promise<void> {
    if (this.recount) {
      this.recountAgain = true;
      return this.recount;
    }
    this.recount = (async () => {
      do {
        this.recountAgain = false;
        if (this.closed) return;
        const db = this.ctx.db;
        const [counts, outbox, conflicts, quarantined, meta, rotation] = await Promise.all([
          countLive(db),
          db.count('outbox'),
          db.count('conflicts'),
          db.count('quarantine'),
          readSyncMeta(db),
          this.rotation.progress(),
        ]);
        this.lastSyncAt = meta.lastSyncAt;
        this.rotationProgress = rotation;
        // Records queued only to be resealed are not edits of the person's.
        const resealing = rotation ? rotation.total - rotation.done : 0;
        const pendingEdits = Math.max(0, outbox - resealing);
        this.publish({ counts, pendingEdits, conflicts, quarantined });
      } while (this.recountAgain);
    })()
      .catch((error) =>
        this.log({
          level: 'error',
          event: 'status_refresh_failed',
          code: asEngineError(error).code,
        }),
      )
      .finally(() => {
        this.recount = null;
      });
    return this.recount;
  }

  getStatus(): EngineStatus {
    return this.status.get();
  }

  subscribe(listener: StatusListener): () => void {
    return this.status.subscribe(listener);
  }

  private async live(): Promise<EngineContext> {
    if (this.closed) throw new StateError('engine_closed', 'The engine was closed');
    await this.ready;
    return this.ctx;
  }

  // ---------------------------------------------------------------------------------------------
  // Records

  private async edited<T>(work: Promise<T>): Promise<T> {
    const result = await work;
    this.sync.edited();
    await this.changed();
    return result;
  }

  async create<C extends CollectionName>(
    collection: C,
    data: RecordInput<C>,
    options: { id?: string } = {},
  ) {
    const ctx = await this.live();
    return this.edited(createRecord(ctx, collection, data, options.id));
  }

  async update<C extends CollectionName>(
    collection: C,
    id: string,
    patch: Partial<RecordInput<C>>,
  ) {
    const ctx = await this.live();
    return this.edited(updateRecord(ctx, collection, id, patch));
  }

  async replace<C extends CollectionName>(collection: C, id: string, data: RecordInput<C>) {
    const ctx = await this.live();
    return this.edited(replaceRecord(ctx, collection, id, data));
  }

  async delete(collection: CollectionName, id: string) {
    const ctx = await this.live();
    return this.edited(deleteRecord(ctx, collection, id));
  }

  async restore(collection: CollectionName, id: string, historySeq: number) {
    const ctx = await this.live();
    return this.edited(restoreRecord(ctx, collection, id, historySeq));
  }

  async get<C extends CollectionName>(collection: C, id: string, options?: ReadOptions) {
    return getRecord((await this.live()).db, collection, id, options);
  }

  async list<C extends CollectionName>(collection: C, options?: ReadOptions) {
    return listRecords((await this.live()).db, collection, options);
  }

  async history(collection: CollectionName, id: string, options?: ReadOptions) {
    return listHistory((await this.live()).db, collection, id, options);
  }

  async listConflicts(options: ReadOptions = {}) {
    const rows = await (await this.live()).db.getAll('conflicts');
    return rows.map((row) => conflictView(row, options.reveal ?? false));
  }

  async resolveConflict(collection: CollectionName, id: string, resolution: Resolution) {
    const ctx = await this.live();
    return this.edited(resolveConflict(ctx, collection, id, resolution));
  }

  async listQuarantine(): Promise<QuarantineView[]> {
    const rows = await (await this.live()).db.getAll('quarantine');
    return rows.map(({ collection, id, rev, code, message, at }) => ({
      collection,
      id,
      rev,
      code,
      message,
      at,
    }));
  }

  // ---------------------------------------------------------------------------------------------
  // Sync

  private async requireSyncable(): Promise<void> {
    await this.live();
    if (this.signInFlow.pending)
      throw new StateError('sign_in_in_progress', 'Finish signing in first');
    if (!this.session.current) throw new StateError('not_signed_in', 'Sign in to sync');
    if (!this.keys.cipher) throw new StateError('locked', 'Unlock the account key to sync');
  }

  async syncNow(): Promise<SyncReport> {
    await this.requireSyncable();
    return this.sync.request('manual');
  }

  async answerFirstJoin(choice: FirstJoinChoice): Promise<SyncReport> {
    await this.requireSyncable();
    if (this.sync.decision?.kind !== 'firstJoin')
      throw new InputError('no_decision_pending', 'No first-join choice is pending');
    if (!['merge', 'useAccount', 'uploadLocal'].includes(choice))
      throw new InputError('invalid_resolution', 'Choose merge, useAccount or uploadLocal');
    return this.sync.request('decision', { firstJoin: choice });
  }

  async answerBulkDelete(answer: BulkDeleteAnswer): Promise<SyncReport> {
    await this.requireSyncable();
    const decision = this.sync.decision;
    if (decision?.kind !== 'bulkDelete')
      throw new InputError('no_decision_pending', 'No bulk-delete question is pending');
    if (answer !== 'delete' && answer !== 'keep')
      throw new InputError('invalid_resolution', 'Answer delete or keep');
    return this.sync.request('decision', { bulkDelete: { side: decision.side, answer } });
  }

  setOnline(online: boolean): void {
    if (this.closed || !this.sync) return;
    if (online) {
      if (this.session.current && !this.keys.cipher && this.keys.mode === null)
        void this.checkKeys();
      this.sync.online();
    } else {
      this.sync.offlineSince ??= this.clock.now();
      void this.changed();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Sign-in, keys, sign-out

  async signIn(input: Omit<SignInInput, 'clientId'>): Promise<EngineState> {
    await this.live();
    if (this.session.current)
      throw new StateError('already_signed_in', 'This device is already signed in');
    if (this.signInFlow.pending)
      throw new StateError('sign_in_in_progress', 'A sign-in is already waiting for approval');
    this.authError = null;
    await this.signInFlow.start({ ...input, clientId: this.options.clientId });
    await this.changed();
    return this.computeState();
  }

  async cancelSignIn(): Promise<void> {
    await this.live();
    if (!this.signInFlow.pending)
      throw new StateError('no_sign_in_pending', 'No sign-in is in progress');
    await this.signInFlow.cancel();
  }

  private async signedIn(pending: PendingSignInMeta, tokens: TokenResponse): Promise<void> {
    const session = sessionFromTokens(pending.serverUrl, tokens, this.clock.now());
    await bindToAccount(this.ctx, session.accountId);
    await this.session.establish(session);
    await this.keys.load(session.accountId);
    this.authError = null;
    try {
      this.limits = await this.api.info(session.serverUrl).then((info) => info.limits);
      await writeMeta(this.ctx.db, 'limits', this.limits);
    } catch (error) {
      // The defaults of protocol v1 apply until the server's own limits can be read.
      this.log({ level: 'warn', event: 'server_info_failed', code: asEngineError(error).code });
    }
    await this.changed();
    if (this.keys.cipher) this.kickSync('startup', true);
    else await this.checkKeys();
  }

  /**
   * Syncs once the key is here. A rotation a restart interrupted while publishing goes first (it
   * may switch the key); this device's recipient entry is written alongside the sync, so that a
   * later rotation elsewhere includes it.
   */
  private async startSyncing(trigger: 'startup' | 'retry', register: boolean): Promise<void> {
    if (register) void this.registerDevice();
    if (this.rotation.publishing) {
      try {
        await this.rotation.resume();
      } catch (error) {
        const failure = asEngineError(error);
        this.log({ level: 'warn', event: 'key_rotation_resume_failed', code: failure.code });
        // Rolled back or its recovery key lost: the person asked for it, so they must hear.
        if (failure instanceof KeyError) this.setAuthError(failure);
      }
    }
    await this.sync.request(trigger);
  }

  /** Starts syncing without waiting; a failure (e.g. the engine closed mid-run) is logged. */
  private kickSync(trigger: 'startup' | 'retry', register: boolean): void {
    this.startSyncing(trigger, register).catch((error) => {
      if (!this.closed)
        this.log({ level: 'warn', event: 'sync_start_failed', code: asEngineError(error).code });
    });
  }

  private async registerDevice(): Promise<void> {
    try {
      await this.keys.register();
    } catch (error) {
      // Tried again at the next start; until then a rotation elsewhere would leave us out.
      this.log({
        level: 'warn',
        event: 'device_key_register_failed',
        code: asEngineError(error).code,
      });
    }
  }

  private async pairedKeys(keys: KeysMeta): Promise<void> {
    await this.keys.adopt(keys);
    await this.retryQuarantined();
    this.authError = null;
    await this.changed();
    this.kickSync('startup', true);
  }

  /** Asks the server whether to create or unlock the account key; offline leaves it unknown. */
  private async checkKeys(): Promise<void> {
    try {
      await this.keys.check();
    } catch (error) {
      const failure = asEngineError(error);
      this.log({ level: 'warn', event: 'key_check_failed', code: failure.code });
      if (!(failure instanceof AuthError))
        this.authError = { code: failure.code, message: failure.message, at: this.clock.now() };
    }
    await this.changed();
  }

  private setAuthError(error: EngineError): void {
    this.authError = { code: error.code, message: error.message, at: this.clock.now() };
    void this.changed();
  }

  private async revoked(): Promise<void> {
    // Signed out by the server: local data stays, the key goes with the session.
    await this.keys.drop('new_device');
    this.sync.triggers.stop();
    this.setAuthError(
      new AuthError(
        'device_revoked',
        'This device was signed out by the server (revoked or replaced)',
      ),
    );
  }

  /** Another device rotated the key; true when it was sealed to this device and is ours now. */
  private async keyPickedUp(): Promise<boolean> {
    try {
      if (!(await this.keys.pickUp())) return false;
    } catch (error) {
      const failure = asEngineError(error);
      this.log({ level: 'warn', event: 'key_pick_up_failed', code: failure.code });
      if (failure.code === 'key_document_invalid') throw failure;
      return false;
    }
    this.log({ level: 'info', event: 'key_rotation_picked_up' });
    await this.retryQuarantined();
    return true;
  }

  private async keyLost(error: KeyError): Promise<void> {
    await this.keys.drop('key_changed');
    this.setAuthError(error);
    await this.checkKeys();
  }

  async createAccountKey(options: { passphrase?: string } = {}): Promise<{ recoveryKey: string }> {
    await this.live();
    if (!this.session.current)
      throw new StateError('not_signed_in', 'Sign in before creating the account key');
    const recoveryKey = await this.keys.create(options.passphrase);
    this.authError = null;
    await this.changed();
    this.kickSync('startup', true);
    return { recoveryKey };
  }

  async unlock(secret: { recoveryKey: string } | { passphrase: string }): Promise<void> {
    await this.live();
    if (!this.session.current) throw new StateError('not_signed_in', 'Sign in before unlocking');
    if (this.keys.cipher)
      throw new StateError('key_not_needed', 'This device already holds the account key');
    await this.keys.unlock(secret);
    if (this.pairing.view?.role === 'new') await this.pairing.forget();
    await this.retryQuarantined();
    this.authError = null;
    await this.changed();
    this.kickSync('startup', true);
  }

  /** Records set aside under the old key may open now: fetch everything again. */
  private async retryQuarantined(): Promise<void> {
    const db = this.ctx.db;
    if ((await db.count('quarantine')) === 0) return;
    const tx = db.transaction(['quarantine', 'meta'], 'readwrite');
    await tx.objectStore('quarantine').clear();
    await updateSyncMeta(tx, { fullResync: true });
    await tx.done;
  }

  async changeKeySecrets(change: { newRecoveryKey?: boolean; passphrase?: string | null }) {
    await this.requireSyncable();
    return this.keys.rewrap(change);
  }

  async rotateAccountKey(options: { newRecoveryKey?: boolean } = {}) {
    await this.requireSyncable();
    const result = await this.rotation.start(options);
    this.authError = null;
    await this.changed();
    void this.sync.request('manual');
    return result;
  }

  // ---------------------------------------------------------------------------------------------
  // Pairing

  async requestPairing(): Promise<PairingView> {
    await this.live();
    if (!this.session.current) throw new StateError('not_signed_in', 'Sign in first');
    if (this.keys.cipher)
      throw new StateError('key_not_needed', 'This device already holds the account key');
    this.authError = null;
    return this.pairing.request();
  }

  async listPairingRequests(): Promise<PairingRequestView[]> {
    await this.requireSyncable();
    return this.pairing.list();
  }

  async acceptPairing(id: string): Promise<PairingView> {
    await this.requireSyncable();
    if (typeof id !== 'string' || id.length === 0 || id.length > 64)
      throw new InputError('invalid_resolution', 'A pairing id is 1 to 64 characters');
    this.authError = null;
    return this.pairing.accept(id);
  }

  async approvePairing(code: string): Promise<void> {
    await this.requireSyncable();
    if (typeof code !== 'string')
      throw new InputError('invalid_resolution', 'Confirm the code the two screens show');
    await this.pairing.approve(code);
  }

  async denyPairing(id?: string): Promise<void> {
    await this.live();
    if (!this.session.current) throw new StateError('not_signed_in', 'Sign in first');
    await this.pairing.deny(id);
  }

  async signOut(): Promise<void> {
    await this.live();
    if (this.signInFlow.pending) await this.signInFlow.cancel();
    const session = this.session.current;
    if (!session) throw new StateError('not_signed_in', 'This device is not signed in');
    try {
      await this.session.withAccess((server, token) => this.api.revoke(server, token));
    } catch (error) {
      // Signing out must work offline too; the server forgets the device when it is revoked
      // from another device or its tokens expire.
      this.log({ level: 'warn', event: 'revoke_failed', code: asEngineError(error).code });
    }
    this.sync.triggers.stop();
    this.sync.decision = null;
    this.sync.lastError = null;
    this.sync.offlineSince = null;
    await this.session.clear();
    await this.keys.drop('new_device');
    await this.pairing.forget();
    await this.rotation.forget();
    this.rotationProgress = null;
    await this.changed();
  }

  // ---------------------------------------------------------------------------------------------
  // Devices

  private async signedInSession(): Promise<Session> {
    await this.live();
    if (!this.session.current) throw new StateError('not_signed_in', 'Sign in to manage devices');
    return this.session;
  }

  async listDevices(): Promise<Device[]> {
    const session = await this.signedInSession();
    return session.withAccess((server, token) => this.api.devices(server, token));
  }

  async renameDevice(id: string, name: string): Promise<Device> {
    const session = await this.signedInSession();
    if (typeof name !== 'string' || name.trim().length === 0 || name.trim().length > 64) {
      throw new ValidationError('A device name is 1 to 64 characters', [
        { path: 'name', message: 'must be 1 to 64 characters' },
      ]);
    }
    return session.withAccess((server, token) =>
      this.api.renameDevice(server, token, id, name.trim()),
    );
  }

  async revokeDevice(id: string): Promise<void> {
    const session = await this.signedInSession();
    if (id === session.current?.deviceId) {
      throw new InputError(
        'cannot_revoke_self',
        'To sign this device out, use sign out (it keeps local data)',
      );
    }
    await session.withAccess((server, token) => this.api.revokeDevice(server, token, id));
  }

  // ---------------------------------------------------------------------------------------------
  // Settings and activity

  getSettings(): EngineSettings {
    return this.ctx
      ? { ...this.ctx.settings, collections: { ...this.ctx.settings.collections } }
      : { ...DEFAULT_SETTINGS };
  }

  async updateSettings(patch: SettingsPatch): Promise<EngineSettings> {
    const ctx = await this.live();
    const next = applySettingsPatch(ctx.settings, patch);
    const reenabled = COLLECTION_NAMES.filter(
      (name) => next.collections[name] && !ctx.settings.collections[name],
    );
    const tx = ctx.db.transaction('meta', 'readwrite');
    await tx.store.put(next, 'settings');
    if (reenabled.length > 0) {
      // Changes to a switched-off collection were skipped by pulls: fetch everything again.
      const meta = await readSyncMeta(tx);
      if (meta.cursor !== null) await updateSyncMeta(tx, { fullResync: true });
    }
    await tx.done;
    ctx.settings = next;
    this.sync.reschedule();
    if (reenabled.length > 0 && this.keys.cipher) void this.sync.request('manual');
    return this.getSettings();
  }

  async activity(limit?: number): Promise<ActivityRow[]> {
    return listActivity((await this.live()).db, limit);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.ready;
    } catch {
      return; // Never opened: nothing to close.
    }
    this.sync.stop();
    this.signInFlow.stop();
    this.pairing.stop();
    this.ctx.db.close();
  }
}

export function createEngine(options: EngineOptions): Engine {
  return new SatchelEngine(options);
}

export type { EngineDatabase };

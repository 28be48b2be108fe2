/**
 * SatchelEngine, the implementation behind the `Engine` interface of `engine.ts`. It opens the
 * database and builds the parts (session, keys, sign-in, sync, rotation, pairing), wiring their
 * callbacks to the lifecycle and the status feed. Its own methods are the commands, each behind
 * the guard that refuses it in the wrong state; how the parts react to one another lives in
 * `lifecycle.ts`, and what the status shows in `status-feed.ts`.
 */
import type { Device, Limits } from '../protocol';
import { listActivity } from './activity';
import type { SignInInput } from './auth/device-grant';
import type { Session } from './auth/session';
import type { SignInFlow } from './auth/sign-in-flow';
import type { CollectionName, RecordInput } from './collections';
import { type Resolution, resolveConflict } from './conflicts/resolve';
import { listConflicts } from './conflicts/view';
import type { EngineContext, Logger } from './context';
import type { ActivityRow } from './db/schema';
import { type Clock, type FetchLike, type Scheduler, systemClock, systemScheduler } from './deps';
import { DeviceDirectory } from './device-directory';
import type { Engine, EngineOptions, QuarantineView } from './engine';
import { openContext } from './engine-context';
import { asEngineError, InputError, StateError } from './errors';
import type { ListedDevice } from './keys/device-names';
import type { KeyManager } from './keys/key-manager';
import type { KeyRotation, RotationChange } from './keys/rotation';
import { type RotationPlan, revocationIds } from './keys/rotation-recipients';
import type { Lifecycle } from './lifecycle';
import type { LockSecret, LockSetting, LockView, PrfSetting } from './lock/device-lock';
import { EngineLock } from './lock/engine-lock';
import { lockedError } from './lock/secret-vault';
import type { PairingFlow, PairingRequestView, PairingView } from './pairing/pairing-flow';
import { buildParts, type EngineParts } from './parts';
import {
  createRecord,
  deleteRecord,
  replaceRecord,
  restoreRecord,
  updateRecord,
} from './records/commands';
import { getRecord, listHistory, listRecords, type ReadOptions } from './records/read';
import { dismissReplaced, listReplaced, restoreReplaced } from './records/replaced';
import { DEFAULT_SETTINGS, type EngineSettings, type SettingsPatch } from './settings';
import { saveSettings } from './settings-store';
import { type EngineState, type EngineStatus, type StatusListener, StatusStore } from './status';
import { initialStatus, type StatusFeed } from './status-feed';
import type { BulkDeleteAnswer } from './sync/bulk-delete';
import type { SyncController, SyncReport } from './sync/controller';
import type { FirstJoinChoice } from './sync/first-join';
import { listQuarantine } from './sync/quarantine-retry';
import { DEFAULT_EDIT_DEBOUNCE_MS } from './sync/triggers';
import { ServerApi } from './transport/api';
import { HttpTransport } from './transport/http';
import { ServerClock } from './transport/server-clock';

export class SatchelEngine implements Engine {
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
  private pairing!: PairingFlow;
  private signInFlow!: SignInFlow;
  private sync!: SyncController;
  private feed!: StatusFeed;
  private lifecycle!: Lifecycle;
  private stream!: EngineParts['live'];
  private detach!: () => void;
  private closed = false;
  /** The server's clock, for the deadlines it sets (a pairing's expiry). */
  private readonly serverClock: ServerClock;

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
    const { ctx, limits } = await openContext(this.options, this.clock, this.log);
    this.ctx = ctx;
    await this.locks.load(ctx.db, this.clock, this.scheduler, this.options.keyOptions ?? {});
    await this.rebuild(!this.locks.locked, limits);
  }

  /**
   * Builds the parts afresh (at start, and when the device locks or unlocks: nothing is kept),
   * then, `resume`, loads the session and key and goes on with what was under way.
   */
  private async rebuild(resume: boolean, limits: Limits = this.lifecycle.limits): Promise<void> {
    ({
      session: this.session,
      keys: this.keys,
      signInFlow: this.signInFlow,
      sync: this.sync,
      rotation: this.rotation,
      pairing: this.pairing,
      feed: this.feed,
      lifecycle: this.lifecycle,
      live: this.stream,
      detach: this.detach,
    } = buildParts({
      ctx: this.ctx,
      api: this.api,
      serverClock: this.serverClock,
      scheduler: this.scheduler,
      store: this.status,
      limits,
      random: this.options.random ?? Math.random,
      editDebounceMs: this.options.editDebounceMs ?? DEFAULT_EDIT_DEBOUNCE_MS,
      keyOptions: this.options.keyOptions ?? {},
      liveSocket: this.options.liveSocket ?? null,
      isClosed: () => this.closed,
      lock: () => this.locks.view(),
    }));
    await this.feed.load();
    if (!resume) {
      this.sync.stop();
      return this.feed.changed();
    }
    const session = await this.session.load();
    if (session) await this.keys.load(session.accountId);
    await this.signInFlow.resume();
    await this.pairing.resume();
    await this.rotation.load();
    await this.feed.refreshCounts();
    if (session && this.keys.cipher) this.lifecycle.kickSync('startup', true);
    else if (session) void this.lifecycle.checkKeys();
  }

  private readonly locks = new EngineLock({
    ready: () => this.ready,
    isClosed: () => this.closed,
    live: () => this.live(),
    quiesce: () => {
      this.halt();
      return Promise.all([this.sync.settled(), this.session.settled()]).then(() => undefined);
    },
    rebuild: (resume) => this.rebuild(resume),
    changed: () => this.feed.changed('state'),
    log: (event, error) => this.log({ level: 'error', event, code: asEngineError(error).code }),
  });

  private halt(): void {
    this.stream.stop();
    this.sync.stop();
    this.signInFlow.stop();
    this.pairing.stop();
    this.detach();
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
    if (this.locks.locked) throw lockedError();
    this.locks.device.touch();
    return this.ctx;
  }

  // ---------------------------------------------------------------------------------------------
  // Records

  private async edited<T>(work: Promise<T>): Promise<T> {
    const result = await work;
    this.sync.edited();
    await this.feed.changed();
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

  delete = async (collection: CollectionName, id: string) =>
    this.edited(deleteRecord(await this.live(), collection, id));

  restore = async (collection: CollectionName, id: string, historySeq: number) =>
    this.edited(restoreRecord(await this.live(), collection, id, historySeq));

  async get<C extends CollectionName>(collection: C, id: string, options?: ReadOptions) {
    return getRecord((await this.live()).db, collection, id, options);
  }

  list: Engine['list'] = async (collection, options) =>
    listRecords((await this.live()).db, collection, options);

  history = async (collection: CollectionName, id: string, options?: ReadOptions) =>
    listHistory((await this.live()).db, collection, id, options);

  listConflicts = async (options: ReadOptions = {}) =>
    listConflicts((await this.live()).db, options.reveal ?? false);

  resolveConflict = async (collection: CollectionName, id: string, resolution: Resolution) =>
    this.edited(resolveConflict(await this.live(), collection, id, resolution));

  listReplaced = async () => listReplaced((await this.live()).db);

  /** "Restore mine" writes a new edit (and syncs); dismissing only forgets the note. */
  answerReplaced: Engine['answerReplaced'] = async (collection, id, answer, seenAt) => {
    const ctx = await this.live();
    if (answer === 'restore') return this.edited(restoreReplaced(ctx, collection, id, seenAt));
    await dismissReplaced(ctx, collection, id, seenAt, true);
    await this.feed.changed();
  };

  listQuarantine = async (): Promise<QuarantineView[]> => listQuarantine(await this.live());

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
    if (this.closed || !this.sync || this.locks.locked) return;
    this.stream.setOnline(online);
    if (online) {
      if (this.session.current && !this.keys.cipher && this.keys.mode === null)
        void this.lifecycle.checkKeys();
      this.sync.online();
    } else {
      this.sync.wentOffline(this.clock.now());
      void this.feed.changed();
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
    this.lifecycle.authError = null;
    await this.signInFlow.start({ ...input, clientId: this.options.clientId });
    await this.feed.changed();
    return this.feed.state();
  }

  async cancelSignIn(): Promise<void> {
    await this.live();
    if (!this.signInFlow.pending)
      throw new StateError('no_sign_in_pending', 'No sign-in is in progress');
    await this.signInFlow.cancel();
  }

  async createAccountKey(options: { passphrase?: string } = {}): Promise<{ recoveryKey: string }> {
    await this.live();
    if (!this.session.current)
      throw new StateError('not_signed_in', 'Sign in before creating the account key');
    const recoveryKey = await this.keys.create(options.passphrase);
    this.lifecycle.authError = null;
    await this.feed.changed();
    this.lifecycle.kickSync('startup', true);
    return { recoveryKey };
  }

  /** `reset`: accept the server's document even if older than the pinned one (start over). */
  async unlock(
    secret: { recoveryKey: string } | { passphrase: string },
    options: { reset?: boolean } = {},
  ): Promise<void> {
    await this.live();
    if (!this.session.current) throw new StateError('not_signed_in', 'Sign in before unlocking');
    if (this.keys.cipher && !options.reset)
      throw new StateError('key_not_needed', 'This device already holds the account key');
    await this.keys.unlock(secret, options);
    if (this.pairing.view?.role === 'new') await this.pairing.forget();
    await this.lifecycle.retryQuarantined();
    this.lifecycle.authError = null;
    await this.feed.changed();
    this.lifecycle.kickSync('startup', true);
  }

  async changeKeySecrets(change: { newRecoveryKey?: boolean; passphrase?: string | null }) {
    await this.requireSyncable();
    return this.keys.rewrap(change);
  }

  async rotateAccountKey(options: RotationChange = {}) {
    await this.requireSyncable();
    const result = await this.rotation.start(options);
    this.lifecycle.authError = null;
    await this.feed.changed();
    void this.sync.request('manual');
    return result;
  }

  async previewRevokeAndRotate(ids: readonly string[]): Promise<RotationPlan> {
    await this.requireSyncable();
    return this.rotation.preview(revocationIds(ids, this.session.current?.deviceId));
  }

  async revokeAndRotate(ids: readonly string[], options: { newRecoveryKey?: boolean } = {}) {
    const revoke = revocationIds(ids, this.session.current?.deviceId);
    return this.rotateAccountKey({ newRecoveryKey: options.newRecoveryKey ?? true, revoke });
  }

  // ---------------------------------------------------------------------------------------------
  // Pairing

  async requestPairing(): Promise<PairingView> {
    await this.live();
    if (!this.session.current) throw new StateError('not_signed_in', 'Sign in first');
    if (this.keys.cipher)
      throw new StateError('key_not_needed', 'This device already holds the account key');
    this.lifecycle.authError = null;
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
    this.lifecycle.authError = null;
    return this.pairing.accept(id);
  }

  async approvePairing(code: string): Promise<void> {
    await this.requireSyncable();
    if (typeof code !== 'string')
      throw new InputError('invalid_resolution', 'Type the code the new device shows');
    await this.pairing.approve(code);
  }

  async confirmPairing(): Promise<void> {
    await this.live();
    await this.pairing.confirm();
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
    this.feed.forgetRotation();
    await this.feed.changed();
  }

  // The device lock (lock/engine-lock.ts).
  lockDevice = (): Promise<void> => this.locks.lockNow();
  unlockDevice = (secret: LockSecret): Promise<void> => this.locks.unlock(secret);
  addLockPasskey = (setting: PrfSetting): Promise<LockView> => this.locks.addPrf(setting);
  removeLockPasskey = (): Promise<LockView> => this.locks.removePrf();
  setDeviceLock = (setting: LockSetting): Promise<LockView> => this.locks.set(setting);
  removeDeviceLock = (): Promise<void> => this.locks.remove();
  setLockIdle = (minutes: number | null): Promise<LockView> => this.locks.setIdle(minutes);

  // ---------------------------------------------------------------------------------------------
  // Devices

  private readonly devices = new DeviceDirectory(async () => {
    await this.live();
    const { api, session, log } = this;
    return { db: this.ctx.db, api, session, log, options: this.options.keyOptions ?? {} };
  });

  listDevices = (): Promise<ListedDevice[]> => this.devices.list();
  renameDevice = (id: string, name: string): Promise<Device> => this.devices.rename(id, name);
  revokeDevice = (id: string): Promise<void> => this.devices.revoke(id);

  // ---------------------------------------------------------------------------------------------
  // Settings and activity

  getSettings(): EngineSettings {
    return this.ctx
      ? { ...this.ctx.settings, collections: { ...this.ctx.settings.collections } }
      : { ...DEFAULT_SETTINGS };
  }

  async updateSettings(patch: SettingsPatch): Promise<EngineSettings> {
    const ctx = await this.live();
    const reenabled = await saveSettings(ctx, patch);
    this.sync.reschedule();
    if (reenabled.length > 0 && this.keys.cipher) void this.sync.request('manual');
    return this.getSettings();
  }

  activity = async (limit?: number): Promise<ActivityRow[]> =>
    listActivity((await this.live()).db, limit);

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.ready;
    } catch {
      return; // Never opened: nothing to close.
    }
    this.halt();
    void this.locks.device.lock();
    this.ctx.db.close();
  }
}

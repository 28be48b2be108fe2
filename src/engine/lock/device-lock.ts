/**
 * The device lock: optional, set with a passphrase or a device PIN. While it is on, this
 * device's secrets are stored only sealed (secret-vault.ts) and open in memory only between an
 * unlock and the next lock, which comes by itself after the idle time the person chose. Wrong
 * tries cost nothing but time: from the fourth on, each must wait longer than the last, and the
 * count survives a restart.
 */
import {
  CryptoError,
  createLock,
  MIN_PASSPHRASE_LENGTH,
  openLock,
  passphraseKdfFor,
} from '../crypto';
import { newRowKey } from '../crypto/row-seal';
import { guardMeta } from '../db/meta';
import type { EngineDatabase } from '../db/open';
import type { LockMeta } from '../db/schema';
import { RowSealer, rewriteRows, SEALED_STORES, sealRowsOf } from '../db/sealed-rows';
import type { Clock, Scheduler, TimerHandle } from '../deps';
import { InputError, KeyError, LockError } from '../errors';
import type { KeyOptions } from '../keys/account-key';
import { SecretVault } from './secret-vault';

export type LockMethod = 'passphrase' | 'pin';

/** The idle times offered; null: the device locks only when told to. */
export const IDLE_MINUTES_CHOICES: readonly (number | null)[] = [1, 5, 15, 60, null];
export const DEFAULT_IDLE_MINUTES = 15;
export const MIN_PIN_LENGTH = 6;
/** Wrong tries allowed before each further one must wait. */
const FREE_TRIES = 3;
const FIRST_WAIT_MS = 5_000;
const MAX_WAIT_MS = 15 * 60_000;

export interface LockView {
  enabled: boolean;
  locked: boolean;
  method: LockMethod | null;
  idleMinutes: number | null;
  /** After wrong tries: when the next unlock is allowed (null: now). */
  retryAt: number | null;
}

export interface LockSetting {
  method: LockMethod;
  secret: string;
  idleMinutes?: number | null;
}

export function waitAfter(failures: number): number {
  if (failures < FREE_TRIES) return 0;
  return Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (failures - FREE_TRIES));
}

function checkIdle(idleMinutes: number | null): void {
  if (!IDLE_MINUTES_CHOICES.includes(idleMinutes))
    throw new InputError(
      'invalid_settings',
      `Invalid setting idleMinutes: must be one of ${IDLE_MINUTES_CHOICES.join(', ')}`,
    );
}

function checkSecret({ method, secret }: LockSetting): void {
  if (method === 'pin') {
    if (!new RegExp(`^[0-9]{${MIN_PIN_LENGTH},}$`).test(secret))
      throw new LockError('weak_pin', `A PIN is at least ${MIN_PIN_LENGTH} digits`);
  } else if (secret.length < MIN_PASSPHRASE_LENGTH) {
    throw new KeyError(
      'weak_passphrase',
      `A passphrase is at least ${MIN_PASSPHRASE_LENGTH} characters`,
    );
  }
}

export class DeviceLock {
  private meta: LockMeta | null = null;
  private timer: TimerHandle | null = null;
  private readonly vault: SecretVault;
  private readonly rows = new RowSealer();

  constructor(
    private readonly db: EngineDatabase,
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
    private readonly options: KeyOptions,
    /** The idle time passed: the engine locks. */
    private readonly idle: () => void,
  ) {
    this.vault = new SecretVault(db);
  }

  /** At start: a lock that is on starts locked (its keys were in memory only). */
  async load(): Promise<void> {
    this.meta = ((await this.db.get('meta', 'lock')) as LockMeta | undefined) ?? null;
    guardMeta(this.db, this.meta ? this.vault : null);
    sealRowsOf(this.db, this.meta ? this.rows : null);
  }

  get enabled(): boolean {
    return this.meta !== null;
  }

  get locked(): boolean {
    return this.meta !== null && !this.vault.isOpen;
  }

  view(): LockView {
    const meta = this.meta;
    return {
      enabled: meta !== null,
      locked: this.locked,
      method: meta?.method ?? null,
      idleMinutes: meta ? meta.idleMinutes : DEFAULT_IDLE_MINUTES,
      retryAt: meta && meta.nextTryAt > this.clock.now() ? meta.nextTryAt : null,
    };
  }

  /** Turns the lock on, or changes its secret: everything secret is sealed under a new data key. */
  async set(setting: LockSetting): Promise<void> {
    if (this.locked) throw new LockError('device_locked', 'Unlock this device first');
    checkSecret(setting);
    const idleMinutes =
      setting.idleMinutes === undefined
        ? (this.meta?.idleMinutes ?? DEFAULT_IDLE_MINUTES)
        : setting.idleMinutes;
    checkIdle(idleMinutes);
    const { wrap, dataKey } = await createLock(setting.secret, passphraseKdfFor(this.options));
    const meta: LockMeta = {
      wrap,
      method: setting.method,
      idleMinutes,
      failures: 0,
      nextTryAt: 0,
      rowsSealed: true,
    };
    const wasOn = this.meta !== null;
    const rowKey = this.vault.rowKey ?? newRowKey();
    try {
      await this.vault.seize(dataKey, rowKey, async (tx) => {
        await tx.objectStore('meta').put(meta, 'lock');
        if (this.meta?.rowsSealed && this.rows.unlocked) return;
        // From here on every row this database writes is sealed, this transaction's first.
        this.rows.useKey(rowKey);
        sealRowsOf(this.db, this.rows);
        await rewriteRows(tx);
      });
    } catch (error) {
      if (!wasOn) this.stopSealing();
      throw error;
    }
    this.meta = meta;
    guardMeta(this.db, this.vault);
    this.touch();
  }

  /** Turns the lock off: the secrets are stored as they were before it (unlocked only). */
  async remove(): Promise<void> {
    if (!this.meta) throw new LockError('lock_not_set', 'This device has no lock');
    if (this.locked) throw new LockError('device_locked', 'Unlock this device first');
    // Rows are still opened, but written in the clear: this transaction's first.
    this.rows.sealing = false;
    try {
      await this.vault.release(async (tx) => {
        await tx.objectStore('meta').delete('lock');
        await rewriteRows(tx);
      });
    } catch (error) {
      this.rows.sealing = true;
      throw error;
    }
    this.stopSealing();
    this.meta = null;
    guardMeta(this.db, null);
    this.cancelTimer();
  }

  private stopSealing(): void {
    sealRowsOf(this.db, null);
    this.rows.forget();
    this.rows.sealing = true;
  }

  async setIdle(idleMinutes: number | null): Promise<void> {
    if (!this.meta)
      throw new LockError('lock_not_set', 'Set a passphrase or PIN for the lock first');
    checkIdle(idleMinutes);
    await this.save({ ...this.meta, idleMinutes });
    this.touch();
  }

  async unlock(secret: string): Promise<void> {
    const meta = this.meta;
    if (!meta) throw new LockError('lock_not_set', 'This device has no lock');
    if (!this.locked) return;
    const now = this.clock.now();
    if (meta.nextTryAt > now)
      throw new LockError(
        'unlock_throttled',
        'Too many wrong tries: wait before the next',
        meta.nextTryAt,
      );
    let dataKey: CryptoKey;
    try {
      dataKey = await openLock(secret, meta.wrap);
    } catch (error) {
      if (!(error instanceof CryptoError && error.code === 'wrong_secret')) throw error;
      const failures = meta.failures + 1;
      const wait = waitAfter(failures);
      const nextTryAt = wait > 0 ? this.clock.now() + wait : 0;
      await this.save({ ...meta, failures, nextTryAt });
      throw new LockError(
        'wrong_unlock_secret',
        `That ${meta.method === 'pin' ? 'PIN' : 'passphrase'} does not unlock this device`,
        nextTryAt || null,
      );
    }
    await this.vault.open(dataKey);
    if (meta.failures > 0) await this.save({ ...meta, failures: 0, nextTryAt: 0 });
    const rowKey = this.vault.rowKey;
    if (rowKey && meta.rowsSealed) this.rows.useKey(rowKey);
    else await this.sealRowsNow();
    this.touch();
  }

  /** A lock set before rows were sealed: its rows are sealed at its first unlock since. */
  private async sealRowsNow(): Promise<void> {
    let rowKey = this.vault.rowKey;
    if (!rowKey) {
      rowKey = newRowKey();
      await this.vault.write('rowKey', rowKey);
    }
    this.rows.useKey(rowKey);
    const tx = this.db.transaction(['meta', ...SEALED_STORES], 'readwrite');
    await rewriteRows(tx);
    const meta = { ...(this.meta as LockMeta), rowsSealed: true };
    await tx.objectStore('meta').put(meta, 'lock');
    await tx.done;
    this.meta = meta;
  }

  /** Forgets the data key and every secret it opened. */
  async lock(): Promise<void> {
    this.cancelTimer();
    // After the writes already queued (a token just rotated lands sealed, not lost).
    await this.vault.exclusive(async () => {
      this.vault.forget();
      this.rows.forget();
    });
  }

  /** The person used the device: the idle time starts again. */
  touch(): void {
    this.cancelTimer();
    const minutes = this.meta?.idleMinutes;
    if (this.locked || minutes === null || minutes === undefined) return;
    this.timer = this.scheduler.setTimeout(() => {
      this.timer = null;
      this.idle();
    }, minutes * 60_000);
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.scheduler.clearTimeout(this.timer);
    this.timer = null;
  }

  private async save(meta: LockMeta): Promise<void> {
    await this.db.put('meta', meta, 'lock');
    this.meta = meta;
  }
}

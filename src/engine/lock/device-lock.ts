/**
 * The device lock: optional, set with a passphrase or a device PIN. While it is on, this
 * device's secrets are stored only sealed (secret-vault.ts) and open in memory only between an
 * unlock and the next lock, which comes by itself after the idle time the person chose. Wrong
 * tries cost nothing but time: from the fourth on, each must wait longer than the last, and the
 * count survives a restart.
 */

import { fromBase64url, toBase64url } from '../../protocol/base64url';
import type { PrfWrap } from '../crypto';
import {
  CryptoError,
  createLock,
  createPrfWrap,
  MIN_PASSPHRASE_LENGTH,
  openLock,
  openPrfWrap,
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
  /** The passkey that also unlocks it (WebAuthn PRF), for the page to ask for; null: none. */
  prf: { credentialId: string; salt: string } | null;
}

/** What unlocks: the passphrase or PIN as typed, or the passkey's PRF output (base64url). */
export type LockSecret = string | { prfOutput: string };

/** A passkey to add as a second way in, checked with the lock's own secret first. */
export interface PrfSetting {
  secret: string;
  credentialId: string;
  /** base64url */
  salt: string;
  /** base64url: the authenticator's PRF output for `salt` */
  output: string;
}

function bytesOf(text: string, what: string): Uint8Array {
  const bytes = typeof text === 'string' && text.length <= 1024 ? fromBase64url(text) : null;
  if (!bytes) throw new InputError('invalid_settings', `Invalid ${what}: not base64url`);
  return bytes;
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
      prf: meta?.prf
        ? { credentialId: meta.prf.credentialId, salt: toBase64url(meta.prf.salt) }
        : null,
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

  async unlock(secret: LockSecret): Promise<void> {
    const meta = this.meta;
    if (!meta) throw new LockError('lock_not_set', 'This device has no lock');
    if (!this.locked) return;
    const viaPrf = typeof secret !== 'string';
    if (viaPrf && !meta.prf)
      throw new LockError('prf_not_set', 'This device does not unlock with a passkey');
    this.throttled(meta);
    let dataKey: CryptoKey;
    try {
      dataKey = viaPrf
        ? await openPrfWrap(bytesOf(secret.prfOutput, 'PRF output'), meta.prf as PrfWrap)
        : await openLock(secret, meta.wrap);
    } catch (error) {
      throw await this.wrongTry(error, meta, viaPrf ? 'prf' : meta.method);
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

  /** Adds a passkey as a second way in; the lock's own secret is asked for first. */
  async addPrf(setting: PrfSetting): Promise<void> {
    const meta = this.meta;
    if (!meta) throw new LockError('lock_not_set', 'Set a passphrase or PIN for the lock first');
    if (this.locked) throw new LockError('device_locked', 'Unlock this device first');
    if (
      typeof setting.credentialId !== 'string' ||
      !/^[A-Za-z0-9_-]{1,1024}$/.test(setting.credentialId)
    )
      throw new InputError('invalid_settings', 'Invalid credentialId: not base64url');
    this.throttled(meta);
    let prf: PrfWrap;
    try {
      prf = await createPrfWrap(setting.secret, meta.wrap, {
        credentialId: setting.credentialId,
        salt: bytesOf(setting.salt, 'salt'),
        output: bytesOf(setting.output, 'PRF output'),
      });
    } catch (error) {
      throw await this.wrongTry(error, meta, meta.method);
    }
    await this.save({ ...meta, prf, failures: 0, nextTryAt: 0 });
    this.touch();
  }

  async removePrf(): Promise<void> {
    const meta = this.meta;
    if (!meta) throw new LockError('lock_not_set', 'This device has no lock');
    const { prf: _, ...rest } = meta;
    await this.save(rest);
  }

  private throttled(meta: LockMeta): void {
    if (meta.nextTryAt > this.clock.now())
      throw new LockError(
        'unlock_throttled',
        'Too many wrong tries: wait before the next',
        meta.nextTryAt,
      );
  }

  /** A wrong secret or passkey counts towards the slowing down, and survives a restart. */
  private async wrongTry(
    error: unknown,
    meta: LockMeta,
    what: LockMethod | 'prf',
  ): Promise<unknown> {
    if (!(error instanceof CryptoError && error.code === 'wrong_secret')) return error;
    const failures = meta.failures + 1;
    const wait = waitAfter(failures);
    const nextTryAt = wait > 0 ? this.clock.now() + wait : 0;
    await this.save({ ...meta, failures, nextTryAt });
    const named = what === 'pin' ? 'That PIN' : what === 'prf' ? 'That passkey' : 'That passphrase';
    return new LockError(
      'wrong_unlock_secret',
      `${named} does not unlock this device`,
      nextTryAt || null,
    );
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

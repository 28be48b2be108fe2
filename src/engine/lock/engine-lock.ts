/**
 * The device lock's commands on the engine. Locking stops the engine's parts, waits for a run
 * under way, forgets the secrets and replaces the parts with fresh ones that hold nothing;
 * unlocking opens the secrets and resumes as a start would. The engine stays the owner of its
 * parts: it is reached through `LockHost`.
 */
import type { EngineDatabase } from '../db/open';
import type { Clock, Scheduler } from '../deps';
import { asEngineError, LockError } from '../errors';
import type { KeyOptions } from '../keys/account-key';
import {
  DeviceLock,
  type LockSecret,
  type LockSetting,
  type LockView,
  type PrfSetting,
} from './device-lock';

export interface LockHost {
  ready(): Promise<void>;
  isClosed(): boolean;
  /** Resolves with the engine open and unlocked (else throws), counting as use. */
  live(): Promise<unknown>;
  /** Stops the parts and waits until no sync run is under way. */
  quiesce(): Promise<void>;
  /** New parts; `resume`: load the session and keys and go on as at start. */
  rebuild(resume: boolean): Promise<void>;
  changed(): Promise<void>;
  log(event: string, error: unknown): void;
}

export class EngineLock {
  device!: DeviceLock;

  constructor(private readonly host: LockHost) {}

  async load(db: EngineDatabase, clock: Clock, scheduler: Scheduler, options: KeyOptions) {
    this.device = new DeviceLock(db, clock, scheduler, options, () => {
      this.lockNow().catch((error) => this.host.log('idle_lock_failed', error));
    });
    await this.device.load();
  }

  get locked(): boolean {
    return this.device?.locked ?? false;
  }

  view(): LockView | null {
    return this.device?.enabled ? this.device.view() : null;
  }

  async lockNow(): Promise<void> {
    await this.host.ready();
    if (!this.device.enabled) throw new LockError('lock_not_set', 'This device has no lock');
    if (this.host.isClosed() || this.device.locked) return;
    // A run under way may still rotate a token: let it land, sealed, before the key goes.
    await this.host.quiesce();
    await this.device.lock();
    await this.host.rebuild(false);
  }

  async unlock(secret: LockSecret): Promise<void> {
    await this.host.ready();
    const wasLocked = this.device.locked;
    try {
      await this.device.unlock(secret);
    } catch (error) {
      // The status shows when the next try is allowed.
      await this.host.changed();
      throw asEngineError(error);
    }
    if (!wasLocked || this.host.isClosed()) return;
    await this.host.quiesce();
    await this.host.rebuild(true);
  }

  async set(setting: LockSetting): Promise<LockView> {
    await this.host.live();
    await this.device.set(setting);
    await this.host.changed();
    return this.device.view();
  }

  async addPrf(setting: PrfSetting): Promise<LockView> {
    await this.host.live();
    try {
      await this.device.addPrf(setting);
    } finally {
      // A wrong secret changes the wrong-try count the status shows.
      await this.host.changed();
    }
    return this.device.view();
  }

  async removePrf(): Promise<LockView> {
    await this.host.live();
    await this.device.removePrf();
    await this.host.changed();
    return this.device.view();
  }

  async remove(): Promise<void> {
    await this.host.live();
    await this.device.remove();
    await this.host.changed();
  }

  async setIdle(idleMinutes: number | null): Promise<LockView> {
    await this.host.live();
    await this.device.setIdle(idleMinutes);
    await this.host.changed();
    return this.device.view();
  }
}

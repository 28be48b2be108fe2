/** The device lock: set, remove, idle time, lock now, unlock (engine lock/device-lock.ts). */
import type { CommandContext, HandlerTable } from './table';

export function lockCommands({
  engine,
  publish,
}: CommandContext): HandlerTable<
  'lock.set' | 'lock.remove' | 'lock.idle' | 'lock.now' | 'lock.unlock'
> {
  return {
    async 'lock.set'({ method, secret, idleMinutes }) {
      const view = await engine.setDeviceLock({
        method,
        secret,
        ...(idleMinutes === undefined ? {} : { idleMinutes }),
      });
      publish();
      return view;
    },
    async 'lock.remove'() {
      await engine.removeDeviceLock();
      publish();
      return undefined;
    },
    async 'lock.idle'({ idleMinutes }) {
      const view = await engine.setLockIdle(idleMinutes);
      publish();
      return view;
    },
    async 'lock.now'() {
      await engine.lockDevice();
      return undefined;
    },
    async 'lock.unlock'({ secret }) {
      await engine.unlockDevice(secret);
      return undefined;
    },
  };
}

/** The device lock: set, remove, idle time, lock now, unlock (engine lock/device-lock.ts). */
import type { CommandContext, HandlerTable } from './table';

export function lockCommands({
  engine,
  publish,
}: CommandContext): HandlerTable<
  | 'lock.set'
  | 'lock.remove'
  | 'lock.idle'
  | 'lock.now'
  | 'lock.unlock'
  | 'lock.prf.add'
  | 'lock.prf.remove'
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
    async 'lock.unlock'(input) {
      await engine.unlockDevice(
        'prfOutput' in input ? { prfOutput: input.prfOutput } : input.secret,
      );
      return undefined;
    },
    async 'lock.prf.add'({ secret, credentialId, salt, output }) {
      const view = await engine.addLockPasskey({ secret, credentialId, salt, output });
      publish();
      return view;
    },
    async 'lock.prf.remove'() {
      const view = await engine.removeLockPasskey();
      publish();
      return view;
    },
  };
}

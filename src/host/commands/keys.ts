/** The account key: made once, unlocked on each device, rotated after a revoke. */
import type { CommandContext, HandlerTable } from './table';

export function keyCommands({
  engine,
}: CommandContext): HandlerTable<'keys.create' | 'keys.unlock' | 'keys.rotate'> {
  return {
    'keys.create': () => engine.createAccountKey(),
    async 'keys.unlock'(secret) {
      await engine.unlock(secret);
      return undefined;
    },
    'keys.rotate': (options) =>
      engine.rotateAccountKey({ newRecoveryKey: options?.newRecoveryKey }),
  };
}

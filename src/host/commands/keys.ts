/** The account key: made once, unlocked on each device, rotated after a revoke. */
import { BridgeError, type CommandInput } from '../contract';
import type { CommandContext, HandlerTable } from './table';

type KeySecret = { recoveryKey: string } | { passphrase: string };

function invalid(path: string, message: string): BridgeError {
  return new BridgeError({ code: 'validation_failed', message, issues: [{ path, message }] });
}

/**
 * The unlock message as a page sent it, checked before the engine sees it: exactly one secret
 * (a string), and `reset` only ever as `true` or `false`, never a truthy stand-in. Only the
 * secret itself goes on to the engine, so nothing else the page added can ride along with it.
 */
export function parseUnlock(input: unknown): { secret: KeySecret; reset: boolean } {
  if (typeof input !== 'object' || input === null) {
    throw invalid('', 'Send the recovery key or the passphrase');
  }
  const { recoveryKey, passphrase, reset } = input as Record<string, unknown>;
  if (reset !== undefined && typeof reset !== 'boolean') {
    throw invalid('reset', 'reset is true or false');
  }
  if ((recoveryKey === undefined) === (passphrase === undefined)) {
    throw invalid('', 'Send either the recovery key or the passphrase');
  }
  if (recoveryKey !== undefined && typeof recoveryKey !== 'string') {
    throw invalid('recoveryKey', 'The recovery key is text');
  }
  if (passphrase !== undefined && typeof passphrase !== 'string') {
    throw invalid('passphrase', 'The passphrase is text');
  }
  const secret: KeySecret =
    typeof recoveryKey === 'string' ? { recoveryKey } : { passphrase: passphrase as string };
  return { secret, reset: reset === true };
}

export function keyCommands({
  engine,
}: CommandContext): HandlerTable<'keys.create' | 'keys.unlock' | 'keys.rotate'> {
  return {
    'keys.create': () => engine.createAccountKey(),
    async 'keys.unlock'(input: CommandInput<'keys.unlock'>) {
      const { secret, reset } = parseUnlock(input);
      await engine.unlock(secret, reset ? { reset } : {});
      return undefined;
    },
    'keys.rotate': (options) =>
      engine.rotateAccountKey({ newRecoveryKey: options?.newRecoveryKey }),
  };
}

/** The key's fingerprint and the secrets that open it (recovery key, passphrase). */
import { BridgeError } from '../contract';
import type { CommandContext, HandlerTable } from './table';

export function securityCommands({
  engine,
}: CommandContext): HandlerTable<
  'security.fingerprint' | 'security.regenerateRecoveryKey' | 'security.setPassphrase'
> {
  return {
    async 'security.fingerprint'() {
      const fingerprint = engine.getStatus().account?.fingerprint;
      if (!fingerprint) throw new BridgeError({ code: 'locked', message: 'No key unlocked' });
      return { fingerprint };
    },
    async 'security.regenerateRecoveryKey'() {
      const { recoveryKey } = await engine.changeKeySecrets({ newRecoveryKey: true });
      if (!recoveryKey) throw new BridgeError({ code: 'internal_error', message: 'No new key' });
      return { recoveryKey };
    },
    async 'security.setPassphrase'({ passphrase, lock }) {
      await engine.changeKeySecrets({ passphrase });
      // On by default where the person sets a passphrase: the same one then locks this device.
      if (lock) await engine.setDeviceLock({ method: 'passphrase', secret: passphrase });
      return undefined;
    },
  };
}

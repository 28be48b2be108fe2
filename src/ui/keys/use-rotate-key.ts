import { useState } from 'preact/hooks';
import { type Action, useAction, useBridge } from '../use-bridge';

export interface RotateKey {
  action: Action;
  /** A new recovery key the rotation made, to show once; null otherwise. */
  recoveryKey: string | null;
  /** Resolves true once the rotation started (records then re-upload in the background). */
  rotate(options?: { newRecoveryKey?: boolean }): Promise<boolean>;
  recoveryKeySaved(): void;
}

/** Starts a key rotation from any page, keeping a new recovery key for the shared display. */
export function useRotateKey(): RotateKey {
  const bridge = useBridge();
  const action = useAction();
  const [recoveryKey, setRecoveryKey] = useState<string | null>(null);
  return {
    action,
    recoveryKey,
    rotate: (options = {}) =>
      action.run(async () => {
        const result = await bridge.call('keys.rotate', options);
        if (result.recoveryKey) setRecoveryKey(result.recoveryKey);
      }),
    recoveryKeySaved: () => setRecoveryKey(null),
  };
}

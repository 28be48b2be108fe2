import { useEffect, useState } from 'preact/hooks';
import type { LockInfo } from '../../host/contract';
import { ErrorAlert } from '../components/error-alert';
import { useAction, useBridge } from '../use-bridge';
import { createPasskey, passkeysOffered } from './passkey';

/**
 * A passkey (this device's screen lock or a security key, through WebAuthn's PRF extension) as a
 * second way to unlock, beside the passphrase or PIN, which stays. Shown only where the browser
 * offers PRF. Adding one asks for the lock's own secret first.
 */
export function PasskeyUnlock({ lock }: { lock: LockInfo }) {
  const bridge = useBridge();
  const action = useAction();
  const [offered, setOffered] = useState(false);
  const [secret, setSecret] = useState('');
  useEffect(() => {
    void passkeysOffered().then(setOffered);
  }, []);
  const what = lock.method === 'pin' ? 'PIN' : 'passphrase';
  if (lock.prf)
    return (
      <div class="stack" data-testid="passkey-unlock">
        <p class="small">
          A passkey unlocks it too. The {what} still works; changing it removes the passkey.
        </p>
        <ErrorAlert error={action.error} />
        <div class="row">
          <button
            type="button"
            disabled={action.busy}
            onClick={() => void action.run(() => bridge.call('lock.prf.remove'))}
          >
            Remove passkey
          </button>
        </div>
      </div>
    );
  if (!offered) return null;
  return (
    <form
      class="stack"
      data-testid="passkey-unlock"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(async () => {
          const passkey = await createPasskey();
          await bridge.call('lock.prf.add', { secret, ...passkey });
          setSecret('');
        });
      }}
    >
      <h3>Unlock with a passkey</h3>
      <p class="small muted">
        Use this device’s screen lock (fingerprint, face, PIN) or a security key instead of typing
        the {what}. The {what} keeps working.
      </p>
      <div class="field">
        <label for="passkey-lock-secret">Current {what} of the lock</label>
        <input
          id="passkey-lock-secret"
          type="password"
          autoComplete="current-password"
          inputMode={lock.method === 'pin' ? 'numeric' : undefined}
          value={secret}
          onInput={(e) => setSecret(e.currentTarget.value)}
        />
      </div>
      <ErrorAlert error={action.error} />
      <div class="row">
        <button type="submit" data-testid="passkey-add" disabled={action.busy || !secret}>
          Add passkey
        </button>
      </div>
    </form>
  );
}

import { useState } from 'preact/hooks';
import type { Status } from '../../host/contract';
import { ErrorAlert } from '../components/error-alert';
import { useAction, useBridge } from '../use-bridge';
import { passkeyOutput } from './passkey';

function timeOf(at: number): string {
  return new Date(at).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/**
 * The device is locked: its keys and tokens are sealed under the passphrase or PIN. Shown by the
 * popup, the app and the options page; nothing else works until it is unlocked.
 */
export function Locked({ status }: { status: Status }) {
  const bridge = useBridge();
  const action = useAction();
  const [secret, setSecret] = useState('');
  const pin = status.lock?.method === 'pin';
  const what = pin ? 'PIN' : 'passphrase';
  const retryAt = status.lock?.retryAt ?? null;
  const passkey = status.lock?.prf ?? null;
  return (
    <section class="stack" aria-labelledby="locked-title" data-testid="locked">
      <h1 id="locked-title">Locked</h1>
      <p>
        Satchel is locked on this device. Your settings and edits are kept; nothing syncs until you
        unlock with your {what}
        {passkey ? ' or your passkey' : ''}.
      </p>
      {passkey && typeof PublicKeyCredential !== 'undefined' && (
        <button
          type="button"
          class="primary"
          data-testid="unlock-passkey"
          disabled={action.busy}
          onClick={() =>
            void action.run(async () => {
              const prfOutput = await passkeyOutput(passkey.credentialId, passkey.salt);
              await bridge.call('lock.unlock', { prfOutput });
            })
          }
        >
          Unlock with passkey
        </button>
      )}
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            await bridge.call('lock.unlock', { secret });
            setSecret('');
          });
        }}
      >
        <div class="field">
          <label for="lock-secret">{pin ? 'PIN' : 'Passphrase'}</label>
          <input
            id="lock-secret"
            type="password"
            autoComplete="current-password"
            inputMode={pin ? 'numeric' : undefined}
            value={secret}
            aria-invalid={action.error ? 'true' : undefined}
            aria-describedby="lock-error"
            onInput={(e) => setSecret(e.currentTarget.value)}
          />
        </div>
        <div id="lock-error">
          <ErrorAlert error={action.error} />
          {retryAt !== null && (
            <p class="small muted" role="status">
              Next try from {timeOf(retryAt)}.
            </p>
          )}
        </div>
        <button
          type="submit"
          class="primary"
          data-testid="unlock-device"
          disabled={action.busy || !secret}
        >
          {action.busy ? 'Unlocking…' : 'Unlock'}
        </button>
      </form>
    </section>
  );
}

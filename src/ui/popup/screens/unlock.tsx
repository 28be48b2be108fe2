import { useState } from 'preact/hooks';
import { ErrorAlert } from '../../components/error-alert';
import { useAction, useBridge } from '../../use-bridge';
import type { ScreenProps } from '../screen';

/** An existing account: this device joins by opening the account key. */
export function Unlock({ status }: ScreenProps) {
  const keyChanged = status.state.kind === 'needsKey' && status.state.reason === 'key_changed';
  const bridge = useBridge();
  const action = useAction();
  const [method, setMethod] = useState<'recoveryKey' | 'passphrase'>('recoveryKey');
  const [secret, setSecret] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(() =>
      bridge.call(
        'keys.unlock',
        method === 'recoveryKey' ? { recoveryKey: secret } : { passphrase: secret },
      ),
    );
  };
  const label = method === 'recoveryKey' ? 'Recovery key' : 'Passphrase';
  const inputProps = {
    autoComplete: 'off',
    value: secret,
    'aria-invalid': action.error ? ('true' as const) : undefined,
    'aria-describedby': action.error ? 'unlock-error' : undefined,
    onInput: (e: Event) => setSecret((e.currentTarget as HTMLInputElement).value),
  };
  return (
    <section class="stack" aria-labelledby="unlock-title">
      <h1 id="unlock-title">Unlock your settings</h1>
      <p>
        {keyChanged
          ? 'The account’s key was changed on another device. Enter the current recovery key or passphrase to keep syncing.'
          : 'This account already has encrypted settings. Enter your recovery key or passphrase to open them on this device.'}
      </p>
      <fieldset class="row plain">
        <legend class="sr-only">Unlock with</legend>
        <label class="row plain">
          <input
            type="radio"
            name="method"
            checked={method === 'recoveryKey'}
            onChange={() => setMethod('recoveryKey')}
          />
          Recovery key
        </label>
        <label class="row plain">
          <input
            type="radio"
            name="method"
            checked={method === 'passphrase'}
            onChange={() => setMethod('passphrase')}
          />
          Passphrase
        </label>
      </fieldset>
      <form class="stack" onSubmit={submit}>
        <div class="field">
          <label for="unlock-secret">{label}</label>
          {method === 'passphrase' ? (
            <input id="unlock-secret" type="password" {...inputProps} />
          ) : (
            <input id="unlock-secret" type="text" class="code" spellcheck={false} {...inputProps} />
          )}
        </div>
        <div id="unlock-error">
          <ErrorAlert error={action.error} />
        </div>
        <div class="row">
          <button type="submit" class="primary" disabled={action.busy || !secret.trim()}>
            {action.busy ? 'Unlocking…' : 'Unlock'}
          </button>
          <button
            type="button"
            onClick={() => void action.run(() => bridge.call('auth.disconnect'))}
          >
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}

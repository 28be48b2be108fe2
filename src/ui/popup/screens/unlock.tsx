import { useState } from 'preact/hooks';
import { BridgeError } from '../../../host/contract';
import { ErrorAlert } from '../../components/error-alert';
import { KeyRollback } from '../../keys/key-rollback';
import { useAction, useBridge } from '../../use-bridge';
import type { ScreenProps } from '../screen';

type Secret = { recoveryKey: string } | { passphrase: string };

/** An existing account: this device joins by opening the account key. */
export function Unlock({ status }: ScreenProps) {
  const keyChanged = status.state.kind === 'needsKey' && status.state.reason === 'key_changed';
  const bridge = useBridge();
  const action = useAction();
  const pair = useAction();
  const [method, setMethod] = useState<'recoveryKey' | 'passphrase'>('recoveryKey');
  const [secret, setSecret] = useState('');
  /**
   * The secret of an unlock refused as `key_rollback`, held (in memory only, out of the field)
   * for the one retry the person may confirm; dropped on cancel.
   */
  const [refused, setRefused] = useState<{ secret: Secret; error: BridgeError } | null>(null);
  const submit = (e: Event) => {
    e.preventDefault();
    const input: Secret =
      method === 'recoveryKey' ? { recoveryKey: secret } : { passphrase: secret };
    void action.run(async () => {
      try {
        await bridge.call('keys.unlock', input);
      } catch (error) {
        if (error instanceof BridgeError && error.code === 'key_rollback') {
          setRefused({ secret: input, error });
          setSecret('');
          return;
        }
        throw error;
      }
    });
  };
  if (refused) {
    return (
      <section class="stack" aria-labelledby="unlock-title">
        <h1 id="unlock-title">Unlock your settings</h1>
        <KeyRollback
          refusal={refused.error}
          onConfirm={async () => {
            await bridge.call('keys.unlock', { ...refused.secret, reset: true });
            setRefused(null);
          }}
          onCancel={() => setRefused(null)}
        />
      </section>
    );
  }
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
          ? 'The account’s key was changed on another device. Approve this device from one you already use, or enter the current recovery key (or the passphrase, if one was set).'
          : 'This account already has encrypted settings. Open them on this device by approving it from one you already use, or with your recovery key (or the passphrase, if one was set).'}
      </p>
      {/* First: nothing to type or keep at hand, and the key never passes through a person. */}
      <div class="card stack">
        <h2>Approve from another device</h2>
        <p class="small muted">
          Open Satchel on a device you already use and approve this one there. No recovery key to
          type.
        </p>
        <ErrorAlert error={pair.error} />
        <button
          type="button"
          class="primary"
          data-testid="pairing-start"
          disabled={pair.busy || action.busy}
          onClick={() => void pair.run(() => bridge.call('pairing.request'))}
        >
          {pair.busy ? 'Asking…' : 'Approve from another device'}
        </button>
      </div>
      <h2>Or use the recovery key (or a passphrase you set)</h2>
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
          Passphrase, if you set one
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
          <button type="submit" disabled={action.busy || !secret.trim()}>
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

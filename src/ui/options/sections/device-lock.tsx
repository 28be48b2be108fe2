import { useState } from 'preact/hooks';
import type { Status } from '../../../host/contract';
import { ErrorAlert } from '../../components/error-alert';
import { PasskeyUnlock } from '../../lock/passkey-unlock';
import { useAction, useBridge } from '../../use-bridge';

/** The idle times offered (minutes; null: only "Lock now"). The engine accepts exactly these. */
const IDLE_CHOICES: { value: number | null; label: string }[] = [
  { value: 1, label: '1 minute' },
  { value: 5, label: '5 minutes' },
  { value: 15, label: '15 minutes' },
  { value: 60, label: '1 hour' },
  { value: null, label: 'Never (only “Lock now”)' },
];

/**
 * The device lock: this device's keys and tokens sealed under a passphrase or PIN, forgotten
 * after the idle time. Set here, or by setting the account passphrase with "also lock" ticked.
 */
export function DeviceLockCard({ status }: { status: Status }) {
  const bridge = useBridge();
  const action = useAction();
  const lock = status.lock ?? null;
  const [method, setMethod] = useState<'passphrase' | 'pin'>('pin');
  const [secret, setSecret] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const idle = lock ? lock.idleMinutes : 15;
  return (
    <div class="card stack" data-testid="device-lock">
      <h2>Lock this device</h2>
      <p class="small muted">
        {lock
          ? `On, with a ${lock.method === 'pin' ? 'PIN' : 'passphrase'}. This device’s keys and session are stored only encrypted and are forgotten when it locks; your settings stay here.`
          : 'Off. Turn it on to store this device’s keys and session only encrypted under a passphrase or PIN, and to lock after a while without use.'}
      </p>
      {lock && (
        <div class="field">
          <label for="lock-idle">Lock after</label>
          <select
            id="lock-idle"
            value={idle === null ? 'never' : String(idle)}
            onChange={(e) => {
              const value = e.currentTarget.value;
              void action.run(() =>
                bridge.call('lock.idle', { idleMinutes: value === 'never' ? null : Number(value) }),
              );
            }}
          >
            {IDLE_CHOICES.map((choice) => (
              <option
                key={String(choice.value)}
                value={choice.value === null ? 'never' : String(choice.value)}
              >
                {choice.label}
              </option>
            ))}
          </select>
        </div>
      )}
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (secret !== confirmation) return setMismatch(true);
          setMismatch(false);
          void action.run(async () => {
            await bridge.call('lock.set', { method, secret });
            setSecret('');
            setConfirmation('');
          });
        }}
      >
        <fieldset class="row plain">
          <legend class="sr-only">Unlock with</legend>
          <label class="row plain">
            <input
              type="radio"
              name="lock-method"
              checked={method === 'pin'}
              onChange={() => setMethod('pin')}
            />
            PIN (6 digits or more)
          </label>
          <label class="row plain">
            <input
              type="radio"
              name="lock-method"
              checked={method === 'passphrase'}
              onChange={() => setMethod('passphrase')}
            />
            Passphrase
          </label>
        </fieldset>
        <div class="field">
          <label for="lock-new-secret">
            {method === 'pin' ? 'PIN for the lock' : 'Passphrase for the lock'}
          </label>
          <input
            id="lock-new-secret"
            type="password"
            autoComplete="new-password"
            inputMode={method === 'pin' ? 'numeric' : undefined}
            value={secret}
            onInput={(e) => setSecret(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="lock-new-secret-confirm">Type it again</label>
          <input
            id="lock-new-secret-confirm"
            type="password"
            autoComplete="new-password"
            inputMode={method === 'pin' ? 'numeric' : undefined}
            value={confirmation}
            onInput={(e) => setConfirmation(e.currentTarget.value)}
          />
          <div class="field-error" role="alert">
            {mismatch ? 'The two differ.' : null}
          </div>
        </div>
        <ErrorAlert error={action.error} />
        <div class="row">
          <button type="submit" data-testid="lock-set" disabled={action.busy || !secret}>
            {lock ? 'Change' : 'Turn lock on'}
          </button>
          {lock && (
            <button
              type="button"
              data-testid="lock-now"
              disabled={action.busy}
              onClick={() => void action.run(() => bridge.call('lock.now'))}
            >
              Lock now
            </button>
          )}
          {lock && (
            <button
              type="button"
              disabled={action.busy}
              onClick={() => {
                if (
                  !confirm(
                    'Turn the lock off? This device’s keys will be stored unencrypted again.',
                  )
                )
                  return;
                void action.run(() => bridge.call('lock.remove'));
              }}
            >
              Turn lock off
            </button>
          )}
        </div>
      </form>
      {lock && <PasskeyUnlock lock={lock} />}
    </div>
  );
}

import { ErrorAlert } from '../../components/error-alert';
import { useAction, useBridge } from '../../use-bridge';
import type { ScreenProps } from '../screen';

/** A new account: this device creates the master key; its recovery key is shown next. */
export function KeySetup({ showRecoveryKey }: ScreenProps) {
  const bridge = useBridge();
  const action = useAction();
  const create = () =>
    void action.run(async () => {
      const { recoveryKey } = await bridge.call('keys.create');
      showRecoveryKey(recoveryKey);
    });
  return (
    <section class="stack" aria-labelledby="key-setup-title">
      <h1 id="key-setup-title">Set up encryption</h1>
      <p>
        You are connected. Satchel will now create the key that encrypts your settings on this
        device before they reach the server. You will get a recovery key to keep safe.
      </p>
      <ErrorAlert error={action.error} />
      <div class="row">
        <button type="button" class="primary" disabled={action.busy} onClick={create}>
          {action.busy ? 'Creating…' : 'Create my key'}
        </button>
        <button type="button" onClick={() => void action.run(() => bridge.call('auth.disconnect'))}>
          Cancel
        </button>
      </div>
    </section>
  );
}

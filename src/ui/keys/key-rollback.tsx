import { useState } from 'preact/hooks';
import type { BridgeError } from '../../host/contract';
import { ConfirmActions } from '../components/confirm-actions';
import { ErrorAlert } from '../components/error-alert';
import { useAction } from '../use-bridge';

/**
 * After an unlock refused with `key_rollback`: why the server's keys were refused, and starting
 * over with them behind an explicit acknowledgement that the server may be lying. `onConfirm`
 * retries the same unlock with `reset`; `onCancel` changes nothing on the device.
 */
export function KeyRollback({
  refusal,
  onConfirm,
  onCancel,
}: {
  /** The unlock's refusal, shown in the words of error-messages.ts. */
  refusal: BridgeError;
  onConfirm(): Promise<void>;
  onCancel(): void;
}) {
  const [understood, setUnderstood] = useState(false);
  const action = useAction();
  return (
    <section class="card stack" aria-labelledby="key-rollback-title" data-testid="key-rollback">
      <h2 id="key-rollback-title">The server sent older or different keys</h2>
      <ErrorAlert error={refusal} />
      <p class="small">What that means:</p>
      <ul class="small">
        <li>
          <strong>The server was restored from a backup</strong> made before the account key was
          last changed. Your server admin can tell you.
        </li>
        <li>
          <strong>Someone is trying to trick this device</strong> into using keys they know, such as
          the ones a lost or revoked device still holds.
        </li>
      </ul>
      <p class="small">
        Starting over makes this device trust the keys the server holds now, as if it had never seen
        the newer ones. Settings saved under the newer keys may not open here. If you are not sure,
        cancel and ask your server admin first.
      </p>
      <label class="switch">
        <span>
          I understand the server may be lying, and this device will trust the keys the server holds
          now
        </span>
        <input
          type="checkbox"
          data-testid="key-rollback-understood"
          checked={understood}
          disabled={action.busy}
          onChange={(e) => setUnderstood(e.currentTarget.checked)}
        />
      </label>
      <ConfirmActions
        action={action}
        kind="primary"
        label="Start over with these keys"
        busyLabel="Starting over…"
        testId="key-rollback-confirm"
        ready={understood}
        onConfirm={onConfirm}
        onCancel={onCancel}
      />
    </section>
  );
}

import { ErrorAlert } from '../../components/error-alert';
import { useAction, useBridge } from '../../use-bridge';
import type { ScreenProps } from '../screen';

/** Signed in, but whether the account already has a key is unknown until the server answers. */
export function KeyCheck({ status }: ScreenProps) {
  const bridge = useBridge();
  const action = useAction();
  return (
    <section class="stack" aria-labelledby="key-check-title">
      <h1 id="key-check-title">Almost connected</h1>
      <p class="row muted" role="status">
        <span class="spinner" aria-hidden="true" /> Checking your account’s encryption key with the
        server…
      </p>
      <ErrorAlert error={status.lastError} />
      <ErrorAlert error={action.error} />
      <div class="row">
        <button type="button" onClick={() => void action.run(() => bridge.call('sync.now'))}>
          Try again
        </button>
        <button type="button" onClick={() => void action.run(() => bridge.call('auth.disconnect'))}>
          Cancel
        </button>
      </div>
    </section>
  );
}

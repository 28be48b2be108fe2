import { ErrorAlert } from '../../components/error-alert';
import { useAction, useBridge } from '../../use-bridge';
import type { ScreenProps } from '../screen';

export function SigningIn({ status }: ScreenProps) {
  const bridge = useBridge();
  const action = useAction();
  if (status.state.kind !== 'signingIn') return null;
  const { userCode, verificationUriComplete } = status.state;
  return (
    <section class="stack" aria-labelledby="signing-in-title">
      <div class="row spread">
        <h1 id="signing-in-title">Connecting…</h1>
        <span class="pill busy">Waiting for approval</span>
      </div>
      <p>A sign-in page opened in a new tab. Check that it shows this code, then approve there:</p>
      <output class="user-code code" aria-label="Your sign-in code" data-testid="user-code">
        {userCode}
      </output>
      <p class="row muted small" aria-live="polite">
        <span class="spinner" aria-hidden="true" /> Waiting for you to approve on the sign-in page…
      </p>
      <ErrorAlert error={action.error} />
      <div class="row">
        <button type="button" onClick={() => bridge.host.openUrl(verificationUriComplete)}>
          Open the sign-in page again
        </button>
        <button
          type="button"
          class="danger"
          disabled={action.busy}
          onClick={() => void action.run(() => bridge.call('auth.cancel'))}
        >
          Cancel
        </button>
      </div>
    </section>
  );
}

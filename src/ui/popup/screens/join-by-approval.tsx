import { ErrorAlert } from '../../components/error-alert';
import { PairingCode } from '../../pairing/pairing-code';
import { pairingFailure } from '../../pairing/pairing-failure';
import { TimeLeft } from '../../pairing/time-left';
import { useAction, useBridge } from '../../use-bridge';
import type { ScreenProps } from '../screen';

/**
 * A new device asks one already in use for the account key: no recovery key to type. The person
 * types the code shown here on the other device and then confirms here; nothing is accepted
 * before, so a device in the middle (or the server) cannot slip its own key in.
 */
export function JoinByApproval({ status }: ScreenProps) {
  const bridge = useBridge();
  const action = useAction();
  const pairing = status.pairing?.role === 'new' ? status.pairing : null;
  const failure = pairing ? null : pairingFailure(status.lastError);
  const other = pairing?.peer?.name ?? 'your other device';
  return (
    <section class="stack" aria-labelledby="join-title">
      <h1 id="join-title">Approve from another device</h1>
      {pairing && !pairing.code && (
        <p class="row" role="status">
          <span class="spinner" aria-hidden="true" /> Open Satchel on your other device — it will
          ask you to approve this one.
        </p>
      )}
      {pairing?.code && pairing.stage === 'confirm' && (
        <>
          <h2 id="pairing-type-there">Type this code on {other}</h2>
          <PairingCode code={pairing.code} />
          <p>When {other} says the code is correct, confirm here. Confirm only then.</p>
          <button
            type="button"
            class="primary"
            data-testid="pairing-confirm"
            disabled={action.busy}
            onClick={() => void action.run(() => bridge.call('pairing.confirm'))}
          >
            {other} accepted this code — confirm
          </button>
        </>
      )}
      {pairing?.code && pairing.stage === 'confirmed' && (
        <>
          <PairingCode code={pairing.code} />
          <p class="row" role="status">
            <span class="spinner" aria-hidden="true" /> Confirmed. Waiting for {other} to send the
            key…
          </p>
        </>
      )}
      {pairing && <TimeLeft expiresAt={pairing.expiresAt} />}
      <ErrorAlert error={failure} />
      <ErrorAlert error={action.error} />
      {pairing ? (
        <button
          type="button"
          data-testid="pairing-cancel"
          disabled={action.busy}
          onClick={() => void action.run(() => bridge.call('pairing.deny', {}))}
        >
          Cancel
        </button>
      ) : (
        <div class="row">
          <button
            type="button"
            class="primary"
            data-testid="pairing-start"
            disabled={action.busy}
            onClick={() => void action.run(() => bridge.call('pairing.request'))}
          >
            Try again
          </button>
          {/* Dismissing the failure brings back the unlock screen and its recovery key form. */}
          <button
            type="button"
            disabled={action.busy}
            onClick={() => void action.run(() => bridge.call('error.dismiss'))}
          >
            Use recovery key instead
          </button>
        </div>
      )}
    </section>
  );
}

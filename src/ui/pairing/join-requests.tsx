import { useEffect, useState } from 'preact/hooks';
import type { PairingInfo, PairingRequestInfo, Status } from '../../host/contract';
import { ErrorAlert } from '../components/error-alert';
import { timeAgo } from '../format';
import { useAction, useBridge } from '../use-bridge';
import { pairingFailure } from './pairing-failure';
import { TimeLeft } from './time-left';
import { TypeCodeForm } from './type-code-form';

const GIVES_KEY = 'Approving gives that device the key to all your synced settings.';

/** After Review: the code from the new device's screen, then its person's confirmation. */
function Reviewing({ pairing, name }: { pairing: PairingInfo; name: string }) {
  const bridge = useBridge();
  const action = useAction();
  const deny = () => void action.run(() => bridge.call('pairing.deny', { id: pairing.id }));
  if (pairing.stage === 'confirm') {
    return (
      <TypeCodeForm
        pairing={pairing}
        name={name}
        givesKey={GIVES_KEY.replace('that device', name)}
        onDeny={deny}
      />
    );
  }
  return (
    <div class="card stack">
      <p class="row" role="status">
        <span class="spinner" aria-hidden="true" />{' '}
        {pairing.stage === 'confirmed'
          ? `Code correct. Now confirm on ${name}; the key is sent once it does.`
          : `Waiting for ${name}…`}
      </p>
      <TimeLeft expiresAt={pairing.expiresAt} />
      <ErrorAlert error={action.error} />
      <button type="button" data-testid="pairing-deny" disabled={action.busy} onClick={deny}>
        Deny
      </button>
    </div>
  );
}

function RequestRow({
  request,
  onReview,
  onDenied,
}: {
  request: PairingRequestInfo;
  onReview(): void;
  onDenied(): void;
}) {
  const bridge = useBridge();
  const action = useAction();
  const name = request.deviceName;
  return (
    <li class="stack" data-testid="pairing-request" data-id={request.id}>
      <div class="row spread">
        <span>
          <strong>{name}</strong>
          <br />
          <span class="small muted">
            {request.platform} · asked {timeAgo(request.createdAt)}
          </span>
        </span>
        <span class="row">
          <button
            type="button"
            class="primary"
            aria-label={`Review ${name}`}
            disabled={action.busy}
            onClick={() =>
              void action.run(async () => {
                await bridge.call('pairing.accept', { id: request.id });
                onReview();
              })
            }
          >
            Review
          </button>
          <button
            type="button"
            class="danger"
            data-testid="pairing-deny"
            aria-label={`Deny ${name}`}
            disabled={action.busy}
            onClick={() =>
              void action.run(async () => {
                await bridge.call('pairing.deny', { id: request.id });
                onDenied();
              })
            }
          >
            Deny
          </button>
        </span>
      </div>
      <ErrorAlert error={action.error} />
    </li>
  );
}

/**
 * An existing device's side of pairing, the same in the popup and on the Devices page: the new
 * devices asking for the key, then the code to type from the one under review. Embedded in a
 * page it renders nothing while no device is asking; `standalone` (a screen of its own) says so.
 */
export function JoinRequests({ status, standalone }: { status: Status; standalone?: boolean }) {
  const bridge = useBridge();
  const load = useAction();
  const dismiss = useAction();
  /** null until the first list arrives. */
  const [requests, setRequests] = useState<PairingRequestInfo[] | null>(null);
  /** The request under review: its name shows before the engine knows the peer. */
  const [reviewing, setReviewing] = useState<PairingRequestInfo | null>(null);
  const [version, setVersion] = useState(0);
  const pairing = status.pairing?.role === 'existing' ? status.pairing : null;
  const waiting = status.pairingRequests;
  // The count comes with every status; the list (names, ages) only when someone is asking.
  useEffect(() => {
    if (pairing) return;
    if (waiting === 0) setRequests([]);
    else void load.run(async () => setRequests(await bridge.call('pairing.list')));
  }, [bridge, waiting, pairing === null, version]);
  const failure = pairingFailure(status.lastError);
  if (pairing) {
    const name = pairing.peer?.name ?? reviewing?.deviceName ?? 'the new device';
    return <Reviewing pairing={pairing} name={name} />;
  }
  const none = requests?.length === 0;
  if (!standalone && (requests === null || none) && !failure && !load.error) return null;
  return (
    <div class="stack">
      {standalone && requests === null && !load.error && (
        <p class="row muted" role="status">
          <span class="spinner" aria-hidden="true" /> Loading requests…
        </p>
      )}
      {standalone && none && !failure && (
        <p class="muted" role="status">
          No device is waiting for approval any more.
        </p>
      )}
      {failure && (
        <ErrorAlert
          error={failure}
          onDismiss={() => void dismiss.run(() => bridge.call('error.dismiss'))}
        />
      )}
      <ErrorAlert error={load.error} />
      {requests && requests.length > 0 && (
        <div class="card stack">
          <h2 id="join-requests-title">Devices asking to join</h2>
          <p class="small muted">
            Review one, then type the code it shows. {GIVES_KEY} Deny any you do not recognise.
          </p>
          <ul class="list">
            {requests.map((r) => (
              <RequestRow
                key={r.id}
                request={r}
                onReview={() => setReviewing(r)}
                onDenied={() => setVersion((v) => v + 1)}
              />
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

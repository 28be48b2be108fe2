import { useState } from 'preact/hooks';
import {
  type Bridge,
  BridgeError,
  type CommandResult,
  parseServerUrl,
} from '../../../host/contract';
import { ErrorAlert } from '../../components/error-alert';
import { useAction, useBridge } from '../../use-bridge';
import type { ScreenProps } from '../screen';
import { LocalCounts } from './local-counts';
import { signedOutWording } from './signed-out-wording';

type Checked = CommandResult<'server.check'> & { server: string };

const REGISTRATION: Record<Checked['registration'], string> = {
  'first-user':
    'The first account made there becomes its owner; after that, its owner invites people.',
  invite: 'Making an account there needs an invite link from its owner.',
  open: 'Anyone can make an account there.',
};

async function reachable(bridge: Bridge, typed: string): Promise<string> {
  const url = parseServerUrl(typed);
  if (!(await bridge.host.requestServerAccess(url))) {
    throw new BridgeError({ code: 'permission_denied', message: 'host permission refused' });
  }
  return url;
}

function StepHeading({ id, n, title }: { id: string; n: number; title: string }) {
  return (
    <h2 id={id} class="step">
      <span class="step-number" aria-hidden="true">
        {n}
      </span>{' '}
      {title}
    </h2>
  );
}

/**
 * Connecting, step by step: where the server is (checked: it must answer as a Satchel server),
 * what to call this device (its suggested name, editable), then the sign-in in a tab. Each step
 * says what it found, so a wrong address is caught before any tab opens.
 */
export function SignedOut({ status }: ScreenProps) {
  const bridge = useBridge();
  const [server, setServer] = useState(status.settings.server);
  const [checked, setChecked] = useState<Checked | null>(null);
  const [deviceName, setDeviceName] = useState('');
  const check = useAction();
  const connect = useAction();
  const wording = signedOutWording(status.lastError);
  const current = checked && checked.server === server ? checked : null;
  const onCheck = (e: Event) => {
    e.preventDefault();
    void check.run(async () => {
      const url = await reachable(bridge, server);
      const found = await bridge.call('server.check', { server: url });
      setChecked({ ...found, server });
      if (!deviceName) setDeviceName(found.deviceName);
    });
  };
  const onConnect = (e: Event) => {
    e.preventDefault();
    void connect.run(async () => {
      const url = await reachable(bridge, server);
      await bridge.call('auth.connect', { server: url, deviceName: deviceName.trim() });
    });
  };
  return (
    <section class="stack" aria-labelledby="signed-out-title">
      <div class="row spread">
        <h1 id="signed-out-title">{wording.title}</h1>
        <span class="pill">Local only</span>
      </div>
      <p class="muted">
        Your settings are kept on this device. Connect to a Satchel sync server to keep them
        identical on all your browsers, end-to-end encrypted: the server never sees them.
      </p>
      <ErrorAlert error={status.lastError} onDismiss={() => void bridge.call('error.dismiss')} />
      <form class="stack" onSubmit={onCheck} noValidate aria-labelledby="step-server">
        <StepHeading id="step-server" n={1} title="Your server" />
        <div class="field">
          <label for="server">Sync server</label>
          <input
            id="server"
            type="url"
            inputMode="url"
            autoComplete="url"
            value={server}
            aria-invalid={check.error ? 'true' : undefined}
            aria-describedby="server-hint"
            onInput={(e) => setServer(e.currentTarget.value)}
          />
          <div id="server-hint" class="small muted">
            The address its owner gave you, such as https://sync.example.com (http://localhost:8787
            for one on this computer).
          </div>
        </div>
        <ErrorAlert error={check.error} />
        {current ? (
          <p class="alert ok small" role="status" data-testid="server-checked">
            A Satchel server (version {current.serverVersion}) answers there.{' '}
            {REGISTRATION[current.registration]}
          </p>
        ) : (
          <button type="submit" class="primary" disabled={check.busy || !server.trim()}>
            {check.busy ? 'Checking…' : 'Check server'}
          </button>
        )}
      </form>
      {current && (
        <form class="stack" onSubmit={onConnect} noValidate aria-labelledby="step-name">
          <StepHeading id="step-name" n={2} title="Name this device" />
          <div class="field">
            <label for="device-name">Device name</label>
            <input
              id="device-name"
              type="text"
              maxLength={64}
              value={deviceName}
              aria-describedby="device-name-hint"
              onInput={(e) => setDeviceName(e.currentTarget.value)}
            />
            <div id="device-name-hint" class="small muted">
              How your other devices will list this one, for example “Work laptop”.
            </div>
          </div>
          <ErrorAlert error={connect.error} />
          <button type="submit" class="primary" disabled={connect.busy || !deviceName.trim()}>
            {connect.busy ? 'Connecting…' : wording.action}
          </button>
          <p class="small muted">
            Next, a tab of the server opens: sign in or create your account there and approve this
            device.
          </p>
        </form>
      )}
      <LocalCounts status={status} />
      {bridge.host.openOptions && (
        <button type="button" class="link" onClick={() => bridge.host.openOptions?.()}>
          Manage settings
        </button>
      )}
    </section>
  );
}

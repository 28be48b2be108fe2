import { useState } from 'preact/hooks';
import { BridgeError, parseServerUrl } from '../../../host/contract';
import { ErrorAlert } from '../../components/error-alert';
import { useAction, useBridge } from '../../use-bridge';
import type { ScreenProps } from '../screen';
import { LocalCounts } from './local-counts';
import { signedOutWording } from './signed-out-wording';

export function SignedOut({ status }: ScreenProps) {
  const bridge = useBridge();
  const [server, setServer] = useState(status.settings.server);
  const action = useAction();
  const wording = signedOutWording(status.lastError);
  const connect = (e: Event) => {
    e.preventDefault();
    void action.run(async () => {
      const url = parseServerUrl(server);
      if (!(await bridge.host.requestServerAccess(url))) {
        throw new BridgeError({ code: 'permission_denied', message: 'host permission refused' });
      }
      await bridge.call('auth.connect', { server: url });
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
        identical on all your browsers, end-to-end encrypted.
      </p>
      <ErrorAlert error={status.lastError} onDismiss={() => void bridge.call('error.dismiss')} />
      <form class="stack" onSubmit={connect} noValidate>
        <div class="field">
          <label for="server">Sync server</label>
          <input
            id="server"
            type="url"
            inputMode="url"
            autoComplete="url"
            value={server}
            aria-invalid={action.error ? 'true' : undefined}
            onInput={(e) => setServer(e.currentTarget.value)}
          />
        </div>
        <ErrorAlert error={action.error} />
        <button type="submit" class="primary" disabled={action.busy}>
          {action.busy ? 'Connecting…' : wording.action}
        </button>
      </form>
      <LocalCounts status={status} />
      {bridge.host.openOptions && (
        <button type="button" class="link" onClick={() => bridge.host.openOptions?.()}>
          Manage settings
        </button>
      )}
    </section>
  );
}

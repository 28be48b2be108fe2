import { useState } from 'preact/hooks';
import { BridgeError, parseServerUrl } from '../../../host/contract';
import { ErrorAlert } from '../../components/error-alert';
import { Switch } from '../../components/switch';
import { CollectionToggles } from '../../popup/screens/collection-toggles';
import { SyncMode } from '../../popup/sync-mode';
import { useAction, useBridge } from '../../use-bridge';
import { ConnectPrompt } from '../connect-prompt';
import type { SectionProps } from '../section';

/** Where and how this device syncs. */
export function Sync({ status }: SectionProps) {
  const bridge = useBridge();
  const { settings } = status;
  const connected = status.account !== null;
  const [server, setServer] = useState(settings.server);
  const [interval, setIntervalText] = useState(String(settings.intervalSeconds / 60));
  const serverAction = useAction();
  const action = useAction();
  const [saved, setSaved] = useState(false);
  const saveServer = (e: Event) => {
    e.preventDefault();
    setSaved(false);
    void serverAction.run(async () => {
      const url = parseServerUrl(server);
      if (!(await bridge.host.requestServerAccess(url))) {
        throw new BridgeError({ code: 'permission_denied', message: 'host permission refused' });
      }
      await bridge.call('settings.update', { server: url });
      setServer(url);
      setSaved(true);
    });
  };
  const [intervalError, setIntervalError] = useState<string | null>(null);
  const saveInterval = () => {
    const minutes = Number(interval);
    if (interval.trim() === '' || !Number.isFinite(minutes) || minutes < 0.5 || minutes > 1440) {
      setIntervalError('Enter a number of minutes from 0.5 to 1440 (a day).');
      return;
    }
    setIntervalError(null);
    void action.run(() =>
      bridge.call('settings.update', { intervalSeconds: Math.round(minutes * 60) }),
    );
  };
  return (
    <section class="stack" aria-labelledby="sync-title">
      <h1 id="sync-title">Sync</h1>
      {status.state.kind === 'signedOut' && <ConnectPrompt />}
      <form class="card stack" onSubmit={saveServer} noValidate>
        <div class="field">
          <label for="server-url">Sync server address</label>
          <input
            id="server-url"
            type="url"
            value={server}
            disabled={connected}
            aria-invalid={serverAction.error ? 'true' : undefined}
            aria-describedby="server-url-hint"
            onInput={(e) => setServer(e.currentTarget.value)}
          />
          <div id="server-url-hint" class="small muted">
            {connected
              ? 'Disconnect this device to use a different server.'
              : 'For example https://sync.example.com, or http://localhost:8787 for a server on this computer.'}
          </div>
        </div>
        <ErrorAlert error={serverAction.error} />
        {saved && (
          <p class="alert ok" role="status">
            Server address saved.
          </p>
        )}
        {!connected && (
          <button type="submit" disabled={serverAction.busy}>
            Save server address
          </button>
        )}
      </form>
      <div class="card stack">
        <Switch
          label="Sync automatically"
          checked={settings.autoSync}
          onChange={(autoSync) => action.run(() => bridge.call('settings.update', { autoSync }))}
        />
        <Switch
          label="Live sync (edits from your other devices arrive within seconds)"
          checked={settings.liveSync}
          disabled={!settings.autoSync}
          onChange={(liveSync) => action.run(() => bridge.call('settings.update', { liveSync }))}
        />
        {connected && <SyncMode status={status} />}
        <div class="field">
          <label for="interval">Sync every (minutes)</label>
          <div class="row">
            <input
              id="interval"
              type="number"
              min="0.5"
              max="1440"
              step="0.5"
              class="grow"
              value={interval}
              aria-invalid={intervalError ? 'true' : undefined}
              aria-describedby="interval-error"
              onInput={(e) => setIntervalText(e.currentTarget.value)}
            />
            <button type="button" onClick={saveInterval} disabled={action.busy}>
              Save
            </button>
          </div>
          <div id="interval-error" class="field-error" role="alert">
            {intervalError}
          </div>
          <div class="small muted" role="status" data-testid="interval-current">
            {connected
              ? `Now syncing every ${settings.intervalSeconds / 60} minutes.`
              : `Once connected, syncs every ${settings.intervalSeconds / 60} minutes.`}
          </div>
        </div>
        <div class="field">
          <label for="strategy">When the same field changed on two devices</label>
          <select
            id="strategy"
            value={settings.conflictStrategy}
            onChange={(e) => {
              const conflictStrategy = e.currentTarget.value as 'lastWriteWins' | 'manual';
              void action.run(() => bridge.call('settings.update', { conflictStrategy }));
            }}
          >
            <option value="lastWriteWins">Keep the most recent edit</option>
            <option value="manual">Ask me (show a conflict)</option>
          </select>
        </div>
        <CollectionToggles status={status} onError={action.run} />
        <ErrorAlert error={action.error} />
      </div>
    </section>
  );
}

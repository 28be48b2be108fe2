import { useEffect, useState } from 'preact/hooks';
import type { DeviceInfo } from '../../bridge';
import { ErrorAlert } from '../../components/error-alert';
import { timeAgo } from '../../format';
import { useAction, useBridge } from '../../use-bridge';
import type { SectionProps } from '../section';

function DeviceRow({ device, onChanged }: { device: DeviceInfo; onChanged(): void }) {
  const bridge = useBridge();
  const action = useAction();
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(device.name);
  return (
    <li class="stack">
      <div class="row spread">
        <span>
          <strong>{device.name}</strong>{' '}
          {device.current && <span class="pill ok">this device</span>}
          <br />
          <span class="small muted">
            {device.platform} · last seen{' '}
            {device.lastSeenAt ? timeAgo(Date.parse(device.lastSeenAt)) : 'never'}
          </span>
        </span>
        <span class="row">
          <button type="button" onClick={() => setRenaming(!renaming)}>
            Rename
          </button>
          {/* Revoking the current device would sign it out mid-session; Disconnect does that. */}
          <button
            type="button"
            class="danger"
            disabled={device.current || action.busy}
            title={
              device.current ? 'Use Disconnect in the popup to sign this device out' : undefined
            }
            onClick={() => {
              if (!confirm(`Revoke “${device.name}”? It will stop syncing at once.`)) return;
              void action.run(async () => {
                await bridge.call('devices.revoke', { id: device.id });
                onChanged();
              });
            }}
          >
            Revoke
          </button>
        </span>
      </div>
      {renaming && (
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            void action.run(async () => {
              await bridge.call('devices.rename', { id: device.id, name });
              setRenaming(false);
              onChanged();
            });
          }}
        >
          <label class="sr-only" for={`rename-${device.id}`}>
            New name
          </label>
          <input
            id={`rename-${device.id}`}
            class="grow"
            value={name}
            maxLength={64}
            onInput={(e) => setName(e.currentTarget.value)}
          />
          <button type="submit" class="primary">
            Save
          </button>
        </form>
      )}
      <ErrorAlert error={action.error} />
    </li>
  );
}

/** The account's devices: when each was last seen, rename, revoke a lost one. */
export function Devices({ status }: SectionProps) {
  const bridge = useBridge();
  const [devices, setDevices] = useState<DeviceInfo[] | null>(null);
  const [version, setVersion] = useState(0);
  const load = useAction();
  const connected = status.account !== null;
  useEffect(() => {
    if (connected) void load.run(async () => setDevices(await bridge.call('devices.list')));
  }, [bridge, connected, version]);
  return (
    <section class="stack" aria-labelledby="devices-title">
      <h1 id="devices-title">Devices</h1>
      {!connected && <p class="muted">Connect to a sync server to see your devices.</p>}
      <ErrorAlert error={load.error} />
      {devices && (
        <ul class="list card">
          {devices.map((d) => (
            <DeviceRow key={d.id} device={d} onChanged={() => setVersion(version + 1)} />
          ))}
        </ul>
      )}
    </section>
  );
}

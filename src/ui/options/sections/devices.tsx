import { useEffect, useState } from 'preact/hooks';
import type { DeviceInfo } from '../../../host/contract';
import { DeviceName } from '../../components/device-name';
import { ErrorAlert } from '../../components/error-alert';
import { RotationProgressBar } from '../../components/rotation-progress';
import { timeAgo } from '../../format';
import { NewRecoveryKeyChoice } from '../../keys/new-recovery-key-choice';
import { useRotateKey } from '../../keys/use-rotate-key';
import { JoinRequests } from '../../pairing/join-requests';
import { RecoveryKey } from '../../popup/screens/recovery-key';
import { useAction, useBridge } from '../../use-bridge';
import { ConnectPrompt } from '../connect-prompt';
import type { SectionProps } from '../section';
import { RevokeAndRotate } from './revoke-and-rotate';

function DeviceRow({
  device,
  onChanged,
  onRevoked,
  onRemoveAndRotate,
}: {
  device: DeviceInfo;
  onChanged(): void;
  onRevoked(): void;
  onRemoveAndRotate(): void;
}) {
  const bridge = useBridge();
  const action = useAction();
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(device.name);
  return (
    <li class="stack">
      <div class="row spread">
        <span>
          <DeviceName {...device} /> {device.current && <span class="pill ok">this device</span>}
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
                onRevoked();
              });
            }}
          >
            Revoke
          </button>
          <button
            type="button"
            class="danger"
            data-testid="remove-and-rotate"
            disabled={device.current || action.busy}
            onClick={onRemoveAndRotate}
          >
            Remove and rotate key
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

/**
 * Revoking stops a device syncing, but it keeps the key to what it already has: only a new key
 * keeps it out of what is synced next, so the offer comes right after the revoke.
 */
function RotateAfterRevoke({
  name,
  rotating,
  rotate,
  onClose,
}: {
  name: string;
  rotating: boolean;
  rotate: ReturnType<typeof useRotateKey>;
  onClose(rotated: boolean): void;
}) {
  const [newRecoveryKey, setNewRecoveryKey] = useState(true);
  return (
    <div class="card stack" role="status" data-testid="revoked-panel">
      <p>
        <strong>{name}</strong> can no longer sync. It still holds the old key to what it already
        synced; rotate the account key so it cannot read anything new. The new key leaves it out
        even if the sync server keeps listing it.
      </p>
      <NewRecoveryKeyChoice checked={newRecoveryKey} onChange={setNewRecoveryKey} />
      <ErrorAlert error={rotate.action.error} />
      <div class="row">
        <button
          type="button"
          class="primary"
          data-testid="rotate-key"
          disabled={rotate.action.busy || rotating}
          onClick={() =>
            void rotate.rotate({ newRecoveryKey }).then((started) => {
              if (started) onClose(true);
            })
          }
        >
          {rotate.action.busy ? 'Rotating…' : 'Rotate key now'}
        </button>
        <button type="button" disabled={rotate.action.busy} onClick={() => onClose(false)}>
          Not now
        </button>
      </div>
    </div>
  );
}

/** The account's devices: who asks to join, when each was last seen, rename, revoke a lost one. */
export function Devices({ status }: SectionProps) {
  const bridge = useBridge();
  const [devices, setDevices] = useState<DeviceInfo[] | null>(null);
  const [version, setVersion] = useState(0);
  const [revoked, setRevoked] = useState<string | null>(null);
  /** The revoked device a rotation now keeps out, for the confirmation. */
  const [keptOut, setKeptOut] = useState<string | null>(null);
  /** The device a revoke-and-rotate is being confirmed for. */
  const [removing, setRemoving] = useState<DeviceInfo | null>(null);
  const [newRecoveryKey, setNewRecoveryKey] = useState<string | null>(null);
  const load = useAction();
  const rotate = useRotateKey();
  const connected = status.account !== null;
  // A device approved here appears in the list once its request is gone.
  const joining = status.pairingRequests;
  useEffect(() => {
    if (connected) void load.run(async () => setDevices(await bridge.call('devices.list')));
  }, [bridge, connected, version, joining]);
  if (rotate.recoveryKey)
    return <RecoveryKey recoveryKey={rotate.recoveryKey} onDone={rotate.recoveryKeySaved} />;
  if (newRecoveryKey)
    return <RecoveryKey recoveryKey={newRecoveryKey} onDone={() => setNewRecoveryKey(null)} />;
  return (
    <section class="stack" aria-labelledby="devices-title">
      <h1 id="devices-title">Devices</h1>
      {!connected && <ConnectPrompt what="see and manage your devices" />}
      {connected && <JoinRequests status={status} />}
      {revoked && (
        <RotateAfterRevoke
          name={revoked}
          rotating={status.rotation !== null}
          rotate={rotate}
          onClose={(rotated) => {
            if (rotated) setKeptOut(revoked);
            setRevoked(null);
          }}
        />
      )}
      {removing && (
        <RevokeAndRotate
          device={removing}
          onCancel={() => setRemoving(null)}
          onDone={(recoveryKey) => {
            setKeptOut(removing.name);
            setRemoving(null);
            setNewRecoveryKey(recoveryKey);
            setVersion(version + 1);
          }}
        />
      )}
      <RotationProgressBar rotation={status.rotation} />
      {keptOut && !status.rotation && (
        <p class="alert ok" role="status">
          The account key was rotated: {keptOut} cannot read anything synced from now on.
        </p>
      )}
      <ErrorAlert error={load.error} />
      {/* In a div: the list's own margin would cancel the stack's spacing above it. */}
      {devices && (
        <div>
          <ul class="list card">
            {devices.map((d) => (
              <DeviceRow
                key={d.id}
                device={d}
                onChanged={() => setVersion(version + 1)}
                onRemoveAndRotate={() => {
                  setRevoked(null);
                  setRemoving(d);
                }}
                onRevoked={() => {
                  setRevoked(d.name);
                  setKeptOut(null);
                  setVersion(version + 1);
                }}
              />
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

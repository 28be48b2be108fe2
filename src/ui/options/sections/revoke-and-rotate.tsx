import { useEffect, useState } from 'preact/hooks';
import type { DeviceInfo, RotationRecipientInfo } from '../../../host/contract';
import { ConfirmActions } from '../../components/confirm-actions';
import { DeviceName } from '../../components/device-name';
import { ErrorAlert } from '../../components/error-alert';
import { NewRecoveryKeyChoice } from '../../keys/new-recovery-key-choice';
import { useAction, useBridge } from '../../use-bridge';

/**
 * "Remove device and rotate key", confirmed by name: the new key goes to exactly the devices
 * listed here (read from the authenticated key document, not from the server's list), so the
 * person sees who keeps access before anything changes. Their names come from that document too
 * where it has them; a server name that differs is flagged, one the document lacks is marked
 * unverified. A new recovery key is on by default: the
 * old one may have been written down on, or read from, the removed device.
 */
export function RevokeAndRotate({
  device,
  onCancel,
  onDone,
}: {
  device: DeviceInfo;
  onCancel(): void;
  onDone(recoveryKey: string | null): void;
}) {
  const bridge = useBridge();
  const load = useAction();
  const run = useAction();
  const [recipients, setRecipients] = useState<RotationRecipientInfo[] | null>(null);
  const [newRecoveryKey, setNewRecoveryKey] = useState(true);
  useEffect(() => {
    void load.run(async () =>
      setRecipients(await bridge.call('devices.previewRevokeAndRotate', { ids: [device.id] })),
    );
  }, [bridge, device.id]);
  return (
    <div
      class="card stack"
      role="dialog"
      aria-labelledby="rotate-confirm-title"
      data-testid="revoke-rotate-panel"
    >
      <h2 id="rotate-confirm-title">Remove “{device.name}” and rotate the key</h2>
      <p>
        “{device.name}” stops syncing and cannot read anything synced from now on. The new key goes
        to these devices only:
      </p>
      {device.serverName !== null && (
        <p class="alert warn" data-testid="revoked-server-name">
          The sync server calls this device “{device.serverName}”; “{device.name}” is the name one
          of your devices gave it, which the server cannot change.
        </p>
      )}
      {!device.nameVerified && (
        <p class="small muted" data-testid="revoked-name-unverified">
          This name comes from the sync server, which could change it: check the device itself.
        </p>
      )}
      <ErrorAlert error={load.error} />
      {recipients && (
        <ul class="list" data-testid="rotation-recipients">
          {recipients.map((r) => (
            <li key={r.id}>
              <DeviceName {...r} />
              {r.self && <span class="pill ok"> this device</span>}
              {r.notListed && (
                <span class="pill warn" title="The sync server does not list this device as live">
                  {' '}
                  not listed by the server
                </span>
              )}
              <br />
              <span class="small muted code">key {r.fingerprint ?? 'unknown'}</span>
            </li>
          ))}
        </ul>
      )}
      <NewRecoveryKeyChoice checked={newRecoveryKey} onChange={setNewRecoveryKey} />
      <ConfirmActions
        action={run}
        kind="danger"
        label="Remove and rotate key"
        busyLabel="Rotating…"
        testId="confirm-revoke-rotate"
        ready={recipients !== null}
        onConfirm={async () => {
          const result = await bridge.call('devices.revokeAndRotate', {
            ids: [device.id],
            newRecoveryKey,
          });
          onDone(result.recoveryKey);
        }}
        onCancel={onCancel}
      />
    </div>
  );
}

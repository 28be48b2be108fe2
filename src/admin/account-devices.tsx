/**
 * One account's devices: what each is, when it was last seen, whether it was revoked; and the
 * owner's "Revoke", which signs that device out for good (it can connect again by signing in).
 */
import { useState } from 'preact/hooks';
import type { Device } from './api';
import { ConfirmDialog } from './confirm-dialog';
import { Loaded, useApi, useFocusOnShow, useLoad, When } from './kit';
import { ACTIONS, Cell, Table, TimeCell, useResult } from './table';

/** The clients the server knows (src/server `client_id`s), as people call them. */
const CLIENTS: Record<string, string> = {
  'satchel-extension': 'Browser extension',
  'satchel-pwa': 'Web app',
  'satchel-cli': 'Command line',
};

export function AccountDevices({ itemId }: { itemId: string }) {
  const api = useApi();
  const { state, reload } = useLoad(async () => {
    const [accounts, devices] = await Promise.all([api.accounts(), api.devices(itemId)]);
    return { account: accounts.find((account) => account.id === itemId), devices };
  }, [itemId]);
  const heading = useFocusOnShow<HTMLHeadingElement>(state.status !== 'loading');
  const [pending, setPending] = useState<Device | null>(null);
  const [result, setDone] = useResult();
  const username = state.status === 'ready' ? state.data.account?.username : undefined;

  return (
    <section class="stack" aria-labelledby="devices-title">
      <p>
        <a href="#accounts">← All accounts</a>
      </p>
      <h1 id="devices-title" ref={heading} tabIndex={-1}>
        {username ? `${username}’s devices` : 'Devices'}
      </h1>
      {result}
      <Loaded state={state} what="devices" onRetry={() => void reload()}>
        {({ devices }) =>
          devices.length === 0 ? (
            <p class="muted">This account has no devices.</p>
          ) : (
            <DeviceTable devices={devices} onRevoke={setPending} />
          )
        }
      </Loaded>
      {pending && (
        <ConfirmDialog
          title={`Revoke ${pending.name}?`}
          confirmLabel="Revoke device"
          danger
          onConfirm={async () => {
            await api.revokeDevice(pending.id);
            await reload();
          }}
          onDone={() => setDone(`${pending.name} was revoked and is signed out.`)}
          onClose={() => setPending(null)}
        >
          <p>
            It is signed out at once and stops syncing. What it holds stays on it; the person can
            connect it again by signing in.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

const COLUMNS = ['Name', 'Client', 'Added', 'Last seen', 'Status', ACTIONS];

function DeviceTable({ devices, onRevoke }: { devices: Device[]; onRevoke(device: Device): void }) {
  return (
    <Table columns={COLUMNS} labelledBy="devices-title">
      {devices.map((device) => (
        <tr key={device.id} data-device={device.name}>
          <th scope="row" data-label="Name">
            {device.name}
          </th>
          <Cell label="Client">
            {CLIENTS[device.clientId] ?? device.clientId}
            {device.platform && <span class="small muted"> · {device.platform}</span>}
          </Cell>
          <TimeCell label="Added" at={device.createdAt} />
          <TimeCell label="Last seen" at={device.lastSeenAt} />
          <Cell label="Status">
            {device.revokedAt === null ? (
              <span class="pill ok">active</span>
            ) : (
              <span class="pill bad">
                revoked&nbsp;
                <When at={device.revokedAt} />
              </span>
            )}
          </Cell>
          <Cell label={ACTIONS}>
            {device.revokedAt === null && (
              <button type="button" class="danger" onClick={() => onRevoke(device)}>
                Revoke<span class="sr-only"> {device.name}</span>
              </button>
            )}
          </Cell>
        </tr>
      ))}
    </Table>
  );
}

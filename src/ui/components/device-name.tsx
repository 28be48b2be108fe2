/**
 * A device's name as far as Satchel can vouch for it. The name the account's key document gives
 * a device was written by one of the person's own devices and is covered by the document's mac:
 * the sync server cannot change it. The server's device list names devices too, but the server
 * can relabel any of them, so its name is shown as unverified when the document has none, and as
 * a warning when it differs from the document's.
 */
export interface DeviceNameProps {
  name: string | null;
  nameVerified: boolean;
  serverName: string | null;
}

export function DeviceName({ name, nameVerified, serverName }: DeviceNameProps) {
  return (
    <>
      <strong data-testid="device-name">{name ?? 'A device the server does not name'}</strong>
      {nameVerified && serverName !== null && (
        <span
          class="pill warn"
          data-testid="server-name-differs"
          title="The sync server lists this device under another name. The name shown was written by one of your devices; the server cannot change it."
        >
          {' '}
          the server calls it “{serverName}”
        </span>
      )}
      {!nameVerified && name !== null && (
        <span
          class="pill"
          data-testid="name-unverified"
          title="This name comes from the sync server, which could change it. Compare the key fingerprint with the one the device itself shows."
        >
          {' '}
          name from the server, unverified
        </span>
      )}
    </>
  );
}

import type { CommandInput, CommandName, CommandResult, Status } from './contract';

/**
 * What a service worker gets from the host layer, in the contract's terms (./contract.ts).
 * `createHost` (./commands.ts) provides it over the real engine; keeping the workers to this
 * narrow shape means chrome.* and PWA code never depend on engine internals.
 */
export interface Host {
  getStatus(): Status;
  onStatus(listener: (status: Status) => void): () => void;
  call<K extends CommandName>(name: K, input: CommandInput<K>): Promise<CommandResult<K>>;
  /** The browser's connectivity signal: coming back online syncs at once. */
  setOnline(online: boolean): void;
}

/**
 * Where the server address chosen while signed out is kept: chrome.storage in the extension,
 * IndexedDB in the app's worker. Each worker's `server-setting.ts` implements it.
 */
export interface ServerSetting {
  read(): Promise<string>;
  write(url: string): Promise<void>;
}

/** How this device introduces itself on the approval page and in the device list. */
export interface DeviceDescription {
  deviceName: string;
  platform: string;
}

/** The platform pieces a worker hands the host. */
export interface HostDeps {
  serverSetting: ServerSetting;
  /** Opens the sign-in page (a tab in the extension; in the app, the page that asked opens it). */
  openTab(url: string): Promise<void>;
  /** e.g. "Satchel extension (Chrome on Linux)". */
  describeDevice(): Promise<DeviceDescription>;
}

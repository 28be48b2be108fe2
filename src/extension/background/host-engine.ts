import type { CommandInput, CommandName, CommandResult, Status } from '../../ui/bridge';

/**
 * What the service-worker host needs from the engine, in the UI's terms (status and commands as
 * src/ui/bridge.ts defines them). `engine-adapter.ts` provides it over the real engine; keeping
 * the host to this narrow shape means chrome.* code never depends on engine internals.
 */
export interface HostEngine {
  getStatus(): Status;
  onStatus(listener: (status: Status) => void): () => void;
  call<K extends CommandName>(name: K, input: CommandInput<K>): Promise<CommandResult<K>>;
  /** The browser's connectivity signal: coming back online syncs at once. */
  setOnline(online: boolean): void;
}

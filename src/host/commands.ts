/**
 * The host over the real engine: the contract's commands (./contract.ts) answered by one handler
 * table per area (./commands/), and the engine's status plus this device's sync settings pushed
 * as one `Status`.
 */
import type { Engine, EngineStatus } from '../engine';
import { authCommands } from './commands/auth';
import { backupCommands } from './commands/backup';
import { conflictCommands } from './commands/conflicts';
import { deviceCommands } from './commands/devices';
import { keyCommands } from './commands/keys';
import { lockCommands } from './commands/lock';
import { pairingCommands } from './commands/pairing';
import { recordCommands } from './commands/records';
import { replacedCommands } from './commands/replaced';
import { securityCommands } from './commands/security';
import { settingsCommands } from './commands/settings';
import { syncCommands } from './commands/sync';
import type { CommandContext, Handlers } from './commands/table';
import {
  BridgeError,
  type CommandInput,
  type CommandName,
  type CommandResult,
  type Status,
  type SyncSettings,
} from './contract';
import type { Host, HostDeps } from './host';
import { RecordIndex } from './record-index';

export async function createHost(engine: Engine, deps: HostDeps): Promise<Host> {
  await engine.ready;
  let server = await deps.serverSetting.read();
  /** Errors the person dismissed: the engine keeps its last error, the UI stops showing it. */
  let dismissedAt = 0;
  const listeners = new Set<(status: Status) => void>();

  function settings(): SyncSettings {
    const s = engine.getSettings();
    return {
      server: engine.getStatus().account?.serverUrl ?? server,
      autoSync: s.autoSync,
      intervalSeconds: s.intervalSeconds,
      conflictStrategy: s.conflictStrategy,
      collections: { ...s.collections },
      liveSync: s.liveSync,
    };
  }

  function toStatus(status: EngineStatus): Status {
    const lastError =
      status.lastError && status.lastError.at > dismissedAt ? status.lastError : null;
    return { ...status, lastError, settings: settings() };
  }

  const publish = () => {
    const status = toStatus(engine.getStatus());
    for (const listener of listeners) {
      // One broken listener (a page, the badge) must not keep the status from the others.
      try {
        listener(status);
      } catch (error) {
        console.error('Satchel: a status listener failed', error);
      }
    }
  };

  const index = new RecordIndex(engine);
  const context: CommandContext = {
    engine,
    deps,
    index,
    server: {
      current: () => server,
      async choose(url) {
        server = url;
        await deps.serverSetting.write(url);
      },
    },
    publish,
    dismissError() {
      dismissedAt = engine.getStatus().lastError?.at ?? Date.now();
    },
  };

  const handlers: Handlers = {
    ...authCommands(context),
    ...keyCommands(context),
    ...pairingCommands(context),
    ...syncCommands(context),
    ...settingsCommands(context),
    ...recordCommands(context),
    ...conflictCommands(context),
    ...replacedCommands(context),
    ...deviceCommands(context),
    ...securityCommands(context),
    ...lockCommands(context),
    ...backupCommands(context),
  };

  // The index goes before the pages hear of a change, so the page they ask for next is new.
  let indexed = engine.getStatus();
  engine.subscribe((status) => {
    if (
      status.dataVersion !== indexed.dataVersion ||
      status.state.kind === 'locked' ||
      status.account?.accountId !== indexed.account?.accountId
    )
      index.drop();
    indexed = status;
    publish();
  });

  return {
    getStatus: () => toStatus(engine.getStatus()),
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    call<K extends CommandName>(name: K, input: CommandInput<K>): Promise<CommandResult<K>> {
      const handler = handlers[name] as
        | ((input: CommandInput<K>) => Promise<CommandResult<K>>)
        | undefined;
      if (!handler) {
        return Promise.reject(
          new BridgeError({ code: 'unknown_command', message: `No command ${String(name)}` }),
        );
      }
      return handler(input);
    },
    setOnline: (online) => engine.setOnline(online),
  };
}

/**
 * What every command area is built from: the engine, the host's platform pieces and the status
 * feed. Each area file returns its slice of the handler table; ../commands.ts joins the slices.
 */
import {
  COLLECTION_NAMES,
  type Engine,
  type CollectionName as EngineCollection,
} from '../../engine';
import { BridgeError, type CommandName, type Commands } from '../contract';
import type { HostDeps } from '../host';
import type { RecordIndex } from '../record-index';

export type Handlers = { [K in CommandName]: (input: Commands[K][0]) => Promise<Commands[K][1]> };

/** One area's commands: the slice of the table it answers. */
export type HandlerTable<K extends CommandName> = Pick<Handlers, K>;

export interface CommandContext {
  engine: Engine;
  deps: HostDeps;
  /** The records page's list and search (dropped when records may have changed). */
  index: RecordIndex;
  /** The server address chosen while signed out (the engine only keeps one once signed in). */
  server: { current(): string; choose(url: string): Promise<void> };
  /** Pushes the status again, for changes the engine does not see (settings, a dismissed error). */
  publish(): void;
  /** Hides the engine's last error from the status until a newer one comes. */
  dismissError(): void;
}

export function collectionOf(name: string): EngineCollection {
  if (!(COLLECTION_NAMES as string[]).includes(name)) {
    throw new BridgeError({ code: 'unknown_collection', message: `No collection ${name}` });
  }
  return name as EngineCollection;
}

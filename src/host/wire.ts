/**
 * The messages between pages and a service worker host: calls, their results, and status. The
 * extension carries them over one long-lived `runtime.connect` port per page (a port lets the
 * worker push status as it changes, and its disconnect tells the page the worker went away);
 * the app posts each call to its worker and broadcasts status (src/pwa/wire.ts).
 */
import {
  BridgeError,
  type CommandInput,
  type CommandName,
  type ErrorShape,
  type Status,
} from './contract';

export const PORT_NAME = 'satchel';

export interface CallMessage<K extends CommandName = CommandName> {
  type: 'call';
  id: number;
  name: K;
  input: CommandInput<K>;
}

export type PageToWorker = CallMessage;

export type WorkerToPage =
  | { type: 'status'; status: Status }
  | { type: 'unavailable'; error: ErrorShape }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: ErrorShape };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Ports carry structured clones from other extension pages only, but a bad shape is a bug to surface. */
export function isPageToWorker(value: unknown): value is PageToWorker {
  return (
    isObject(value) &&
    value.type === 'call' &&
    typeof value.id === 'number' &&
    typeof value.name === 'string'
  );
}

export function isWorkerToPage(value: unknown): value is WorkerToPage {
  if (!isObject(value)) return false;
  if (value.type === 'status') return isObject(value.status);
  if (value.type === 'unavailable') return isObject(value.error);
  return value.type === 'result' && typeof value.id === 'number' && typeof value.ok === 'boolean';
}

type Result = Extract<WorkerToPage, { type: 'result' }>;

interface Pending<Tag> {
  resolve(value: unknown): void;
  reject(error: Error): void;
  tag: Tag | undefined;
}

/**
 * A page's calls awaiting their results, shared by both page bridges. Each call gets an id for
 * its message; a result settles it, and calls whose worker went away are failed, never retried
 * behind the person's back. `Tag` marks which worker a call went to, when that matters.
 */
export function createCallTable<Tag = never>() {
  const pending = new Map<number, Pending<Tag>>();
  let nextId = 1;
  return {
    /** A new call: the id its message carries and the promise of its result. */
    open<R>(): { id: number; result: Promise<R> } {
      const id = nextId++;
      const result = new Promise<R>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject, tag: undefined });
      });
      return { id, result };
    },
    /** Notes the worker a call went to, for `failWhere`. */
    tag(id: number, tag: Tag): void {
      const call = pending.get(id);
      if (call) call.tag = tag;
    },
    settle(message: Result): void {
      const call = pending.get(message.id);
      if (!call) return;
      pending.delete(message.id);
      if (message.ok) call.resolve(message.value);
      else call.reject(new BridgeError(message.error));
    },
    fail(id: number, error: Error): void {
      const call = pending.get(id);
      pending.delete(id);
      call?.reject(error);
    },
    /** Fails every call still waiting (or those whose tag matches): their worker is gone. */
    failWhere(error: BridgeError, match: (tag: Tag | undefined) => boolean = () => true): void {
      for (const [id, call] of pending) {
        if (!match(call.tag)) continue;
        pending.delete(id);
        call.reject(error);
      }
    },
  };
}

/**
 * The wire format between the popup/options pages and the service worker, over one long-lived
 * `runtime.connect` port per page. A port (unlike one-off messages) lets the worker push status
 * as it changes, and its disconnect tells the page the worker went away so it can reconnect.
 */
import type { CommandInput, CommandName, ErrorShape, Status } from '../ui/bridge';

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

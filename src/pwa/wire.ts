/**
 * What pages and the app's service worker say to each other. Commands and their results are the
 * host's (src/host/wire.ts): a page posts each message to the active worker with a
 * MessagePort for the answer. A posted message wakes a stopped worker and keeps it alive until
 * answered, which a long-lived port would not. Status changes go to every page at once over a
 * BroadcastChannel.
 */
import { type CallMessage, isPageToWorker, type WorkerToPage } from '../host/wire';

export const BROADCAST_CHANNEL = 'satchel-app';

export type PageToServiceWorker =
  | CallMessage
  /** Wakes the worker (starting the engine) and asks for the current status. */
  | { type: 'hello' }
  /** The page's connectivity signal: service workers get no reliable `online` event. */
  | { type: 'connectivity'; online: boolean }
  /** The person accepted the update prompt (the message workbox-window's messageSkipWaiting sends). */
  | { type: 'SKIP_WAITING' };

/** Status for everyone, and the sign-in page to open (by the page that asked to connect). */
export type Broadcast =
  | Extract<WorkerToPage, { type: 'status' } | { type: 'unavailable' }>
  | { type: 'open'; url: string };

/** What a page gets back on the message's port. */
export type Reply = WorkerToPage;

export function isPageToServiceWorker(value: unknown): value is PageToServiceWorker {
  if (isPageToWorker(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  const { type } = value as { type?: unknown };
  if (type === 'connectivity') return typeof (value as { online?: unknown }).online === 'boolean';
  return type === 'hello' || type === 'SKIP_WAITING';
}

export function isBroadcast(value: unknown): value is Broadcast {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as { type?: unknown; status?: unknown; error?: unknown; url?: unknown };
  if (message.type === 'open') return typeof message.url === 'string';
  if (message.type === 'status') return typeof message.status === 'object';
  return message.type === 'unavailable' && typeof message.error === 'object';
}

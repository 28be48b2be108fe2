/**
 * Knows whether any form on the page holds typing that was not saved, without the forms' help:
 * the shared UI's forms keep their state to themselves. A form's values are remembered when the
 * person first focuses it and again after each save that ends without an error; it is unsaved
 * while its values differ from that, or while it shows an error (a failed save keeps the typing).
 */
const snapshots = new WeakMap<HTMLFormElement, string>();
const listeners = new Set<() => void>();

function serialize(form: HTMLFormElement): string {
  const values: string[] = [];
  for (const element of Array.from(form.elements)) {
    if (
      element instanceof HTMLInputElement ||
      element instanceof HTMLTextAreaElement ||
      element instanceof HTMLSelectElement
    ) {
      const checked =
        element instanceof HTMLInputElement &&
        (element.type === 'checkbox' || element.type === 'radio')
          ? String(element.checked)
          : '';
      values.push(`${element.name || element.id}=${element.value}${checked}`);
    }
  }
  return JSON.stringify(values);
}

function isUnsaved(form: HTMLFormElement): boolean {
  const snapshot = snapshots.get(form);
  if (snapshot === undefined || !form.isConnected) return false;
  return serialize(form) !== snapshot || form.querySelector('[role="alert"]') !== null;
}

/** True when some form on the page holds an edit that would be lost by a reload. */
export function hasUnsavedEdits(): boolean {
  return Array.from(document.forms).some(isUnsaved);
}

/** Calls back whenever the answer of `hasUnsavedEdits` may have changed. */
export function onUnsavedEditsChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify() {
  for (const listener of listeners) listener();
}

const SETTLE_POLL_MS = 50;
const SETTLE_LIMIT_MS = 60_000;

/** After a submit: once the form's save finishes (its submit button is enabled again), its values are the saved ones. */
function rememberWhenSaved(form: HTMLFormElement) {
  const started = Date.now();
  let sawBusy = false;
  const poll = () => {
    const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    const busy = submit?.disabled ?? false;
    sawBusy ||= busy;
    const settled = !busy && (sawBusy || Date.now() - started > 10 * SETTLE_POLL_MS);
    if (settled || !form.isConnected || Date.now() - started > SETTLE_LIMIT_MS) {
      if (form.isConnected) snapshots.set(form, serialize(form));
      notify();
      return;
    }
    setTimeout(poll, SETTLE_POLL_MS);
  };
  setTimeout(poll, SETTLE_POLL_MS);
}

export function watchUnsavedEdits(root: Document = document): void {
  root.addEventListener('focusin', (event) => {
    const form = (event.target as Element | null)?.closest?.('form');
    if (form && !snapshots.has(form)) snapshots.set(form, serialize(form));
  });
  root.addEventListener('input', notify);
  root.addEventListener('change', notify);
  root.addEventListener('submit', (event) => {
    if (event.target instanceof HTMLFormElement) rememberWhenSaved(event.target);
  });
  // A form that closes (Cancel, or saved and replaced) no longer holds anything.
  new MutationObserver(notify).observe(root.body, { childList: true, subtree: true });
}

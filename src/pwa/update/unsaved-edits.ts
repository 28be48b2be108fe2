/**
 * Knows whether any form on the page holds typing that was not saved, without the forms' help:
 * the shared UI's forms keep their state to themselves. A form is unsaved from the person's first
 * keystroke in it until a save of it ends without an error; a form that closes (Cancel, or saved
 * and replaced) holds nothing any more. A form showing an error keeps what was typed, so it
 * stays unsaved.
 */
const edited = new Set<HTMLFormElement>();
const listeners = new Set<() => void>();

function isUnsaved(form: HTMLFormElement): boolean {
  if (!form.isConnected) {
    edited.delete(form);
    return false;
  }
  return edited.has(form);
}

/** True when some form on the page holds an edit that would be lost by a reload. */
export function hasUnsavedEdits(): boolean {
  return [...edited].filter(isUnsaved).length > 0;
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
/** A save that never shows as busy is taken as done after this long. */
const QUICK_SAVE_MS = 500;
const SETTLE_LIMIT_MS = 60_000;

/** After a submit: once the save finishes (the submit button is enabled again) with no error shown, the form is saved. */
function clearWhenSaved(form: HTMLFormElement) {
  const started = Date.now();
  let sawBusy = false;
  const poll = () => {
    const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    const busy = submit?.disabled ?? false;
    sawBusy ||= busy;
    const elapsed = Date.now() - started;
    const settled = !busy && (sawBusy || elapsed > QUICK_SAVE_MS);
    if (settled || !form.isConnected || elapsed > SETTLE_LIMIT_MS) {
      if (form.querySelector('[role="alert"]') === null) edited.delete(form);
      notify();
      return;
    }
    setTimeout(poll, SETTLE_POLL_MS);
  };
  setTimeout(poll, SETTLE_POLL_MS);
}

function formOf(event: Event): HTMLFormElement | null {
  const target = event.target as Element | null;
  if (target instanceof HTMLFormElement) return target;
  return target?.closest?.('form') ?? null;
}

export function watchUnsavedEdits(root: Document = document): void {
  const typed = (event: Event) => {
    const form = formOf(event);
    if (form) edited.add(form);
    notify();
  };
  root.addEventListener('input', typed);
  root.addEventListener('change', typed);
  root.addEventListener('submit', (event) => {
    const form = formOf(event);
    if (form) clearWhenSaved(form);
  });
  root.addEventListener('reset', (event) => {
    const form = formOf(event);
    if (form) edited.delete(form);
    notify();
  });
  // A form that closes no longer holds anything.
  new MutationObserver(notify).observe(root.body, { childList: true, subtree: true });
}

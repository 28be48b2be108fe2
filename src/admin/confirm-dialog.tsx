/**
 * A confirmation as a modal <dialog>: the browser traps focus in it, Escape cancels, and focus
 * returns to the button that opened it. With `typeToConfirm`, the action stays disabled until the
 * person types that text exactly (an account's username before deleting it), so a slip of the
 * mouse cannot delete anything.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { AdminError, type ShownError } from './kit';
import { asShownError } from './messages';

export function ConfirmDialog(props: {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  /** The action is destructive: its button is red. */
  danger?: boolean;
  typeToConfirm?: string;
  /** Runs the action; the dialog closes when it resolves and shows the error when it throws. */
  onConfirm(): Promise<void>;
  /**
   * After the action, once the dialog is closed: closing puts focus back on the button that
   * opened it, so a result that should take focus is shown from here, not from onConfirm.
   */
  onDone(): void;
  onClose(): void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const titleId = useId();
  const inputId = useId();
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    // With nothing to type, focus starts on Cancel: Enter right away must not destroy anything.
    if (props.typeToConfirm === undefined) cancel.current?.focus();
    return () => element?.close();
  }, [props.typeToConfirm]);
  const matches = props.typeToConfirm === undefined || typed === props.typeToConfirm;
  const confirm = async (event: Event) => {
    event.preventDefault();
    if (!matches || busy) return;
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm();
      dialog.current?.close();
      props.onClose();
      props.onDone();
    } catch (failure) {
      setError(asShownError(failure));
      setBusy(false);
    }
  };
  return (
    <dialog
      ref={dialog}
      class="confirm"
      aria-labelledby={titleId}
      onCancel={(event) => {
        // Escape cancels, except while the action runs (its outcome must be seen).
        event.preventDefault();
        if (!busy) props.onClose();
      }}
    >
      <form class="stack" onSubmit={(event) => void confirm(event)}>
        <h2 id={titleId}>{props.title}</h2>
        <div>{props.children}</div>
        {props.typeToConfirm !== undefined && (
          <div class="field">
            <label for={inputId}>
              Type <span class="code">{props.typeToConfirm}</span> to confirm
            </label>
            <input
              id={inputId}
              autocomplete="off"
              autocapitalize="off"
              spellcheck={false}
              value={typed}
              onInput={(event) => setTyped(event.currentTarget.value)}
            />
          </div>
        )}
        <AdminError error={error} />
        <div class="row">
          <button
            type="submit"
            class={props.danger ? 'danger' : 'primary'}
            disabled={!matches || busy}
          >
            {busy && <span class="spinner" aria-hidden="true" />}
            {props.confirmLabel}
          </button>
          <button type="button" ref={cancel} onClick={props.onClose} disabled={busy}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}

import { useEffect, useState } from 'preact/hooks';

/**
 * A labelled on/off control; a native checkbox so keyboards and screen readers get it free.
 * `checked` comes from the engine's status, so a status pushed between the click and the saved
 * setting would put the old value back under the person's finger: the choice is held until the
 * status agrees, or until `onChange` resolves false (the change failed and its error is shown).
 */
export function Switch(props: {
  label: string;
  checked: boolean;
  disabled?: boolean;
  onChange(checked: boolean): Promise<boolean>;
}) {
  const [pending, setPending] = useState<boolean | null>(null);
  useEffect(() => {
    if (pending !== null && props.checked === pending) setPending(null);
  }, [props.checked, pending]);
  const shown = pending ?? props.checked;
  return (
    <label class="switch">
      <span>{props.label}</span>
      <input
        type="checkbox"
        role="switch"
        aria-checked={shown}
        checked={shown}
        disabled={props.disabled}
        onChange={(e) => {
          const next = e.currentTarget.checked;
          setPending(next);
          void props.onChange(next).then((saved) => {
            if (saved === false) setPending(null);
          });
        }}
      />
    </label>
  );
}

/**
 * The offer of a new recovery key with a rotation, ticked by default: after a revocation the old
 * one may be known to whoever holds the revoked device.
 */
export function NewRecoveryKeyChoice({
  checked,
  onChange,
}: {
  checked: boolean;
  onChange(checked: boolean): void;
}) {
  return (
    <label class="row">
      <input
        type="checkbox"
        checked={checked}
        data-testid="new-recovery-key"
        onChange={(e) => onChange(e.currentTarget.checked)}
      />
      Make a new recovery key (recommended)
    </label>
  );
}

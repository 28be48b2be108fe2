import type { Action } from '../use-bridge';
import { ErrorAlert } from './error-alert';

/**
 * The end of a confirmation: what went wrong last time, the one button that does it (saying
 * what it is doing while it runs) and Cancel, which stays out of the way while it runs.
 */
export function ConfirmActions({
  action,
  kind,
  label,
  busyLabel,
  testId,
  ready,
  onConfirm,
  onCancel,
}: {
  action: Action;
  kind: 'primary' | 'danger';
  label: string;
  busyLabel: string;
  testId: string;
  /** False while the person has not yet done what the confirmation asks of them. */
  ready: boolean;
  onConfirm(): Promise<void>;
  onCancel(): void;
}) {
  return (
    <>
      <ErrorAlert error={action.error} />
      <div class="row">
        <button
          type="button"
          class={kind}
          data-testid={testId}
          disabled={!ready || action.busy}
          onClick={() => void action.run(onConfirm)}
        >
          {action.busy ? busyLabel : label}
        </button>
        <button type="button" disabled={action.busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </>
  );
}

import type { BridgeError } from '../../host/contract';
import { errorDetail, errorMessage } from '../error-messages';

/** An error as a person reads it: the sentence for its code, announced to screen readers. */
export function ErrorAlert({
  error,
  onDismiss,
}: {
  error: { code: string; message: string } | BridgeError | null;
  onDismiss?: () => void;
}) {
  if (!error) return null;
  const detail = errorDetail(error.code, error.message);
  return (
    <div class="alert bad" role="alert" data-code={error.code}>
      <p>{errorMessage(error.code, error.message)}</p>
      {detail && <p class="small">{detail}</p>}
      {onDismiss && (
        <button type="button" class="link" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}

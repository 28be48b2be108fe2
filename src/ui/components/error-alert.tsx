import type { BridgeError } from '../../host/contract';
import { errorDetail, errorMessage } from '../error-messages';

/**
 * An error as a person reads it: the sentence for its code, announced to screen readers. A page
 * whose errors come from elsewhere (the admin page's come from the server) passes `describe`.
 */
export function ErrorAlert({
  error,
  onDismiss,
  describe = errorMessage,
}: {
  error: { code: string; message: string } | BridgeError | null;
  onDismiss?: () => void;
  describe?: (code: string, fallback: string) => string;
}) {
  if (!error) return null;
  const detail = errorDetail(error.code, error.message);
  return (
    <div class="alert bad" role="alert" data-code={error.code}>
      <p>{describe(error.code, error.message)}</p>
      {detail && <p class="small">{detail}</p>}
      {onDismiss && (
        <button type="button" class="link" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}

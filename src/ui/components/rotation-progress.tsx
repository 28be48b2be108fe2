import type { RotationProgress } from '../../host/contract';
import { ProgressBar } from './progress-bar';

/** A key rotation re-uploading every record under the new key; it resumes by itself if stopped. */
export function RotationProgressBar({ rotation }: { rotation: RotationProgress | null }) {
  if (!rotation) return null;
  const { done, total } = rotation;
  return (
    <div data-testid="rotation-progress">
      <ProgressBar done={done} total={total} label="Re-encrypting records" />
      <p class="small muted" aria-live="polite">
        {total > 0
          ? `Re-encrypting records: ${done} / ${total}`
          : 'Publishing the new account key…'}
      </p>
    </div>
  );
}

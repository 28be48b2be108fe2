import type { Status } from '../../../host/contract';
import { plural } from '../../format';

/** What this device holds, so a person sees their data is here whatever the sync state. */
export function LocalCounts({ status }: { status: Status }) {
  const { counts } = status;
  return (
    <fieldset class="counts plain">
      <legend class="sr-only">On this device</legend>
      <div class="count">
        <strong data-testid="count-profiles">{counts.profiles}</strong>
        <span class="small muted">profiles</span>
      </div>
      <div class="count">
        <strong>{counts.providers}</strong>
        <span class="small muted">providers</span>
      </div>
      <div class="count">
        <strong data-testid="count-pending">{status.pendingEdits}</strong>
        <span class="small muted">
          {status.pendingEdits === 1 ? 'pending edit' : 'pending edits'}
        </span>
      </div>
      <span class="sr-only">
        {plural(counts.profiles, 'profile')}, {plural(status.pendingEdits, 'edit')} waiting to sync
      </span>
    </fieldset>
  );
}

import { useEffect, useState } from 'preact/hooks';
import type { AppUpdate, UpdateState } from './app-update';

/** "A new version is ready — reload", and what happens when an edit is still unsaved. */
export function UpdateBanner({ update }: { update: AppUpdate }) {
  const [state, setState] = useState<UpdateState>(update.state());
  useEffect(() => update.subscribe(setState), [update]);
  if (state === 'current') return null;
  return (
    <div class="alert ok app-update" role="status" data-testid="update-banner" data-state={state}>
      {state === 'ready' ? (
        <div class="row spread">
          <span>A new version of Satchel is ready.</span>
          <button type="button" class="primary" onClick={() => update.apply()}>
            Reload
          </button>
        </div>
      ) : (
        <p>
          You have an unsaved edit. Save or cancel it and Satchel reloads into the new version right
          after; nothing you typed is lost.
        </p>
      )}
    </div>
  );
}

import { useEffect, useState } from 'preact/hooks';
import type { Conflict } from '../../../host/contract';
import { ErrorAlert } from '../../components/error-alert';
import { ConflictList } from '../../conflicts/conflict-list';
import { DiffView } from '../../conflicts/diff-view';
import { conflictKey } from '../../conflicts/field-diff';
import { useAction, useBridge } from '../../use-bridge';
import type { ScreenProps } from '../screen';

/** The conflicts list, or one conflict's diff when the route names it. */
export function Conflicts({ status, navigate, route }: ScreenProps) {
  const bridge = useBridge();
  const load = useAction();
  const [conflicts, setConflicts] = useState<Conflict[] | null>(null);
  // Reload whenever the count changes: a resolution here or a sync may have changed the list.
  useEffect(() => {
    void load.run(async () => setConflicts(await bridge.call('conflicts.list')));
  }, [bridge, status.conflicts]);
  const openId = route.name === 'conflict' ? route.id : undefined;
  const open = conflicts?.find((c) => conflictKey(c) === openId);
  return (
    <section class="stack" aria-labelledby="conflicts-title">
      <div class="row spread">
        <h1 id="conflicts-title">Conflicts</h1>
        <button
          type="button"
          class="link"
          onClick={() => navigate(open ? { name: 'conflicts' } : { name: 'home' })}
        >
          ← Back
        </button>
      </div>
      <ErrorAlert error={load.error} />
      {conflicts === null ? (
        <p class="muted">Loading…</p>
      ) : open ? (
        <DiffView
          key={openId}
          conflict={open}
          onResolve={async (resolution) => {
            await bridge.call('conflicts.resolve', {
              collection: open.collection,
              id: open.id,
              resolution,
            });
            navigate(conflicts.length > 1 ? { name: 'conflicts' } : { name: 'home' });
          }}
        />
      ) : (
        <ConflictList conflicts={conflicts} onOpen={(id) => navigate({ name: 'conflict', id })} />
      )}
    </section>
  );
}

import { useEffect, useState } from 'preact/hooks';
import type { ActivityEntry } from '../../../host/contract';
import { ErrorAlert } from '../../components/error-alert';
import { errorMessage } from '../../error-messages';
import { useAction, useBridge } from '../../use-bridge';
import type { SectionProps } from '../section';
import { triggerText } from './trigger-text';

/** The log of sync runs: when, why, what moved, how long, and what went wrong. */
export function Activity({ status }: SectionProps) {
  const bridge = useBridge();
  const [entries, setEntries] = useState<ActivityEntry[] | null>(null);
  const load = useAction();
  useEffect(() => {
    void load.run(async () => setEntries(await bridge.call('activity.list')));
  }, [bridge, status.lastSyncAt, status.state.kind]);
  return (
    <section class="stack" aria-labelledby="activity-title">
      <h1 id="activity-title">Activity</h1>
      <ErrorAlert error={load.error} />
      {entries?.length === 0 && <p class="muted">No sync has run yet.</p>}
      {entries && entries.length > 0 && (
        // Focusable, so a keyboard can scroll the log sideways where it is wider than the screen.
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus (WCAG 2.1.1)
        <section class="scroll-x" aria-label="Sync runs" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Why</th>
                <th scope="col">Received</th>
                <th scope="col">Sent</th>
                <th scope="col">Conflicts</th>
                <th scope="col">Took</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id}>
                  <td>
                    <time dateTime={new Date(e.startedAt).toISOString()}>
                      {new Date(e.startedAt).toLocaleString()}
                    </time>
                  </td>
                  <td data-trigger={e.trigger}>{triggerText(e.trigger)}</td>
                  <td>{e.pulled}</td>
                  <td>{e.pushed}</td>
                  <td>{e.conflicts}</td>
                  <td>{e.durationMs} ms</td>
                  <td class={e.error ? 'field-error' : undefined}>
                    {e.error ? errorMessage(e.error.code, e.error.message) : 'OK'}
                    {e.replaced > 0 && (
                      <span class="small" data-testid="activity-replaced">
                        {' '}
                        · {e.replaced === 1 ? 'an edit' : `${e.replaced} edits`} of yours replaced
                        by a newer one
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </section>
  );
}

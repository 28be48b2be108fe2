import { useState } from 'preact/hooks';
import type { RecordSummary } from '../../../host/contract';
import { ErrorAlert } from '../../components/error-alert';
import { CopyMenu } from '../../records/copy-menu';
import { recordTitle, summaryLine } from '../../records/fields';
import { useAction, useBridge } from '../../use-bridge';

/**
 * The profiles, ready to use from the toolbar: copy a key, or the profile as environment lines,
 * JSON or curl, without opening the settings. Loaded when opened, so the popup paints first.
 */
export function UseProfile({ count }: { count: number }) {
  const bridge = useBridge();
  const load = useAction();
  const [lists, setLists] = useState<{ profiles: RecordSummary[]; providers: RecordSummary[] }>();
  if (count === 0) return null;
  const open = () =>
    void load.run(async () => {
      const [profiles, providers] = await Promise.all([
        bridge.call('records.list', { collection: 'profiles' }),
        bridge.call('records.list', { collection: 'providers' }),
      ]);
      setLists({ profiles, providers });
    });
  const nameOf = (_: unknown, id: string) =>
    lists?.providers.find((p) => p.id === id)?.value.name as string | undefined;
  return (
    <details
      class="card"
      data-testid="use-profile"
      onToggle={(e) => e.currentTarget.open && open()}
    >
      <summary>Use a profile</summary>
      <ErrorAlert error={load.error} />
      <ul class="list" aria-label="Profiles to use">
        {lists?.profiles.map((p) => (
          <li key={p.id} class="stack">
            <span>
              <strong>{recordTitle('profiles', p.value, p.id)}</strong>{' '}
              <span class="small muted">{summaryLine('profiles', p.value, nameOf)}</span>
            </span>
            <CopyMenu
              name={recordTitle('profiles', p.value, p.id)}
              value={p.value}
              provider={lists.providers.find((r) => r.id === p.value.provider)?.value}
            />
          </li>
        ))}
      </ul>
    </details>
  );
}

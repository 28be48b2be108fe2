import type { Status } from '../../../host/contract';
import { COLLECTIONS } from '../../../host/contract';
import { Switch } from '../../components/switch';
import { COLLECTION_SPECS } from '../../records/fields';
import { useBridge } from '../../use-bridge';

/** Which collections this device syncs; switched-off ones stay on this device untouched. */
export function CollectionToggles({
  status,
  onError,
}: {
  status: Status;
  onError(fn: () => Promise<unknown>): Promise<boolean>;
}) {
  const bridge = useBridge();
  return (
    <details>
      <summary class="small">What to sync</summary>
      {COLLECTIONS.map((name) => (
        <Switch
          key={name}
          label={COLLECTION_SPECS[name].label}
          checked={status.settings.collections[name]}
          onChange={(on) =>
            onError(() =>
              bridge.call('settings.update', {
                collections: { ...status.settings.collections, [name]: on },
              }),
            )
          }
        />
      ))}
    </details>
  );
}

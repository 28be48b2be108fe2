import { ErrorAlert } from '../../components/error-alert';
import { ProgressBar } from '../../components/progress-bar';
import { RotationProgressBar } from '../../components/rotation-progress';
import { Switch } from '../../components/switch';
import { useBrowserOnline, useNow } from '../../components/use-now';
import { errorMessage } from '../../error-messages';
import { plural, progressText, timeAgo } from '../../format';
import { ReplacedNotices } from '../../replaced/replaced-notices';
import { useAction, useBridge } from '../../use-bridge';
import type { ScreenProps } from '../screen';
import { StatusPill } from '../status-pill';
import { SyncMode } from '../sync-mode';
import { CollectionToggles } from './collection-toggles';
import { LocalCounts } from './local-counts';
import { TooLargeNotice } from './too-large-notice';
import { UseProfile } from './use-profile';
import { WithheldNotice } from './withheld-notice';

/** Connected and unlocked: how sync is doing, what is waiting, and the everyday controls. */
export function Overview({ status, navigate }: ScreenProps) {
  const bridge = useBridge();
  const action = useAction();
  const phase = status.state;
  const syncing = phase.kind === 'syncing';
  const now = useNow();
  // With no network at all a sync cannot start; an unreachable server can still be tried again.
  const browserOnline = useBrowserOnline();
  return (
    <section class="stack" aria-labelledby="overview-title">
      <div class="row spread">
        <h1 id="overview-title">Satchel</h1>
        <StatusPill phase={phase} pending={status.pendingEdits} asOf={status.asOf} />
      </div>
      <p class="small muted" data-testid="last-sync">
        {status.lastSyncAt ? `Last synced ${timeAgo(status.lastSyncAt, now)}` : 'Not synced yet'}
        {status.account && ` · ${new URL(status.account.serverUrl).host}`}
      </p>
      <SyncMode status={status} />
      {syncing && (
        <div>
          <ProgressBar
            done={phase.progress.done}
            total={phase.progress.total}
            label="Sync progress"
          />
          <p class="small muted" aria-live="polite">
            {progressText(phase.progress)}
          </p>
        </div>
      )}
      <RotationProgressBar rotation={status.rotation} />
      {phase.kind === 'offline' && (
        <div class="alert warn" role="status">
          <p>{errorMessage('offline')}</p>
        </div>
      )}
      {!browserOnline && (
        <p class="small muted" id="sync-now-offline">
          No network: edits are kept and sync by themselves when it is back.
        </p>
      )}
      {phase.kind === 'error' && (
        <div class="alert bad" role="alert" data-code={phase.error.code}>
          <p>{errorMessage(phase.error.code, phase.error.message)}</p>
        </div>
      )}
      {status.conflicts > 0 && (
        <div class="alert warn row spread" role="status">
          <span data-testid="conflict-count">
            {plural(status.conflicts, 'conflict')} to resolve
          </span>
          <button type="button" onClick={() => navigate({ name: 'conflicts' })}>
            Review
          </button>
        </div>
      )}
      {status.pairingRequests > 0 && (
        <div class="alert warn row spread" role="status">
          <span data-testid="join-count">
            {status.pairingRequests === 1
              ? '1 device wants to join'
              : `${status.pairingRequests} devices want to join`}
          </span>
          <button
            type="button"
            aria-label="Review devices asking to join"
            onClick={() => navigate({ name: 'home' })}
          >
            Review
          </button>
        </div>
      )}
      <ReplacedNotices count={status.replaced} version={status.dataVersion ?? 0} />
      <TooLargeNotice count={status.tooLarge} />
      <WithheldNotice count={status.withheld} />
      <LocalCounts status={status} />
      <UseProfile count={status.counts.profiles} />
      <ErrorAlert error={action.error} />
      <div class="row">
        <button
          type="button"
          class="primary"
          disabled={syncing || action.busy || !browserOnline}
          aria-describedby={browserOnline ? undefined : 'sync-now-offline'}
          onClick={() => void action.run(() => bridge.call('sync.now'))}
        >
          {syncing ? 'Syncing…' : 'Sync now'}
        </button>
        {bridge.host.openOptions && (
          <button type="button" onClick={() => bridge.host.openOptions?.()}>
            Manage settings
          </button>
        )}
        {status.lock && (
          <button
            type="button"
            data-testid="popup-lock-now"
            disabled={action.busy}
            onClick={() => void action.run(() => bridge.call('lock.now'))}
          >
            Lock now
          </button>
        )}
      </div>
      <div class="card">
        <Switch
          label="Sync automatically"
          checked={status.settings.autoSync}
          onChange={(autoSync) => action.run(() => bridge.call('settings.update', { autoSync }))}
        />
        <CollectionToggles status={status} onError={action.run} />
      </div>
      <button
        type="button"
        class="link small"
        onClick={() => void action.run(() => bridge.call('auth.disconnect'))}
      >
        Disconnect this device (keeps your data here)
      </button>
    </section>
  );
}

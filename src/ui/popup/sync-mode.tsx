import type { Status } from '../../host/contract';
import { errorMessage } from '../error-messages';

/** "5 min", "30 s", "2 h": the timed sync's period, short enough for one status line. */
export function periodText(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round((seconds / 60) * 10) / 10} min`;
  return `${Math.round((seconds / 3600) * 10) / 10} h`;
}

export type SyncModeKind = 'live' | 'interval' | 'unavailable' | 'connecting' | 'manual';

/**
 * How edits made elsewhere reach this device, worded for the status line. "Live" is claimed only
 * while the engine holds the stream; live sync on but not held is said plainly, with the timer
 * that carries syncs meanwhile.
 */
export function syncModeText(
  status: Pick<Status, 'syncMode' | 'liveIssue' | 'settings' | 'state'>,
): { kind: SyncModeKind; text: string } {
  const { settings } = status;
  if (!settings.autoSync) return { kind: 'manual', text: 'Automatic sync is off' };
  const every = `every ${periodText(settings.intervalSeconds)}`;
  if (!settings.liveSync) return { kind: 'interval', text: `Syncs ${every}` };
  if (status.syncMode === 'live') return { kind: 'live', text: 'Live' };
  if (status.liveIssue?.code === 'live_fallback')
    return { kind: 'unavailable', text: `Live unavailable — ${every}` };
  // Offline, the stream is not even tried; the offline notice says why.
  if (status.state.kind === 'offline') return { kind: 'interval', text: `Syncs ${every}` };
  return { kind: 'connecting', text: `Connecting live… syncs ${every} meanwhile` };
}

/** The status line's live/timer part, and the live client's issue in a sentence if it has one. */
export function SyncMode({ status }: { status: Status }) {
  const mode = syncModeText(status);
  const issue = status.settings.liveSync && status.settings.autoSync ? status.liveIssue : null;
  return (
    <>
      <p class="small muted" data-testid="sync-mode" data-mode={mode.kind}>
        {mode.kind === 'live' && <span class="live-dot" aria-hidden="true" />}
        {mode.text}
      </p>
      {issue && (
        <div class="alert warn" role="status" data-testid="live-issue" data-code={issue.code}>
          <p>{errorMessage(issue.code, issue.message)}</p>
        </div>
      )}
    </>
  );
}

import type { Phase } from '../../host/contract';
import { timeAgo } from '../format';

const PILLS: Record<Phase['kind'], { tone: string; text: string }> = {
  signedOut: { tone: '', text: 'Not connected' },
  signingIn: { tone: 'busy', text: 'Connecting' },
  needsKey: { tone: 'warn', text: 'Locked' },
  idle: { tone: 'ok', text: 'In sync' },
  syncing: { tone: 'busy', text: 'Syncing' },
  offline: { tone: 'warn', text: 'Offline' },
  error: { tone: 'bad', text: 'Sync problem' },
  locked: { tone: 'warn', text: 'Locked' },
};

/**
 * The one-glance state, worded for people; the tone carries colour, the text carries meaning.
 * `asOf`: the state is the last one kept while the worker wakes, so it says when, in no colour
 * of its own (green would claim a sync nobody has checked yet).
 */
export function StatusPill({
  phase,
  pending,
  asOf,
}: {
  phase: Phase;
  pending: number;
  asOf?: number | undefined;
}) {
  const pill = PILLS[phase.kind];
  const text = phase.kind === 'idle' && pending > 0 ? 'Changes waiting' : pill.text;
  const tone = phase.kind === 'idle' && pending > 0 ? 'warn' : pill.tone;
  if (asOf !== undefined) {
    return (
      <span class="pill" data-testid="status" data-phase={phase.kind} data-as-of={asOf}>
        {text} · as of {timeAgo(asOf)}
      </span>
    );
  }
  return (
    <span class={`pill ${tone}`} data-testid="status" data-phase={phase.kind}>
      {text}
    </span>
  );
}

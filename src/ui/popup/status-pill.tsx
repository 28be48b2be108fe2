import type { Phase } from '../../host/contract';

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

/** The one-glance state, worded for people; the tone carries colour, the text carries meaning. */
export function StatusPill({ phase, pending }: { phase: Phase; pending: number }) {
  const pill = PILLS[phase.kind];
  const text = phase.kind === 'idle' && pending > 0 ? 'Changes waiting' : pill.text;
  const tone = phase.kind === 'idle' && pending > 0 ? 'warn' : pill.tone;
  return (
    <span class={`pill ${tone}`} data-testid="status" data-phase={phase.kind}>
      {text}
    </span>
  );
}

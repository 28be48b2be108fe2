import type { ActivityRow } from '../../../engine';

/** Why a sync ran, as the activity log says it: every trigger the engine records has a sentence. */
const TRIGGERS: Record<ActivityRow['trigger'], string> = {
  edit: 'An edit on this device',
  interval: 'Timed sync',
  online: 'Back online',
  startup: 'Satchel started',
  manual: 'Asked for (Sync now or a setting)',
  retry: 'Retry after a failure',
  decision: 'Your answer to a question',
  live: 'Live: another device saved a change',
};

/** A trigger from a worker of another version still shows, as its code. */
export function triggerText(trigger: string): string {
  return Object.hasOwn(TRIGGERS, trigger) ? TRIGGERS[trigger as ActivityRow['trigger']] : trigger;
}

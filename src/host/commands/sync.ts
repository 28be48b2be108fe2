/** Syncing on demand, the questions a sync stops to ask, and the log of past runs. */
import { activityEntry } from '../views';
import type { CommandContext, HandlerTable } from './table';

export function syncCommands({
  engine,
}: CommandContext): HandlerTable<
  'sync.now' | 'decision.firstJoin' | 'decision.bulkDelete' | 'activity.list'
> {
  return {
    async 'sync.now'() {
      // A failed run shows in the status (with what to do); the button need not repeat it.
      await engine.syncNow();
      return undefined;
    },
    async 'decision.firstJoin'({ choice }) {
      await engine.answerFirstJoin(choice);
      return undefined;
    },
    async 'decision.bulkDelete'({ answer }) {
      await engine.answerBulkDelete(answer);
      return undefined;
    },
    async 'activity.list'() {
      return (await engine.activity()).map(activityEntry);
    },
  };
}

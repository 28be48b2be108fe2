/** Conflicts under the manual strategy, passed to the page as the engine's field diff. */
import { type CommandContext, collectionOf, type HandlerTable } from './table';

export function conflictCommands({
  engine,
}: CommandContext): HandlerTable<'conflicts.list' | 'conflicts.resolve'> {
  return {
    // Revealed: the diff masks secrets itself until the person asks to see one.
    'conflicts.list': () => engine.listConflicts({ reveal: true }),
    async 'conflicts.resolve'({ collection, id, resolution }) {
      await engine.resolveConflict(collectionOf(collection), id, resolution);
      return undefined;
    },
  };
}

/** Edits of this device that "keep the most recent edit" replaced, and the answers to them. */
import { InputError } from '../../engine';
import { type CommandContext, collectionOf, type HandlerTable } from './table';

export function replacedCommands({
  engine,
}: CommandContext): HandlerTable<'replaced.list' | 'replaced.answer'> {
  return {
    // Revealed: the notice masks secrets itself until the person asks to see one.
    'replaced.list': () => engine.listReplaced(),
    async 'replaced.answer'({ collection, id, answer, at }) {
      if (answer !== 'restore' && answer !== 'dismiss')
        throw new InputError('invalid_resolution', 'Answer restore or dismiss');
      if (at !== undefined && !Number.isFinite(at))
        throw new InputError('invalid_resolution', 'The notice to answer is named by its time');
      await engine.answerReplaced(collectionOf(collection), id, answer, at);
      return undefined;
    },
  };
}

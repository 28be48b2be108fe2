/** Records as the options page lists, edits and restores them. */
import { type RecordInput, secretFieldsOf } from '../../engine';
import { matchesQuery, recordSummary, revision } from '../views';
import { type CommandContext, collectionOf, type HandlerTable } from './table';

export function recordCommands({
  engine,
  index,
}: CommandContext): HandlerTable<
  | 'records.list'
  | 'records.page'
  | 'records.get'
  | 'records.save'
  | 'records.delete'
  | 'history.list'
  | 'history.restore'
> {
  /** An edit answered here: the next page must see it, before the status says so. */
  const edited = <T>(result: T): T => {
    index.drop();
    return result;
  };
  return {
    async 'records.list'({ collection, query }) {
      const name = collectionOf(collection);
      // Revealed: the options form edits the real value and masks it itself (password input).
      const views = await engine.list(name, { reveal: true });
      const secret = secretFieldsOf(name);
      return views
        .map(recordSummary)
        .filter((r) => matchesQuery(r.value, query, (field) => secret.includes(field)));
    },
    async 'records.page'(query) {
      collectionOf(query.collection);
      for (const ref of query.titlesOf ?? []) collectionOf(ref.collection);
      return index.page(query);
    },
    async 'records.get'({ collection, id }) {
      const name = collectionOf(collection);
      // Revealed: the options form edits the real value and masks it itself (password input).
      const view = await engine.get(name, id, { reveal: true });
      return view ? recordSummary(view) : null;
    },
    async 'records.save'({ collection, id, newId, value }) {
      const name = collectionOf(collection);
      const data = value as RecordInput<typeof name>;
      if (id === undefined) {
        const options = typeof newId === 'string' ? { id: newId } : {};
        return edited({ id: (await engine.create(name, data, options)).id });
      }
      // The form sends the whole record: a field cleared there is gone, in one commit.
      await engine.replace(name, id, data);
      return edited({ id });
    },
    async 'records.delete'({ collection, id }) {
      await engine.delete(collectionOf(collection), id);
      return edited(undefined);
    },
    async 'history.list'({ collection, id }) {
      const views = await engine.history(collectionOf(collection), id, { reveal: true });
      return views.map(revision);
    },
    async 'history.restore'({ collection, id, revisionId }) {
      await engine.restore(collectionOf(collection), id, Number(revisionId));
      return edited(undefined);
    },
  };
}

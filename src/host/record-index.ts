/**
 * What the records page lists and searches, kept beside the engine: each live record of a
 * collection with its secret fields masked, and its searchable text (every field but the secret
 * ones). Built once per collection, on first use, from one read of the engine; dropped whenever
 * records may have changed (the status's `dataVersion`, an edit answered here) or the device
 * locks. So a keystroke filters strings in memory instead of opening every record again, and
 * no secret is ever in it: a query cannot probe an API key, and a page of the list carries none.
 */
import { type CollectionName, type Engine, secretFieldsOf } from '../engine';
import type { RecordPage, RecordPageQuery, RecordSummary } from './contract';
import { recordTitle } from './record-title';
import { recordSummary, searchText } from './views';

interface Entry {
  summary: RecordSummary;
  /** Each non-secret field as JSON, lower-cased, joined by a character no JSON text holds. */
  text: string;
  title: string;
}

/** The most a page holds: a page of a list, never the whole of a large one. */
export const MAX_PAGE = 500;

export class RecordIndex {
  private readonly built = new Map<CollectionName, Promise<Entry[]>>();
  /** Collections whose build has finished (the rest may be under way). */
  private readonly ready = new Set<CollectionName>();
  /** Moves on each drop, so a build that started before it is not kept. */
  private generation = 0;

  private readonly warming = new Map<CollectionName, ReturnType<typeof setTimeout>>();

  /**
   * `warmAfterMs`: how long after a page opens its index is built, unless a search asks first.
   * Not at once: building opens every record, and the pages' own first requests come first.
   */
  constructor(
    private readonly engine: Pick<Engine, 'list' | 'getStatus'>,
    private readonly warmAfterMs = 1_000,
  ) {}

  drop(): void {
    for (const timer of this.warming.values()) clearTimeout(timer);
    this.warming.clear();
    this.generation += 1;
    this.built.clear();
    this.ready.clear();
  }

  private entries(collection: CollectionName): Promise<Entry[]> {
    const cached = this.built.get(collection);
    if (cached) return cached;
    const generation = this.generation;
    const secret = secretFieldsOf(collection);
    const building = this.engine.list(collection).then((views) =>
      views.map((view) => {
        const summary = recordSummary(view);
        return {
          summary,
          text: searchText(summary.value, (field) => secret.includes(field)),
          title: recordTitle(collection, summary.value, summary.id),
        };
      }),
    );
    this.built.set(collection, building);
    // A failed build (locked, closed) is not kept: the next call tries again, and says why.
    building.then(
      () => {
        if (this.generation === generation) this.ready.add(collection);
      },
      () => {
        if (this.built.get(collection) === building) this.built.delete(collection);
      },
    );
    return building;
  }

  private warm(collection: CollectionName): void {
    if (this.built.has(collection) || this.warming.has(collection)) return;
    const timer = setTimeout(() => {
      this.warming.delete(collection);
      void this.entries(collection);
    }, this.warmAfterMs);
    this.warming.set(collection, timer);
  }

  async page({
    collection,
    query,
    offset = 0,
    limit = 100,
    titlesOf = [],
  }: RecordPageQuery): Promise<RecordPage> {
    const needle = query?.trim().toLowerCase() ?? '';
    const start = Math.max(0, Math.floor(offset));
    const count = Math.min(MAX_PAGE, Math.max(0, Math.floor(limit)));
    let items: RecordSummary[];
    let total: number;
    if (!needle && !this.ready.has(collection)) {
      // The page opening: its first rows straight from the store, while the index for the
      // search to come is built behind it (10,000 records take a few hundred ms to open).
      const views = await this.engine.list(collection, { limit: start + count });
      items = views.slice(start).map(recordSummary);
      total = Math.max(this.engine.getStatus().counts[collection], views.length);
      this.warm(collection);
    } else {
      const entries = await this.entries(collection);
      const matching = needle ? entries.filter((entry) => entry.text.includes(needle)) : entries;
      items = matching.slice(start, start + count).map((entry) => entry.summary);
      total = matching.length;
    }
    const titles: Record<string, string> = {};
    for (const { field, collection: ref } of titlesOf) {
      const wanted = new Set(items.flatMap((item) => idsIn(item.value[field])));
      if (wanted.size === 0) continue;
      for (const entry of await this.entries(ref))
        if (wanted.has(entry.summary.id)) titles[`${ref}/${entry.summary.id}`] = entry.title;
    }
    return { items, total, titles };
  }
}

function idsIn(value: unknown): string[] {
  if (typeof value === 'string' && value) return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

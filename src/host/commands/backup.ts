/**
 * Backup to and from a JSON file. An import is written as ordinary local edits, so it reaches
 * other devices through the normal sync and merge like anything typed by hand.
 */
import { COLLECTION_NAMES, type CollectionName, type Engine, type RecordInput } from '../../engine';
import { BridgeError, type ImportPreview } from '../contract';
import type { CommandContext, HandlerTable } from './table';

const FORMAT = 'satchel-backup';
const VERSION = 1;

type Data = Record<string, unknown>;

interface Backup {
  format: typeof FORMAT;
  version: typeof VERSION;
  exportedAt: string;
  records: Partial<Record<CollectionName, { id: string; data: Data }[]>>;
}

function invalid(message: string): BridgeError {
  return new BridgeError({ code: 'invalid_backup', message });
}

function isObject(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseBackup(json: string): Backup {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw invalid('The file is not JSON');
  }
  if (!isObject(parsed) || parsed.format !== FORMAT) throw invalid('Not a Satchel backup');
  if (parsed.version !== VERSION)
    throw invalid(`Unsupported backup version ${String(parsed.version)}`);
  if (!isObject(parsed.records)) throw invalid('The backup has no records');
  for (const [name, rows] of Object.entries(parsed.records)) {
    if (!(COLLECTION_NAMES as string[]).includes(name)) throw invalid(`Unknown collection ${name}`);
    if (!Array.isArray(rows)) throw invalid(`${name} is not a list`);
    for (const row of rows) {
      if (!isObject(row) || typeof row.id !== 'string' || !isObject(row.data)) {
        throw invalid(`A ${name} entry has no id or data`);
      }
    }
  }
  return parsed as unknown as Backup;
}

type Plan = { collection: CollectionName; id: string; data: Data; kind: 'added' | 'changed' }[];

async function plan(engine: Engine, backup: Backup): Promise<{ plan: Plan; unchanged: number }> {
  const steps: Plan = [];
  let unchanged = 0;
  for (const collection of COLLECTION_NAMES) {
    const rows = backup.records[collection] ?? [];
    if (rows.length === 0) continue;
    const here = new Map(
      (await engine.list(collection, { reveal: true })).map((r) => [r.id, r.data as Data]),
    );
    for (const { id, data } of rows) {
      const current = here.get(id);
      if (!current) steps.push({ collection, id, data, kind: 'added' });
      else if (JSON.stringify(sorted(current)) !== JSON.stringify(sorted(data)))
        steps.push({ collection, id, data, kind: 'changed' });
      else unchanged += 1;
    }
  }
  return { plan: steps, unchanged };
}

function sorted(data: Data): Data {
  return Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function preview(steps: Plan, unchanged: number): ImportPreview {
  return {
    added: steps.filter((s) => s.kind === 'added').length,
    changed: steps.filter((s) => s.kind === 'changed').length,
    unchanged,
  };
}

export function backupCommands({
  engine,
}: CommandContext): HandlerTable<'backup.export' | 'backup.previewImport' | 'backup.import'> {
  return {
    async 'backup.export'() {
      const records: Backup['records'] = {};
      for (const collection of COLLECTION_NAMES) {
        const views = await engine.list(collection, { reveal: true });
        records[collection] = views.map((v) => ({ id: v.id, data: v.data as Data }));
      }
      const backup: Backup = {
        format: FORMAT,
        version: VERSION,
        exportedAt: new Date().toISOString(),
        records,
      };
      return { json: JSON.stringify(backup, null, 2) };
    },
    async 'backup.previewImport'({ json }) {
      const { plan: steps, unchanged } = await plan(engine, parseBackup(json));
      return preview(steps, unchanged);
    },
    async 'backup.import'({ json }) {
      const { plan: steps, unchanged } = await plan(engine, parseBackup(json));
      for (const step of steps) {
        if (step.kind === 'added') {
          await engine.create(step.collection, step.data as RecordInput<CollectionName>, {
            id: step.id,
          });
          continue;
        }
        // The file holds whole records: a field missing there is removed here, in one commit.
        await engine.replace(step.collection, step.id, step.data as RecordInput<CollectionName>);
      }
      return preview(steps, unchanged);
    },
  };
}

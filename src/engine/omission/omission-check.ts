/**
 * What a sync run does about omission: after a pull that reached the head, compare the peers'
 * manifests with what this device holds and keep the report; while records stay withheld, list
 * the feed again from zero now and then (the quarantine's backoff: at the next sync, then after a
 * minute, doubling up to a day). A listing from zero only adds what it brings: absence deletes
 * nothing, so the worst a liar gets from it is one more read. Nothing withheld is deleted or
 * overwritten here; the report clears itself once the server serves what the peers hold.
 */
import type { EngineContext } from '../context';
import type { OmissionMeta } from '../db/schema';
import { asEngineError } from '../errors';
import type { SyncDeps } from '../sync/deps';
import { retryWait } from '../sync/quarantine-retry';
import { findWithheld } from './find-withheld';
import { readOmission, writeOmission } from './omission-state';

/** '0' when a re-listing is due because records are withheld, else null. */
export async function omissionRewind(ctx: EngineContext): Promise<string | null> {
  const meta = await readOmission(ctx.db);
  const report = meta.report;
  const now = ctx.clock.now();
  if (!report || report.retryAt > now) return null;
  const attempts = report.attempts + 1;
  meta.report = { ...report, attempts, retryAt: now + retryWait(attempts) };
  await writeOmission(ctx.db, meta);
  ctx.log({ level: 'info', event: 'withheld_relisting', attempts });
  return '0';
}

/** The peers' names as the server's device list gives them; their ids when it cannot. */
async function namesOf(deps: SyncDeps, ids: string[]): Promise<string[]> {
  try {
    const devices = await deps.session.withAccess((server, token) =>
      deps.api.devices(server, token),
    );
    const byId = new Map(devices.map((device) => [device.id, device.name]));
    return ids.map((id) => byId.get(id) ?? id);
  } catch (error) {
    deps.ctx.log({ level: 'warn', event: 'device_names_failed', code: asEngineError(error).code });
    return ids;
  }
}

export interface OmissionReport {
  withheld: number;
  devices: string[];
  /** Whether the report differs from the one held before (the status must be re-read). */
  changed: boolean;
}

/**
 * The inputs of a clean comparison. Once nothing is withheld, only these can make something so:
 * the peers' manifests, the collections synced, the quarantine. An ordinary pull or a push
 * acknowledgement only raises what is held, so the cursor is left out: reading every record
 * after each pull cost a second per sync at 10,000 records. What can lower what is held (a
 * listing from zero, the person's first-join or missing-records answer) passes `relisted`.
 */
async function comparisonInputs(deps: SyncDeps, meta: OmissionMeta): Promise<string> {
  const { ctx } = deps;
  const peers = Object.entries(meta.peers)
    .map(([writer, chunks]) => [
      writer,
      Object.entries(chunks).map(([index, chunk]) => [index, chunk.rev, chunk.counter]),
    ])
    .sort(([a], [b]) => String(a).localeCompare(String(b)));
  const synced = Object.entries(ctx.settings.collections)
    .filter(([, on]) => on)
    .map(([name]) => name)
    .sort();
  return JSON.stringify([peers, synced, await ctx.db.count('quarantine')]);
}

/**
 * `relisted`: this run listed the feed from zero or carried out an answer that may have lowered
 * or removed what is held, so a clean answer from before does not stand.
 */
export async function checkOmission(deps: SyncDeps, relisted: boolean): Promise<OmissionReport> {
  const { ctx } = deps;
  const meta = await readOmission(ctx.db);
  const inputs = await comparisonInputs(deps, meta);
  if (!meta.report && !relisted && meta.cleanOn === inputs)
    return { withheld: 0, devices: [], changed: false };
  const found = await findWithheld(ctx, meta.peers);
  ctx.log({ level: 'debug', event: 'omission_compared', withheld: found.count });
  if (found.unreadable > 0)
    ctx.log({ level: 'warn', event: 'manifest_unreadable', lists: found.unreadable });
  if (found.count === 0) {
    await writeOmission(ctx.db, { ...(await readOmission(ctx.db)), report: null, cleanOn: inputs });
    if (!meta.report) return { withheld: 0, devices: [], changed: false };
    ctx.log({ level: 'info', event: 'withheld_cleared' });
    return { withheld: 0, devices: [], changed: true };
  }
  const previous = meta.report;
  const ids = [...found.byDevice.keys()].sort();
  const devices =
    previous && previous.withheld === found.count && previous.devices.length === ids.length
      ? previous.devices
      : await namesOf(deps, ids);
  const report = {
    withheld: found.count,
    devices,
    attempts: previous?.attempts ?? 0,
    // A first report is retried at the next sync, as a new quarantine is.
    retryAt: previous?.retryAt ?? ctx.clock.now(),
  };
  await writeOmission(ctx.db, { ...(await readOmission(ctx.db)), report });
  ctx.log({ level: 'warn', event: 'records_withheld', count: found.count, peers: ids.length });
  return { withheld: found.count, devices, changed: previous?.withheld !== found.count };
}

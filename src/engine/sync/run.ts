/**
 * One sync run: the first-join check, pull, push, and the bookkeeping of a successful run.
 * A run that needs a person's answer stops with a `paused` outcome before changing anything the
 * answer is about.
 */
import type { EngineDatabase } from '../db/open';
import { checkOmission } from '../omission/omission-check';
import { publishManifest } from '../omission/publish-manifest';
import type { BulkDeleteAnswer, BulkDeleteDecision } from './bulk-delete';
import type { SyncDeps } from './deps';
import {
  assessFirstJoin,
  discardLocalForJoin,
  type FirstJoinChoice,
  type FirstJoinDecision,
} from './first-join';
import { answerMissing, missingDecision } from './missing-records';
import { pull } from './pull';
import { push } from './push';
import { readSyncMeta, updateSyncMeta } from './sync-meta';

export type Decision = FirstJoinDecision | BulkDeleteDecision;

export interface Answers {
  firstJoin?: FirstJoinChoice;
  bulkDelete?: { side: BulkDeleteDecision['side']; answer: BulkDeleteAnswer };
}

export interface RunTally {
  pulled: number;
  applied: number;
  pushed: number;
  conflicts: number;
  quarantined: number;
  tooLarge: number;
  /** Records peers' manifests list that the server did not serve this device (omission/). */
  withheld?: number;
  /** The peers (by name) whose manifests revealed them. */
  withheldFrom?: string[];
}

export type RunOutcome =
  /** `quiet`: the run changed no record, outbox entry or conflict (so counts need no re-read). */
  | { kind: 'done'; tally: RunTally; quiet: boolean }
  | { kind: 'paused'; decision: Decision; tally: RunTally };

async function setMeta(
  db: EngineDatabase,
  patch: Parameters<typeof updateSyncMeta>[1],
): Promise<void> {
  const tx = db.transaction('meta', 'readwrite');
  await updateSyncMeta(tx, patch);
  await tx.done;
}

export async function runSync(deps: SyncDeps, answers: Answers = {}): Promise<RunOutcome> {
  const { ctx } = deps;
  const tally: RunTally = {
    pulled: 0,
    applied: 0,
    pushed: 0,
    conflicts: 0,
    quarantined: 0,
    tooLarge: 0,
  };
  const meta = await readSyncMeta(ctx.db);
  let choice = meta.joinChoice;
  if (!meta.joined) {
    if (answers.firstJoin) {
      choice = answers.firstJoin;
      // Persisted, so a run interrupted half-way carries on with the same choice.
      if (choice === 'useAccount') await discardLocalForJoin(ctx);
      else await setMeta(ctx.db, { joinChoice: choice });
    } else if (!choice) {
      const decision = await assessFirstJoin(deps);
      if (decision) return { kind: 'paused', decision, tally };
    }
  }
  const keepLocal = !meta.joined && choice === 'uploadLocal';
  const missingAnswer = answers.bulkDelete?.side === 'missing' ? answers.bulkDelete.answer : null;
  if (missingAnswer) await answerMissing(ctx, missingAnswer);

  const pulled = await pull(deps, {
    keepLocal,
    ...(answers.bulkDelete?.side === 'local' ? { bulkDelete: answers.bulkDelete.answer } : {}),
  });
  tally.pulled = pulled.pulled;
  tally.applied = pulled.applied;
  tally.conflicts += pulled.conflicts;
  tally.quarantined += pulled.quarantined;
  if (pulled.paused) return { kind: 'paused', decision: pulled.paused, tally };
  // Only here, at the head of the feed: mid-pull a record may not have arrived yet.
  const relisted =
    meta.fullResync ||
    meta.cursor === null ||
    meta.cursor === '0' ||
    !meta.joined ||
    Object.keys(answers).length > 0;
  const omission = await checkOmission(deps, relisted);
  if (omission.withheld > 0) {
    tally.withheld = omission.withheld;
    tally.withheldFrom = omission.devices;
  }
  if (!meta.joined) await setMeta(ctx.db, { joined: true, joinChoice: null });
  // Asked before anything is pushed, and again after a restart until answered.
  const missing = await missingDecision(ctx);
  if (missing) return { kind: 'paused', decision: missing, tally };

  const quiet =
    Object.keys(answers).length === 0 &&
    meta.joined &&
    !meta.fullResync &&
    meta.cursor !== null &&
    meta.cursor !== '0' &&
    pulled.pulled === 0 &&
    !omission.changed &&
    (await ctx.db.count('outbox')) === 0;
  // Deleting the missing records was the person's answer: the guard need not ask about it again.
  const pushBulk =
    answers.bulkDelete?.side === 'remote'
      ? answers.bulkDelete.answer
      : missingAnswer === 'delete'
        ? 'delete'
        : undefined;
  const pushed = await push(deps, pushBulk ? { bulkDelete: pushBulk } : {});
  tally.pushed = pushed.pushed;
  tally.conflicts += pushed.conflicts;
  tally.quarantined += pushed.quarantined;
  tally.tooLarge = pushed.tooLarge;
  if (pushed.paused) return { kind: 'paused', decision: pushed.paused, tally };
  await publishManifest(deps);

  await setMeta(ctx.db, { lastSyncAt: ctx.clock.now() });
  return { kind: 'done', tally, quiet };
}

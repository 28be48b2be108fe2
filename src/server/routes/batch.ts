/**
 * POST /v1/batch: compare-and-set writes of sealed records, applied in order in one transaction.
 * Limits are checked before the store is touched; op_id makes a retried batch answer the same.
 */
import type { Hono } from 'hono';
import {
  type BatchRequest,
  BatchRequest as BatchRequestSchema,
  type BatchResponse,
} from '../../protocol';
import type { Config } from '../config';
import type { AppEnv, Deps } from '../context';
import { HttpProblem } from '../errors';
import type { Authenticate } from '../middleware/bearer-auth';
import { readJson } from '../middleware/body';

function checkLimits(request: BatchRequest, config: Config): void {
  if (request.ops.length > config.maxBatchOps) {
    throw new HttpProblem(
      'batch_too_large',
      `A batch may hold at most ${config.maxBatchOps} ops; this one has ${request.ops.length}.`,
      { limit: config.maxBatchOps, limit_name: 'max_batch_ops' },
    );
  }
  let total = 0;
  const seen = new Map<string, number>();
  request.ops.forEach((op, index) => {
    const bytes = Buffer.byteLength(op.payload, 'utf8');
    if (bytes > config.maxPayloadBytes) {
      throw new HttpProblem(
        'payload_too_large',
        `ops.${index}.payload is ${bytes} bytes; the limit is ${config.maxPayloadBytes}.`,
        { limit: config.maxPayloadBytes, limit_name: 'max_payload_bytes' },
      );
    }
    total += bytes;
    const first = seen.get(op.op_id);
    if (first !== undefined) {
      throw new HttpProblem('invalid_request', `ops.${index}.op_id repeats ops.${first}.op_id.`, {
        errors: [{ path: `ops.${index}.op_id`, message: 'must be unique within the batch' }],
      });
    }
    seen.set(op.op_id, index);
  });
  if (total > config.maxBatchBytes) {
    throw new HttpProblem(
      'batch_too_large',
      `The payloads of a batch may total at most ${config.maxBatchBytes} bytes; these total ${total}.`,
      { limit: config.maxBatchBytes, limit_name: 'max_batch_bytes' },
    );
  }
}

export function registerBatch(app: Hono<AppEnv>, deps: Deps, auth: Authenticate): void {
  const { store, config, clock } = deps;

  app.post('/v1/batch', auth, async (c) => {
    const request = await readJson(c, BatchRequestSchema);
    checkLimits(request, config);
    const outcome = await store.applyBatch({
      accountId: c.get('auth').accountId,
      keyFingerprint: request.key_fingerprint,
      ops: request.ops,
      now: clock(),
    });
    if (outcome.kind === 'key_document_missing') {
      throw new HttpProblem(
        'key_document_missing',
        'This account has no key document yet; create it (PUT /v1/keys) before writing records.',
      );
    }
    if (outcome.kind === 'key_mismatch') {
      throw new HttpProblem(
        'key_mismatch',
        "The records were sealed under another key than the account's current one; fetch /v1/keys.",
      );
    }
    const body: BatchResponse = { results: outcome.results };
    c.header('Cache-Control', 'no-store');
    return c.json(body);
  });
}

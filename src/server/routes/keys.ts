/**
 * GET/PUT /v1/keys: the account's client-encrypted key document. Its revision is the ETag; a PUT
 * must say which revision it replaces (If-Match) or that it creates one (If-None-Match: *), so two
 * devices can never silently overwrite each other's keys.
 */
import type { Context, Hono } from 'hono';
import { type KeyDocument, KeyDocumentWrite } from '../../protocol';
import type { AppEnv, Deps } from '../context';
import { HttpProblem } from '../errors';
import type { Authenticate } from '../middleware/bearer-auth';
import { readJson } from '../middleware/body';
import type { StoredKeyDocument } from '../store/types';

function etag(rev: number): string {
  return `"${rev}"`;
}

function toKeyDocument(doc: StoredKeyDocument): KeyDocument {
  return {
    key_document: doc.keyDocument,
    key_fingerprint: doc.keyFingerprint,
    epoch: doc.epoch,
    rev: doc.rev,
    updated_at: new Date(doc.updatedAt).toISOString(),
  };
}

/** Revisions are 32-bit in the database; a larger one cannot be current. */
const MAX_REV = 2_147_483_647;

/** A revision as sent in If-Match: `"3"` (the ETag as given) or a bare `3`. */
function parseRevision(header: string): number | null {
  const match = /^\s*(?:"(\d{1,15})"|(\d{1,15}))\s*$/.exec(header);
  const digits = match?.[1] ?? match?.[2];
  const rev = Number(digits);
  return digits && rev >= 1 ? rev : null;
}

function precondition(c: Context<AppEnv>): number | '*' {
  const ifMatch = c.req.header('if-match');
  const ifNoneMatch = c.req.header('if-none-match');
  if (ifMatch !== undefined && ifNoneMatch !== undefined) {
    throw new HttpProblem('invalid_request', 'Send either If-Match or If-None-Match, not both.');
  }
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() !== '*') {
      throw new HttpProblem(
        'invalid_request',
        'If-None-Match must be * (create the key document).',
      );
    }
    return '*';
  }
  if (ifMatch !== undefined) {
    const rev = parseRevision(ifMatch);
    if (rev === null) {
      throw new HttpProblem(
        'invalid_request',
        'If-Match must be the ETag of the key document, e.g. "3".',
      );
    }
    return rev;
  }
  throw new HttpProblem(
    'precondition_required',
    'Send If-Match: <ETag> to replace the key document, or If-None-Match: * to create it.',
  );
}

export function registerKeys(app: Hono<AppEnv>, deps: Deps, auth: Authenticate): void {
  const { store, clock } = deps;

  app.get('/v1/keys', auth, async (c) => {
    const doc = await store.getKeyDocument(c.get('auth').accountId);
    if (!doc) throw new HttpProblem('not_found', 'This account has no key document yet.');
    c.header('ETag', etag(doc.rev));
    c.header('Cache-Control', 'no-store');
    const ifNoneMatch = c.req.header('if-none-match');
    if (ifNoneMatch !== undefined && parseRevision(ifNoneMatch.replace(/^W\//, '')) === doc.rev) {
      return c.body(null, 304);
    }
    return c.json(toKeyDocument(doc));
  });

  app.put('/v1/keys', auth, async (c) => {
    const ifMatch = precondition(c);
    const write = await readJson(c, KeyDocumentWrite);
    const accountId = c.get('auth').accountId;
    const outcome =
      ifMatch !== '*' && ifMatch > MAX_REV
        ? { kind: 'precondition_failed' as const, current: await store.getKeyDocument(accountId) }
        : await store.putKeyDocument({
            accountId,
            ifMatch,
            keyDocument: write.key_document,
            keyFingerprint: write.key_fingerprint,
            epoch: write.epoch,
            now: clock(),
          });
    if (outcome.kind === 'precondition_failed') {
      const current = outcome.current;
      const detail = current
        ? `The key document is at revision ${current.rev}; fetch it and retry.`
        : 'There is no key document yet; create it with If-None-Match: *.';
      throw new HttpProblem(
        'precondition_failed',
        detail,
        {},
        current ? { ETag: etag(current.rev) } : {},
      );
    }
    c.header('ETag', etag(outcome.document.rev));
    c.header('Cache-Control', 'no-store');
    return c.json(toKeyDocument(outcome.document), ifMatch === '*' ? 201 : 200);
  });
}

import * as v from 'valibot';

export interface ValidationIssue {
  path: string;
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

/** Dotted path of a valibot issue, e.g. `ops.3.base_rev`; empty for the root. */
function issuePath(issue: v.BaseIssue<unknown>): string {
  return (issue.path ?? []).map((item) => String(item.key)).join('.');
}

/**
 * Validates untrusted input (a request body on the server, a response on the client) against a
 * protocol schema, returning issues rather than throwing so each side can wrap them in its own
 * error class.
 */
export function validate<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
): Validated<v.InferOutput<S>> {
  const result = v.safeParse(schema, input);
  if (result.success) return { ok: true, value: result.output };
  return {
    ok: false,
    issues: result.issues.map((issue) => ({ path: issuePath(issue), message: issue.message })),
  };
}

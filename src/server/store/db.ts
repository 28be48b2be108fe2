import { UnsafeIntegerError } from './errors';

/**
 * The little both adapters (PGlite and PostgreSQL) satisfy: PostgreSQL SQL with $1 parameters.
 * int8/bigint columns come back as JS numbers on both (see parseInt8), so the SQL layer never
 * sees the string (pg) versus bigint (PGlite) difference.
 */
export interface Db {
  query<T>(sql: string, params?: readonly unknown[]): Promise<{ rows: T[] }>;
  /**
   * Runs fn in one transaction: committed when it resolves, rolled back when it throws.
   * Called on a transaction's own Db it joins the outer transaction rather than nesting.
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * LISTENs on a channel (PostgreSQL: a dedicated connection that reconnects; PGlite: its own
   * listen). Resolves once listening; the returned function stops it. Absent on transaction handles.
   */
  listen?(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
}

/** PostgreSQL's type oid of int8 (bigint), the same in pg and PGlite. */
export const INT8_OID = 20;

/** The one place int8 text becomes a number; refuses values a double cannot hold exactly. */
export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new UnsafeIntegerError();
  return value;
}

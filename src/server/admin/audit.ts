/** An audit row of an action taken by the signed-in owner (see the admin guard). */
import type { Context } from 'hono';
import type { AppEnv } from '../context';
import type { AuditEntry } from '../store/admin-types';

export function auditEntry(
  c: Context<AppEnv>,
  at: number,
  action: string,
  target: string | null = null,
  detail: string | null = null,
): AuditEntry {
  return { at, actor: c.get('admin').account.username, action, target, detail };
}

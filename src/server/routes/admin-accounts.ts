/**
 * The admin page's accounts: the overview, each account with its numbers and devices, and the
 * owner's actions on them (disable, enable, delete with everything, revoke a device). Each
 * action writes an audit row; disable, enable and delete in the same transaction as the change.
 */
import type { Hono, MiddlewareHandler } from 'hono';
import * as v from 'valibot';
import { auditEntry } from '../admin/audit';
import type { AppEnv, Deps } from '../context';
import { HttpProblem } from '../errors';
import { effectiveRegistration } from '../invites';
import { readJson } from '../middleware/body';
import type { Account } from '../store/types';

/** How long a deleted account's tokens are still recognised, to tell its devices why. */
const CLOSED_TOKEN_DAYS = 30;

const DeleteBody = v.object({ confirm: v.string() });

/** Ids are the store's; anything else names nothing and is not sent to the database. */
function id(raw: string, what: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(raw)) throw new HttpProblem('not_found', `No such ${what}.`);
  return raw;
}

export function registerAdminAccounts(
  admin: Hono<AppEnv>,
  deps: Deps,
  guard: MiddlewareHandler<AppEnv>,
): void {
  const { store, clock } = deps;

  async function account(raw: string): Promise<Account> {
    const found = await store.findAccountById(id(raw, 'account'));
    if (!found) throw new HttpProblem('not_found', 'No such account.');
    return found;
  }

  /** The owner keeps the server reachable: it can neither lock itself out nor delete itself. */
  function notTheOwner(target: Account, what: string): void {
    if (target.role === 'owner') {
      throw new HttpProblem('owner_protected', `The owner's own account cannot be ${what}.`);
    }
  }

  admin.get('/overview', guard, async (c) => {
    const totals = await store.serverTotals();
    return c.json({
      ...totals,
      registration: await effectiveRegistration(deps.config, store),
      recentErrors: deps.recent.errors(),
      rateLimitHits: deps.recent.rateLimitHits(),
    });
  });

  admin.get('/accounts', guard, async (c) => c.json(await store.accountSummaries()));

  admin.get('/accounts/:id/devices', guard, async (c) => {
    const target = await account(c.req.param('id'));
    const devices = await store.listDevices(target.id);
    return c.json(
      devices.map((d) => ({
        id: d.id,
        name: d.name,
        platform: d.platform,
        clientId: d.clientId,
        createdAt: d.createdAt,
        lastSeenAt: d.lastSeenAt,
        revokedAt: d.revokedAt,
      })),
    );
  });

  for (const [action, disable] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    admin.post(`/accounts/:id/${action}`, guard, async (c) => {
      const target = await account(c.req.param('id'));
      if (disable) notTheOwner(target, 'disabled');
      const now = clock();
      await store.setAccountDisabled(
        target.id,
        disable ? now : null,
        auditEntry(c, now, action, target.username),
      );
      return c.body(null, 204);
    });
  }

  admin.delete('/accounts/:id', guard, async (c) => {
    const target = await account(c.req.param('id'));
    const body = await readJson(c, DeleteBody);
    if (body.confirm !== target.username) {
      throw new HttpProblem('invalid_request', 'To delete, confirm with the exact username.');
    }
    notTheOwner(target, 'deleted');
    const now = clock();
    await store.deleteAccount(
      target.id,
      now + CLOSED_TOKEN_DAYS * 86_400_000,
      auditEntry(c, now, 'delete', target.username),
    );
    return c.body(null, 204);
  });

  admin.post('/devices/:id/revoke', guard, async (c) => {
    const deviceId = id(c.req.param('id'), 'device');
    const accountId = await store.deviceAccountId(deviceId);
    const now = clock();
    if (!accountId || !(await store.revokeDevice(accountId, deviceId, now))) {
      throw new HttpProblem('not_found', 'No such live device.');
    }
    // revokeDevice has its own transaction (and live notify), so the audit row follows it.
    await store.addAudit(auditEntry(c, now, 'revoke_device', deviceId));
    return c.body(null, 204);
  });
}

/**
 * The admin page's server settings: invites (the same makeInvite/listInvites/revokeInvite as
 * /activate and the `invite` command), the registration mode, which overrides REGISTRATION from
 * the moment it is set (kept in the store, so restarts keep it), and the audit log.
 */
import type { Hono, MiddlewareHandler } from 'hono';
import * as v from 'valibot';
import { auditEntry } from '../admin/audit';
import type { AppEnv, Deps } from '../context';
import { HttpProblem } from '../errors';
import { inviteLink, makeInvite } from '../invites';
import { readJson } from '../middleware/body';
import { publicBase } from '../public-url';

const AUDIT_LIMIT = 200;
const MAX_INVITE_TTL_S = 365 * 86_400;

const NewInvite = v.strictObject({
  uses: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100))),
  expiresInS: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(60), v.maxValue(MAX_INVITE_TTL_S)),
  ),
});

const Registration = v.strictObject({ mode: v.picklist(['first-user', 'invite', 'open']) });

export function registerAdminSettings(
  admin: Hono<AppEnv>,
  deps: Deps,
  guard: MiddlewareHandler<AppEnv>,
): void {
  const { store, clock, config } = deps;

  admin.get('/invites', guard, async (c) => c.json(await store.listInvites(clock())));

  admin.post('/invites', guard, async (c) => {
    const body = await readJson(c, NewInvite);
    const now = clock();
    const session = c.get('admin');
    const { invite, token } = await makeInvite(store, {
      createdBy: session.account.id,
      maxUses: body.uses ?? 1,
      ttlS: body.expiresInS ?? config.inviteTtlS,
      now,
    });
    await store.addAudit(
      auditEntry(c, now, 'invite_create', invite.id, `${invite.maxUses} use(s)`),
    );
    const link = inviteLink(publicBase(c, config), token);
    return c.json({ id: invite.id, link, uses: invite.maxUses, expiresAt: invite.expiresAt }, 201);
  });

  admin.delete('/invites/:id', guard, async (c) => {
    const id = c.req.param('id');
    const now = clock();
    if (!/^[0-9a-f]{1,32}$/.test(id) || !(await store.revokeInvite(id, now))) {
      throw new HttpProblem('not_found', 'No such invite, or it was already revoked.');
    }
    await store.addAudit(auditEntry(c, now, 'invite_revoke', id));
    return c.body(null, 204);
  });

  admin.put('/registration', guard, async (c) => {
    const { mode } = await readJson(c, Registration);
    const now = clock();
    await store.setRegistrationSetting(mode, auditEntry(c, now, 'registration', null, mode));
    return c.body(null, 204);
  });

  admin.get('/audit', guard, async (c) => c.json(await store.listAudit(AUDIT_LIMIT)));
}

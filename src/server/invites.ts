/**
 * Making invites, shared by the owner's "Create invite link" on /activate and the
 * `invite create` command: a 256-bit token for the link (stored only as its SHA-256), a short
 * public id to list and revoke it by, and whether this server needs one to register.
 */
import { randomBytes } from 'node:crypto';
import { randomToken, sha256Hex } from './auth/secrets';
import type { Config } from './config';
import type { RegistrationMode } from './store/admin-types';
import type { Invite, Store } from './store/types';

/** The token in a link: 32 random bytes, base64url. */
export function isInviteToken(raw: string | undefined): raw is string {
  return raw !== undefined && /^[A-Za-z0-9_-]{43}$/.test(raw);
}

export function inviteLink(base: string, token: string): string {
  return `${base.replace(/\/+$/, '')}/activate?invite=${token}`;
}

/**
 * Whether creating an account now needs an invite: always with REGISTRATION=invite (the first
 * account too), never with open, and with first-user once the first account exists.
 */
export async function inviteRequired(
  config: Pick<Config, 'registration'>,
  store: Pick<Store, 'countAccounts' | 'registrationSetting'>,
): Promise<boolean> {
  switch (await effectiveRegistration(config, store)) {
    case 'open':
      return false;
    case 'invite':
      return true;
    default:
      return (await store.countAccounts()) > 0;
  }
}

/** The mode the owner set on the admin page (kept in the store), else REGISTRATION's. */
export async function effectiveRegistration(
  config: Pick<Config, 'registration'>,
  store: Pick<Store, 'registrationSetting'>,
): Promise<RegistrationMode> {
  return (await store.registrationSetting()) ?? config.registration;
}

export async function makeInvite(
  store: Pick<Store, 'createInvite'>,
  input: { createdBy: string | null; maxUses: number; ttlS: number; now: number },
): Promise<{ invite: Invite; token: string }> {
  const token = randomToken();
  const invite = await store.createInvite({
    // Hex, so an id never starts with a dash on a command line.
    id: randomBytes(5).toString('hex'),
    tokenHash: sha256Hex(token),
    createdBy: input.createdBy,
    maxUses: input.maxUses,
    expiresAt: input.now + input.ttlS * 1000,
    now: input.now,
  });
  return { invite, token };
}

const UNIT_S: Record<string, number> = { m: 60, h: 3600, d: 86_400 };

/** `30m`, `12h`, `7d` (or plain seconds) as seconds; null when it is none of those. */
export function parseDuration(raw: string): number | null {
  const match = /^(\d{1,6})([mhd]?)$/.exec(raw.trim());
  if (!match) return null;
  const seconds = Number(match[1]) * (match[2] ? (UNIT_S[match[2]] ?? 1) : 1);
  return seconds > 0 ? seconds : null;
}

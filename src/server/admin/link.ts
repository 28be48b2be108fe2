/** One-time sign-in links to the admin page, for an owner who would rather not type a password. */
import { randomToken, sha256Hex } from '../auth/secrets';
import type { Store } from '../store/types';

export const ADMIN_LINK_TTL_MS = 15 * 60_000;

/** `<base>/admin/?link=<token>`; only the token's hash is stored, and it works once. */
export async function makeAdminLink(
  store: Pick<Store, 'createAdminLink'>,
  base: string,
  now: number,
): Promise<string> {
  const token = randomToken();
  await store.createAdminLink(sha256Hex(token), now + ADMIN_LINK_TTL_MS);
  return `${base.replace(/\/+$/, '')}/admin/?link=${token}`;
}

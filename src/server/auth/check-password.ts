/**
 * The password check of every sign-in (/activate and the admin page): the account's hash, or a
 * decoy of the same cost for an unknown name so timing does not say which names exist; a hash
 * made with older parameters is brought up to today's while the password is at hand.
 */
import type { Deps } from '../context';
import type { Account } from '../store/types';

export async function checkPassword(
  deps: Pick<Deps, 'store' | 'passwords'>,
  username: string,
  password: string,
): Promise<Account | null> {
  const { store, passwords } = deps;
  const account = await store.findAccountByUsername(username);
  const valid = await passwords.verify(
    password,
    account?.passwordHash ?? (await passwords.decoyHash()),
  );
  if (!account || !valid) return null;
  if (passwords.needsRehash(account.passwordHash)) {
    await store.setPasswordHash(account.id, await passwords.hash(password));
  }
  return account;
}

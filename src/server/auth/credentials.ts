/** What a username and a new password must look like. */
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './passwords';

/** Usernames compare case-insensitively, so they are stored lower-cased. */
export function normalizeUsername(raw: string): string | null {
  const username = raw.trim().toLowerCase();
  return /^[a-z0-9._@+-]{1,64}$/.test(username) ? username : null;
}

export const USERNAME_RULE = '1 to 64 letters, digits or . _ @ + -';

/** Null when acceptable, otherwise what is wrong with it. */
export function newPasswordProblem(password: string, confirm: string | undefined): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `The password needs at least ${MIN_PASSWORD_LENGTH} characters.`;
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return `The password can have at most ${MAX_PASSWORD_LENGTH} characters.`;
  }
  if (confirm !== undefined && confirm !== password) return 'The two passwords differ.';
  return null;
}

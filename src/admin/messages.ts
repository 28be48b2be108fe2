/**
 * Human sentences for the codes the admin API answers with (src/protocol/errors.ts, plus the
 * client's own for a network failure or an ended session). The device-side sentences of
 * src/ui/error-messages.ts speak of syncing and retrying by itself, which is not what an owner
 * at this page needs; codes not listed here still fall back to them, then to the code itself.
 */
import { errorMessage } from '../ui/error-messages';

const TRY_AGAIN = 'Nothing was changed; try again.';

const MESSAGES: Record<string, string> = {
  session_expired: 'Your admin session ended (it expired, or you signed out elsewhere).',
  missing_token: 'Your admin session ended. Sign in again.',
  invalid_token: 'Your admin session ended. Sign in again.',
  token_expired: 'Your admin session ended. Sign in again.',
  invalid_credentials:
    'That did not sign you in: the username, password or sign-in link is wrong (a link works once, for 15 minutes), or the account is not the owner’s.',
  owner_protected: 'The owner’s own account cannot be disabled or deleted here.',
  forbidden:
    'The server refused this request as not coming from this page (its security token is missing or stale). Reload the page and try again.',
  invalid_request: `The server did not accept what was sent. ${TRY_AGAIN}`,
  malformed_json: `The server did not accept what was sent. ${TRY_AGAIN}`,
  not_found:
    'That no longer exists: it may have been deleted or revoked already. Reload the list to see what is there now.',
  method_not_allowed: 'This server does not offer that action. Is it running the same version?',
  precondition_failed: `The confirmation did not match. ${TRY_AGAIN}`,
  rate_limited: 'Too many attempts in a short time. Wait a minute, then try again.',
  internal_error: `The server had a problem. ${TRY_AGAIN} If it persists, check the server’s log.`,
  unavailable: `The server is unavailable for a moment (its database may be busy). ${TRY_AGAIN}`,
  network_unreachable:
    'The server could not be reached. Check your connection and that the server is running, then try again.',
  bad_response: 'The server answered with something this page could not read. Reload the page.',
  no_admin_api:
    'This server does not offer the admin API the page needs. Is the server the same Satchel version as this page?',
};

export function adminMessage(code: string, fallback?: string): string {
  return Object.hasOwn(MESSAGES, code) ? (MESSAGES[code] as string) : errorMessage(code, fallback);
}

/** What an error thrown by the client (or anything else) says, for an ErrorAlert. */
export function asShownError(error: unknown): { code: string; message: string } {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    return { code: error.code, message: error.message };
  }
  return { code: 'unexpected', message: error instanceof Error ? error.message : String(error) };
}

/**
 * Human sentences for every error code the UI can meet: the engine's codes (src/engine/errors.ts)
 * and the hosts' and pages' own (`HostErrorCode`). The map is total, so a code added without a
 * sentence fails to compile. Codes are stable; wording can change here without touching any logic.
 * Codes from elsewhere (a worker of another version) still say something useful and show the code.
 */
import type { ErrorCode } from '../host/contract';

/** The error's own message is already written for people: it is shown, with its code. */
const OWN_MESSAGE = null;
const SESSION_ENDED =
  'Your session with the sync server ended. Connect again to resume syncing; your data is still on this device.';
const RETRYING = 'Satchel will retry by itself; your edits are kept on this device meanwhile.';

const MESSAGES: Record<ErrorCode, string | typeof OWN_MESSAGE> = {
  // Server address and reaching it
  invalid_server_url:
    'That is not a valid server address. Use a full address such as https://sync.example.com.',
  insecure_server_url:
    'Use https for a server on the internet; plain http is only allowed for servers on this computer or your local network.',
  permission_denied:
    'Satchel needs your permission to reach that server. Allow access when your browser asks.',
  network_unreachable:
    'Satchel could not reach the sync server. Check the server address and your connection, then try again.',
  timeout: `The sync server took too long to answer. ${RETRYING}`,
  bad_response:
    'Something answered at that address, but not like a Satchel sync server. Check the server address.',
  response_too_large: `The sync server sent an answer far larger than Satchel allows, so it was not read. Nothing changed on this device. ${RETRYING}`,
  cursor_stuck: `The sync server kept sending the same page of changes, so Satchel stopped asking. Nothing was lost. ${RETRYING}`,
  limits_invalid:
    'That server advertises limits no Satchel server would use (such as pages of no records), so this device did not connect to it. Check the server address or contact your server admin.',
  identity_changed:
    'The sync server answered for a different account or device, so Satchel refused the answer and kept your session and data. If it persists, contact your server admin.',
  server_not_found: 'No Satchel sync server was found at that address. Check the server address.',
  offline:
    'You are offline. Your edits are kept on this device and will sync when you are back online.',
  // Sign-in (device grant)
  sign_in_denied:
    'The sign-in was declined on the sign-in page. Nothing changed on this device; you can connect again.',
  sign_in_expired:
    'The sign-in code expired before it was approved. Connect again to get a new code.',
  sign_in_in_progress: 'A sign-in is already waiting for approval.',
  no_sign_in_pending: 'There is no sign-in waiting any more. Connect again if needed.',
  already_signed_in: 'This device is already connected.',
  not_signed_in: 'Connect this device to a sync server first.',
  // Keys
  wrong_secret:
    'That recovery key or passphrase does not open this account. Check it and try again; nothing was changed.',
  locked: 'Unlock with your recovery key or passphrase first.',
  key_not_needed: 'This device is already unlocked.',
  key_changed:
    'Another device changed this account’s key. Unlock again with your recovery key to continue.',
  key_missing: 'This account has no encryption key yet. Set it up from this device to continue.',
  key_document_invalid:
    'The account’s key information on the server is damaged. Nothing was changed here; contact your server admin.',
  key_unverified: `The server says this account’s key changed, but sent nothing this device can verify (a damaged or forged key document, or a refusal without one). This device kept its key and data. If you did rotate the key on another device, check it there; otherwise contact your server admin. ${RETRYING}`,
  key_rollback:
    'The server sent an older or different set of account keys than this device has already seen, so they were refused. Nothing changed on this device. Either the server was restored from a backup, or someone is trying to trick this device.',
  key_document_conflict:
    'Another device set up the account key at the same moment. Unlock with its recovery key instead.',
  invalid_recovery_key:
    'That does not look like a Satchel recovery key. Check for typos (it is groups of letters and digits); nothing was changed.',
  weak_passphrase: 'Choose a passphrase of at least 12 characters.',
  guessable_passphrase:
    'That passphrase is easy to guess (a common password, a repeat or a pattern). Use a few unrelated words instead.',
  rotation_in_progress:
    'A key rotation is already under way. Wait for it to finish; it carries on by itself.',
  recovery_key_lost:
    'A key rotation was interrupted before its new recovery key could be shown. Make a new recovery key in Security now, or you may lose access on new devices.',
  // Approving a new device from one already in use
  pairing_denied:
    'The other device said no (it denied or cancelled the request). Nothing changed here; start again if you meant to approve it.',
  pairing_expired:
    'The request expired before it was approved. Start again, and approve it on the other device within a few minutes.',
  pairing_code_mismatch:
    'That is not the code the new device shows, so the key was not handed over. Check the six digits on the new device and type them again; if they never match, someone may be interfering, so use your recovery key instead.',
  pairing_code_attempts:
    'Three wrong codes were typed, so the pairing was ended and the key was not handed over. Start again on the new device; if the codes never match, someone may be interfering, so use your recovery key instead.',
  pairing_failed:
    'The key could not be handed over safely (the answer was damaged or already used), so nothing was accepted. Start again.',
  unsupported_curve:
    'This browser cannot do the secure key exchange the other device asked for. Update it, or unlock with your recovery key.',
  pairing_state: 'That request was already answered or cancelled. Refresh the list and try again.',
  pairing_in_progress: 'A device approval is already under way. Finish or cancel it first.',
  no_pairing: 'That request is no longer waiting; it was answered, cancelled or expired.',
  // Session
  device_revoked:
    'This device was disconnected from your account from another device. Your data is still here; connect again to resume syncing.',
  session_expired: SESSION_ENDED,
  session_lapsed:
    'Your session on this server expired after going unused too long (90 days by default) or reaching its maximum age. Sign in again: your data, key and unsent edits are still on this device.',
  cannot_revoke_self:
    'This is the device you are using. To sign it out, use Disconnect in the popup (your data stays here).',
  nothing_to_revoke: 'Choose at least one device to remove.',
  no_replaced_edit: 'That replaced edit was already restored or dismissed.',
  replaced_edit_changed:
    'Another of your edits to this record was replaced since this notice was shown. Read the notice again, then choose.',
  forbidden: 'The sync server refused this request for your account.',
  account_disabled:
    'The owner of this sync server has disabled your account, so nothing syncs for now. Everything stays on this device, and syncing picks up by itself if the account is enabled again.',
  account_deleted:
    'The owner of this sync server deleted your account and what it stored. Everything is still on this device: connect to a server to sync it again.',
  // Server state
  rate_limited: `The sync server asked Satchel to slow down. ${RETRYING}`,
  server_unavailable: `The sync server is temporarily unavailable. ${RETRYING}`,
  server_error: `The sync server had a problem. ${RETRYING}`,
  unexpected_status: `The sync server answered unexpectedly. ${RETRYING}`,
  ack_invalid: `The sync server confirmed an edit in a way that cannot be true. Your edit is kept and will be sent again. ${RETRYING}`,
  records_withheld:
    'The sync server is holding back changes your other devices made. Nothing here was deleted; Satchel keeps asking for them.',
  request_rejected: 'The sync server rejected a request from this device. Please report this.',
  cursor_invalid:
    'This device’s sync position was not accepted; Satchel will resync from the start.',
  cursor_expired:
    'This device was away a long time; Satchel is doing a full resync. Your edits are kept.',
  record_too_large: 'One record is too large for the server. Shorten its notes or parameters.',
  batch_too_large: `Too many changes for one request. ${RETRYING}`,
  // Records and decisions
  validation_failed: 'Some fields need attention.',
  invalid_json: 'This must be JSON, such as {"temperature": 0.2}.',
  unknown_collection: 'That kind of item does not exist.',
  record_exists: 'An item with that id already exists. Edit it instead of creating a new one.',
  record_not_found: 'That item no longer exists; it may have been deleted on another device.',
  conflict_not_found: 'That conflict was already resolved.',
  revision_not_found: 'That earlier version is no longer kept.',
  invalid_resolution: 'That choice does not fit this conflict. Pick a side for every field.',
  invalid_settings: 'That setting is not valid.',
  decision_required: 'Sync is paused until you answer the question in the Satchel popup.',
  no_decision_pending: 'That question was already answered.',
  record_tampered:
    'A record from the server failed its integrity check. It was set aside; your other data is fine.',
  record_unknown_epoch:
    'This item is sealed under a newer account key than this device has verified, so it is held aside until the server shows that key’s document. It is retried by itself.',
  record_retired_epoch:
    'A record from the server is sealed under an account key that was replaced and retired, so it was refused: only the current key can write. Your other data is fine.',
  record_wrong_key:
    'A record from the server is encrypted with a different key. It was set aside; your other data is fine.',
  record_envelope_invalid:
    'A record from the server is damaged. It was set aside; your other data is fine.',
  record_unsupported_version:
    'A record was written by a newer Satchel. Update Satchel to read it; it was set aside meanwhile.',
  record_invalid_data: 'A record from the server holds invalid data. It was set aside.',
  record_replayed:
    'The server sent an old version of a record as if it were new. It was refused; your data is unchanged.',
  // The device lock
  device_locked:
    'This device is locked. Unlock it with your passphrase or PIN; your data and edits are kept.',
  wrong_unlock_secret:
    'That passphrase or PIN does not unlock this device. Check it and try again; nothing was changed.',
  unlock_throttled:
    'Too many wrong tries. Wait a moment before trying again; nothing was changed and each wait is short at first.',
  lock_not_set: 'This device has no lock. Set a passphrase or PIN for it in the options first.',
  weak_pin: 'A PIN for this device needs at least 6 digits.',
  prf_not_set:
    'This device has no passkey set up to unlock it. Unlock it with its passphrase or PIN.',
  vault_damaged:
    'This device’s locked keys could not be opened: the browser’s storage was altered or damaged. Your synced data is safe on the server; sign out and connect this device again.',
  stored_row_damaged:
    'A setting stored on this device could not be opened: the browser’s storage was altered or damaged. Nothing was changed; your synced copy is safe on the server.',
  // Live sync
  live_message_refused:
    'The sync server sent a live update Satchel could not accept, so it was ignored. Your data is unchanged, and syncs go on as usual.',
  live_fallback:
    'Live sync is unavailable right now (the server’s live connection keeps failing), so this device syncs on its timer instead. Satchel keeps trying to reconnect.',
  // Local and host
  storage_failed:
    'Satchel could not write to this browser’s storage (it may be full). Free some space and try again.',
  internal_error: 'Satchel hit an unexpected problem. Please report it with the code below.',
  engine_unavailable:
    'Satchel could not start its local database. Restart the browser; if it persists, reinstall Satchel (your synced data is safe on the server).',
  engine_closed: 'Satchel is restarting. Please try again.',
  worker_restarted: 'Satchel restarted in the background. Please try again.',
  unknown_command: 'This page and the background service disagree. Reload the page and try again.',
  invalid_backup: 'That file is not a Satchel backup, or it is damaged.',
  service_worker_unavailable: OWN_MESSAGE,
  service_worker_failed: OWN_MESSAGE,
  unexpected: OWN_MESSAGE,
};

/**
 * Codes whose messages the engine writes for people (which character of a recovery key is wrong,
 * say): shown under the sentence because they tell the person exactly what to fix.
 */
// The guessable-passphrase message says why (a repeat, a common password) and holds no secret.
const HELPFUL_DETAIL = new Set(['invalid_recovery_key', 'guessable_passphrase']);

export function errorDetail(code: string, message: string): string | null {
  return HELPFUL_DETAIL.has(code) && message ? message : null;
}

export function errorMessage(code: string, fallback?: string): string {
  const sentence = Object.hasOwn(MESSAGES, code) ? MESSAGES[code as ErrorCode] : null;
  return sentence ?? `${fallback ?? 'Something went wrong.'} (${code})`;
}

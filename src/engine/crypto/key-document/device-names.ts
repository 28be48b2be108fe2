/**
 * Device names in the key document. Each device recipient entry may carry the device's name
 * (`deviceName`), covered by the mac like every other field: the server, which relabels devices
 * in its own device list at will, cannot change it without K_auth. Who writes a name:
 *
 * - the device itself, when it adds its own recipient entry (the name it signed in with);
 * - a device holding the master, when the person renames a device there;
 * - a rotation, which carries every kept device's name into the new epoch.
 *
 * Documents written before names existed have entries without one; they still open, and the
 * callers fall back to the server's name, marked as unverified.
 */
import { assertAccountId, assertKeyBytes, type Bytes } from '../bytes';
import { CryptoError } from '../errors';
import { deviceRecipient, openWithMaster, resignKeyDocument } from './build-open';
import {
  decodeKeyDocument,
  encodeKeyDocument,
  isDeviceName,
  MAX_DEVICE_ID_LENGTH,
  MAX_DEVICE_NAME_LENGTH,
} from './format';
import { type IterationOptions, kdfFloors } from './index';

export function assertDeviceId(deviceId: unknown): asserts deviceId is string {
  if (
    typeof deviceId !== 'string' ||
    deviceId.length === 0 ||
    deviceId.length > MAX_DEVICE_ID_LENGTH
  ) {
    throw new CryptoError(
      'invalid_argument',
      `deviceId must be a string of 1 to ${MAX_DEVICE_ID_LENGTH} characters`,
    );
  }
}

/** Undefined stays undefined (no name to write); anything else must be a valid device name. */
export function assertDeviceName(deviceName: unknown): asserts deviceName is string | undefined {
  if (deviceName !== undefined && !isDeviceName(deviceName)) {
    throw new CryptoError(
      'invalid_argument',
      `deviceName must be 1 to ${MAX_DEVICE_NAME_LENGTH} trimmed characters without control characters`,
    );
  }
}

export interface NameDeviceRecipientInput extends IterationOptions {
  accountId: string;
  master: Bytes;
  deviceId: string;
  deviceName: string;
}

/**
 * Sets the name of an existing device entry and re-MACs; everything else stays byte for byte.
 * `not_a_recipient` when the document has no entry for the device.
 */
export async function nameDeviceRecipient(
  document: string,
  input: NameDeviceRecipientInput,
): Promise<string> {
  const { master, accountId, deviceId, deviceName } = input;
  assertKeyBytes(master, 'master key');
  assertAccountId(accountId);
  assertDeviceId(deviceId);
  if (deviceName === undefined) throw new CryptoError('invalid_argument', 'deviceName is missing');
  assertDeviceName(deviceName);
  const doc = decodeKeyDocument(document, kdfFloors(input));
  const { authKey } = await openWithMaster(doc, accountId, master, 'wrong_key');
  const name = deviceRecipient(deviceId);
  const entry = Object.hasOwn(doc.recipients, name) ? doc.recipients[name] : undefined;
  if (!entry) throw new CryptoError('not_a_recipient', `device ${deviceId} has no entry to name`);
  const recipients = { ...doc.recipients, [name]: { ...entry, deviceName } };
  return encodeKeyDocument(await resignKeyDocument(authKey, accountId, doc, { recipients }));
}

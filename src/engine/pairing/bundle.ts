/**
 * What an existing device hands a new one inside the sealed pairing bundle: every key epoch it
 * holds (so records not yet resealed after a rotation still open) and the token root.
 */
import * as v from 'valibot';
import { fromBase64url, toBase64url } from '../../protocol/base64url';
import { fromUtf8, utf8 } from '../crypto/bytes';
import type { KeysMeta } from '../db/schema';
import { PairingError } from '../errors';

const Key = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/));

const BundleJson = v.strictObject({
  v: v.literal(1),
  accountId: v.pipe(v.string(), v.minLength(1)),
  tokenRoot: Key,
  authKey: v.optional(Key),
  epochs: v.pipe(
    v.array(
      v.strictObject({
        epoch: v.pipe(v.number(), v.integer(), v.minValue(1)),
        fingerprint: v.pipe(v.string(), v.minLength(16), v.maxLength(128)),
        master: Key,
      }),
    ),
    v.minLength(1),
    v.maxLength(1000),
  ),
});

export function encodeBundle(keys: KeysMeta): Uint8Array {
  const epochs = [
    { epoch: keys.epoch, fingerprint: keys.fingerprint, master: keys.master },
    ...(keys.previous ?? []),
  ];
  return utf8(
    JSON.stringify({
      v: 1,
      accountId: keys.accountId,
      tokenRoot: toBase64url(keys.tokenRoot),
      ...(keys.authKey ? { authKey: toBase64url(keys.authKey) } : {}),
      epochs: epochs.map((e) => ({
        epoch: e.epoch,
        fingerprint: e.fingerprint,
        master: toBase64url(e.master),
      })),
    }),
  );
}

function key(text: string): Uint8Array {
  const bytes = fromBase64url(text);
  if (bytes?.length !== 32) {
    throw new PairingError('pairing_failed', 'The other device sent a damaged key bundle');
  }
  return bytes;
}

export function decodeBundle(bytes: Uint8Array, accountId: string): KeysMeta {
  let json: unknown;
  try {
    json = JSON.parse(fromUtf8(bytes));
  } catch (error) {
    throw new PairingError('pairing_failed', 'The other device sent a damaged key bundle', error);
  }
  const parsed = v.safeParse(BundleJson, json);
  if (!parsed.success || parsed.output.accountId !== accountId) {
    throw new PairingError(
      'pairing_failed',
      'The other device sent a key bundle for another account',
    );
  }
  const [current, ...previous] = parsed.output.epochs.sort((a, b) => b.epoch - a.epoch);
  if (!current) throw new PairingError('pairing_failed', 'The key bundle holds no key');
  return {
    accountId,
    master: key(current.master),
    tokenRoot: key(parsed.output.tokenRoot),
    ...(parsed.output.authKey ? { authKey: key(parsed.output.authKey) } : {}),
    epoch: current.epoch,
    fingerprint: current.fingerprint,
    previous: previous.map((e) => ({
      epoch: e.epoch,
      fingerprint: e.fingerprint,
      master: key(e.master),
    })),
  };
}

/** Shared by the key document tests: read and tamper with a document's JSON. */
import { fromBase64url, toBase64url } from '../../../protocol/base64url';
import {
  type CreateKeyDocumentInput,
  createKeyDocument,
  generateMasterKey,
  generateRecoveryKey,
} from '../index';

export const ACCOUNT = 'acct-42';
export const PASSPHRASE = 'correct horse battery staple';
/** Explicitly lowered PBKDF2 cost for speed; one test exercises the real default. */
export const FAST = { unsafeTestIterations: 1000 } as const;

// biome-ignore lint/suspicious/noExplicitAny: tests reach into the JSON to tamper with any field
export type Json = Record<string, any>;

export function decode(document: string): Json {
  return JSON.parse(new TextDecoder().decode(fromBase64url(document) as Uint8Array));
}

export function encode(json: unknown): string {
  return toBase64url(new TextEncoder().encode(JSON.stringify(json)));
}

export function edit(document: string, change: (json: Json) => void): string {
  const json = decode(document);
  change(json);
  return encode(json);
}

export function flipFirstByte(text: string): string {
  const bytes = fromBase64url(text) as Uint8Array;
  bytes[0] = (bytes[0] as number) ^ 1;
  return toBase64url(bytes);
}

/** Key-derivation cost options for a test: lowered PBKDF2, lowered Argon2id, or none (defaults). */
type Cost = Pick<CreateKeyDocumentInput, 'unsafeTestIterations' | 'unsafeTestArgon2'>;

/** An epoch-1 document of ACCOUNT wrapping `master` under `recoveryKey` and a passphrase. */
export function passphraseDocument(
  master: Uint8Array,
  recoveryKey: string,
  cost: Cost,
  passphrase = PASSPHRASE,
): Promise<{ document: string; fingerprint: string }> {
  return createKeyDocument({
    master,
    accountId: ACCOUNT,
    epoch: 1,
    recoveryKey,
    passphrase,
    ...cost,
  });
}

/** The suites' shared fixture: a fresh master and recovery key, and their passphrase document. */
export async function freshDocument(cost: Cost) {
  const master = generateMasterKey();
  const recoveryKey = generateRecoveryKey();
  return { master, recoveryKey, ...(await passphraseDocument(master, recoveryKey, cost)) };
}

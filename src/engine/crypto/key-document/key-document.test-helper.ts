/** Shared by the key document tests: read and tamper with a document's JSON. */
import { fromBase64url, toBase64url } from '../base64url';

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

/**
 * base64url without padding (RFC 4648 §5), with nothing Node- or browser-specific so it runs in
 * browsers, service workers and Node alike. Decoding is strict and canonical: one byte string has exactly one
 * accepted text form, so an altered character can never decode to the same bytes.
 */
export function toBase64url(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < DIGITS.length; i++) VALUE[DIGITS.charCodeAt(i)] = i;

/** A digit's value; -1 for anything outside the alphabet. */
function digit(text: string, at: number): number {
  const code = text.charCodeAt(at);
  return code < 128 ? (VALUE[code] as number) : -1;
}

/**
 * Returns null for anything that is not canonical unpadded base64url. Decoded by table rather
 * than through atob: every record payload passes here, and a first pull opens thousands.
 */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (typeof text !== 'string') return null;
  const length = text.length;
  const tail = length % 4;
  if (tail === 1) return null;
  const bytes = new Uint8Array((length * 3) >> 2);
  let out = 0;
  const whole = length - tail;
  for (let i = 0; i < whole; i += 4) {
    const a = digit(text, i);
    const b = digit(text, i + 1);
    const c = digit(text, i + 2);
    const d = digit(text, i + 3);
    if ((a | b | c | d) < 0) return null;
    const bits = (a << 18) | (b << 12) | (c << 6) | d;
    bytes[out++] = bits >> 16;
    bytes[out++] = (bits >> 8) & 0xff;
    bytes[out++] = bits & 0xff;
  }
  // Unused low bits in the last character must be zero; otherwise two texts map to one value.
  if (tail === 2) {
    const a = digit(text, whole);
    const b = digit(text, whole + 1);
    if ((a | b) < 0 || (b & 0x0f) !== 0) return null;
    bytes[out] = (a << 2) | (b >> 4);
  } else if (tail === 3) {
    const a = digit(text, whole);
    const b = digit(text, whole + 1);
    const c = digit(text, whole + 2);
    if ((a | b | c) < 0 || (c & 0x03) !== 0) return null;
    const bits = (a << 10) | (b << 4) | (c >> 2);
    bytes[out++] = bits >> 8;
    bytes[out] = bits & 0xff;
  }
  return bytes;
}

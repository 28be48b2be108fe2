/**
 * Reads a response body chunk by chunk and stops at a byte cap, so a hostile or broken server
 * cannot make the engine hold an unbounded body. The count is of the bytes the stream yields,
 * which fetch has already decoded: a gzip bomb is stopped by the same cap as a plain huge body.
 */
import { NetworkError } from '../errors';

function tooLarge(cap: number, what: string): NetworkError {
  return new NetworkError(
    'response_too_large',
    `The server's answer to ${what} is larger than ${cap} bytes, more than the protocol allows`,
  );
}

/** The body as text; `response_too_large` once it passes `cap` bytes (the rest is never read). */
export async function readBounded(response: Response, cap: number, what: string): Promise<string> {
  const declared = response.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > cap) {
    await cancelQuietly(response.body);
    throw tooLarge(cap, what);
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > cap) {
      // Cancelling tells fetch to stop downloading and inflating: nothing more is buffered.
      await reader.cancel().catch(() => undefined);
      throw tooLarge(cap, what);
    }
    chunks.push(value);
  }
  return decode(chunks, total);
}

function decode(chunks: Uint8Array[], total: number): string {
  if (chunks.length === 1) return new TextDecoder().decode(chunks[0]);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(joined);
}

async function cancelQuietly(body: ReadableStream<Uint8Array> | null): Promise<void> {
  await body?.cancel().catch(() => undefined);
}

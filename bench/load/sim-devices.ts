/**
 * Simulated devices for the load and soak benchmarks: signed in through the real device grant,
 * each account given a key document, then each device pushes one ~1 KiB sealed-looking record
 * (compare-and-set on its own rev) and pulls the feed from its cursor.
 */
import { randomBytes } from 'node:crypto';
import type { BatchResponse, ChangesResponse, TokenResponse } from '../../src/protocol';
import { signInDevice } from '../../src/server/testing';

export const PAYLOAD_BYTES = 1024;

const b64url = (bytes: Buffer) => bytes.toString('base64url');

export interface SimDevice {
  url: string;
  token: string;
  fingerprint: string;
  recordId: string;
  rev: number | null;
  cursor: string;
}

export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>) {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        out[index] = await fn(items[index] as T);
      }
    }),
  );
  return out;
}

export async function expectOk(response: Response, what: string): Promise<Response> {
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${await response.text()}`);
  return response;
}

/**
 * Signs in `devices` devices spread over the servers (accounts of `perAccount` devices) and
 * gives each account a key document.
 */
export async function setUpDevices(
  urls: string[],
  devices: number,
  perAccount: number,
): Promise<SimDevice[]> {
  const run = randomBytes(4).toString('hex');
  const accounts = Math.ceil(devices / perAccount);
  const password = 'load benchmark password';
  const plan = Array.from({ length: devices }, (_, i) => ({
    index: i,
    account: i % accounts,
    url: urls[i % urls.length] as string,
  }));
  const sign = (p: (typeof plan)[number]) =>
    signInDevice(p.url, {
      username: `load-${run}-${p.account}`,
      password,
      deviceName: `bench device ${p.index}`,
      platform: 'bench',
    });
  // The first device of each account registers it; the rest join once it exists.
  const firsts = plan.slice(0, accounts);
  const rest = plan.slice(accounts);
  const tokens: TokenResponse[] = [
    ...(await mapLimit(firsts, 20, sign)),
    ...(await mapLimit(rest, 20, sign)),
  ];
  const fingerprints = new Map<number, string>();
  await mapLimit(firsts, 20, async (p) => {
    const fingerprint = b64url(randomBytes(24));
    fingerprints.set(p.account, fingerprint);
    await expectOk(
      await fetch(`${p.url}/v1/keys`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${tokens[p.index]?.access_token}`,
          'content-type': 'application/json',
          'if-none-match': '*',
        },
        body: JSON.stringify({
          key_document: b64url(randomBytes(600)),
          key_fingerprint: fingerprint,
          epoch: 1,
        }),
      }),
      'PUT /v1/keys',
    );
  });
  return plan.map((p) => ({
    url: p.url,
    token: tokens[p.index]?.access_token as string,
    fingerprint: fingerprints.get(p.account) as string,
    recordId: `rec-${p.index}`,
    rev: null,
    cursor: '0',
  }));
}

export async function push(device: SimDevice, collection: string): Promise<void> {
  const response = await fetch(`${device.url}/v1/batch`, {
    method: 'POST',
    headers: { authorization: `Bearer ${device.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      key_fingerprint: device.fingerprint,
      ops: [
        {
          collection,
          id: device.recordId,
          base_rev: device.rev,
          deleted: false,
          payload: b64url(randomBytes(PAYLOAD_BYTES)),
          op_id: b64url(randomBytes(12)),
        },
      ],
    }),
  });
  await expectOk(response, 'POST /v1/batch');
  const body = (await response.json()) as BatchResponse;
  const result = body.results[0];
  if (result?.status === 'conflict') {
    // Out of step (a push whose answer was lost): go on from the server's rev, as a client does.
    device.rev = result.current?.rev ?? null;
    throw new Error(`push conflicted at rev ${device.rev}`);
  }
  if (result?.status !== 'ok') throw new Error(`push: no result in ${JSON.stringify(body)}`);
  device.rev = result.rev;
}

export async function pull(device: SimDevice): Promise<void> {
  const response = await fetch(`${device.url}/v1/changes?since=${device.cursor}&limit=200`, {
    headers: { authorization: `Bearer ${device.token}` },
  });
  await expectOk(response, 'GET /v1/changes');
  const body = (await response.json()) as ChangesResponse;
  device.cursor = body.cursor;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

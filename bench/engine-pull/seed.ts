/**
 * Seeds an account on the real server with encrypted ~1 KiB profile records, pushed through the
 * real batch API exactly as an engine would send them (same sealing, collection tokens, clocks).
 * The account and its key come from a real engine signed in from Node (on fake-indexeddb): the
 * seeder only skips the engine's per-record bookkeeping, which is not what is measured.
 */
import { formatHlc } from '../../src/engine/clock/hlc';
import { readMeta } from '../../src/engine/db/meta';
import { openEngineDatabase } from '../../src/engine/db/open';
import type { KeysMeta, SessionMeta } from '../../src/engine/db/schema';
import { randomId } from '../../src/engine/ids';
import { RecordCipher, type SealedState } from '../../src/engine/sync/cipher';
import {
  type Credentials,
  connect,
  newDevice,
  type TestDevice,
} from '../../src/engine/testing/devices';
import { newPerson } from '../../src/engine/testing/test-backend';
import type { BatchOp, BatchResponse } from '../../src/protocol';
import { approveDeviceCode } from '../../src/server/testing';

export interface SeededAccount {
  person: Credentials;
  recoveryKey: string;
  keys: KeysMeta;
  ids: string[];
  /** The seeder's session (the bench server's access tokens outlive the bench). */
  session(): Promise<SessionMeta>;
  /** Changes one record (a new notes text) as another device would. */
  change(id: string, rev: number): Promise<void>;
}

const WORDS = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima'.split(' ');

function filler(length: number, seed: number): string {
  let text = '';
  for (let i = seed; text.length < length; i += 7) text += `${WORDS[i % WORDS.length]} `;
  return text.slice(0, length);
}

/** About 1 KiB once sealed (JSON, AES-GCM and base64url). */
function profile(i: number, notes = filler(560, i)) {
  return {
    name: `Profile ${i}`,
    provider: 'openai',
    model: 'gpt-4o-mini',
    apiKey: `sk-${randomId(24)}`,
    baseUrl: 'https://api.example.com/v1',
    notes,
  };
}

async function readSeederMeta(device: TestDevice) {
  const db = await openEngineDatabase(device.factory, device.dbName);
  try {
    const keys = await readMeta(db, 'keys');
    const session = await readMeta(db, 'session');
    if (!keys || !session) throw new Error('the seeder has no keys or session');
    return { keys, session };
  } finally {
    db.close();
  }
}

export async function seedAccount(serverUrl: string, count: number): Promise<SeededAccount> {
  const person = newPerson();
  const seeder = await newDevice('seeder');
  const backend = {
    url: serverUrl,
    approve: (userCode: string) => approveDeviceCode(serverUrl, userCode, person),
  };
  const recoveryKey = await connect(seeder, backend, person);
  if (!recoveryKey) throw new Error('the seeder did not create the account key');
  const { keys } = await readSeederMeta(seeder);
  const cipher = await RecordCipher.create(keys);
  const token = cipher.tokenOf('profiles');
  let counter = 0;
  const seal = async (id: string, data: ReturnType<typeof profile>, baseRev: number | null) => {
    const hlc = formatHlc({ wall: Date.now(), counter: counter++ % 1_000_000, device: 'seeder' });
    const state: SealedState = {
      data,
      hlc,
      device: 'seeder',
      clocks: Object.fromEntries(Object.keys(data).map((field) => [field, hlc])),
    };
    const op: BatchOp = {
      collection: token,
      id,
      base_rev: baseRev,
      deleted: false,
      payload: await cipher.seal('profiles', id, state),
      op_id: randomId(),
    };
    return op;
  };
  const push = async (ops: BatchOp[]) => {
    const { session } = await readSeederMeta(seeder);
    const response = await fetch(`${serverUrl}/v1/batch`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${session.accessToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ key_fingerprint: cipher.fingerprint, ops }),
    });
    if (response.status !== 200)
      throw new Error(`POST /v1/batch answered ${response.status}: ${await response.text()}`);
    const body = (await response.json()) as BatchResponse;
    const refused = body.results.filter((result) => result.status !== 'ok');
    if (refused.length > 0) throw new Error(`${refused.length} seeded ops were refused`);
  };

  const ids = Array.from({ length: count }, () => randomId());
  const BATCH = 100;
  const IN_FLIGHT = 3;
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const start = next;
      next += BATCH;
      const slice = ids.slice(start, start + BATCH);
      await push(await Promise.all(slice.map((id, i) => seal(id, profile(start + i), null))));
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));

  return {
    person,
    recoveryKey,
    keys,
    ids,
    session: async () => (await readSeederMeta(seeder)).session,
    change: async (id, rev) => {
      const index = ids.indexOf(id);
      await push([await seal(id, profile(index, filler(560, index + rev)), rev)]);
    },
  };
}

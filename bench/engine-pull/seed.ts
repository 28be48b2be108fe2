/**
 * Seeds an account on the real server with encrypted ~1 KiB profile records, pushed through the
 * real batch API exactly as an engine would send them (same sealing, collection tokens, clocks).
 * The account and its key come from a real engine signed in from Node (on fake-indexeddb): the
 * seeder only skips the engine's per-record bookkeeping, which is not what is measured.
 */

import {
  createSeedCipher,
  type KeysMeta,
  randomId,
  readAccount,
  type SessionMeta,
} from '../../src/engine/testing/seed';
import type { BatchOp, BatchResponse } from '../../src/protocol';
import { approveDeviceCode } from '../../src/server/testing';
import { type Credentials, connect, newDevice } from '../../test/rig/devices';
import { newPerson } from '../../test/rig/test-backend';

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

export async function seedAccount(serverUrl: string, count: number): Promise<SeededAccount> {
  const person = newPerson();
  const seeder = await newDevice('seeder');
  const backend = {
    url: serverUrl,
    approve: (userCode: string) => approveDeviceCode(serverUrl, userCode, person),
  };
  const recoveryKey = await connect(seeder, backend, person);
  if (!recoveryKey) throw new Error('the seeder did not create the account key');
  const account = () => readAccount(seeder.factory, seeder.dbName);
  const { keys } = await account();
  const cipher = await createSeedCipher(keys, 'seeder');
  const seal = (id: string, data: ReturnType<typeof profile>, baseRev: number | null) =>
    cipher.put('profiles', id, data, baseRev);
  const push = async (ops: BatchOp[]) => {
    const { session } = await account();
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
    session: async () => (await account()).session,
    change: async (id, rev) => {
      const index = ids.indexOf(id);
      await push([await seal(id, profile(index, filler(560, index + rev)), rev)]);
    },
  };
}

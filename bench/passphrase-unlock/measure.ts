/**
 * One run of the passphrase-unlock measurement, the same code in Node and in the page: the time
 * to unlock a key document with its passphrase under Argon2id at the production parameters,
 * against a PBKDF2-SHA256 600,000-iteration wrap (what documents carried before) in the same run.
 */
import {
  ARGON2_DEFAULTS,
  createKeyDocument,
  generateMasterKey,
  generateRecoveryKey,
  PBKDF2_MIN_ITERATIONS,
  unlockKeyDocument,
} from '../../src/engine/crypto';

export interface UnlockFigures {
  argon2idMs: number[];
  pbkdf2Ms: number[];
  params: string;
}

const ACCOUNT = 'acct-bench';
const PASSPHRASE = 'correct horse battery staple';

async function timeUnlock(document: string, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await unlockKeyDocument(document, ACCOUNT, { passphrase: PASSPHRASE });
    times.push(performance.now() - started);
  }
  return times;
}

export async function measureUnlock(runs: number): Promise<UnlockFigures> {
  const base = {
    master: generateMasterKey(),
    accountId: ACCOUNT,
    epoch: 1,
    recoveryKey: generateRecoveryKey(),
    passphrase: PASSPHRASE,
  };
  const argon2 = await createKeyDocument(base);
  // The baseline writes the older PBKDF2 format through the test option, at the real floor.
  const pbkdf2 = await createKeyDocument({ ...base, unsafeTestIterations: PBKDF2_MIN_ITERATIONS });
  // Interleave so load from other processes on the machine falls on both alike.
  const argon2idMs: number[] = [];
  const pbkdf2Ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    argon2idMs.push(...(await timeUnlock(argon2.document, 1)));
    pbkdf2Ms.push(...(await timeUnlock(pbkdf2.document, 1)));
  }
  const { memoryKiB, iterations, parallelism } = ARGON2_DEFAULTS;
  return {
    argon2idMs,
    pbkdf2Ms,
    params: `Argon2id m=${memoryKiB / 1024} MiB t=${iterations} p=${parallelism}`,
  };
}

/**
 * Revoke-and-rotate cost: removing a device and re-keying an account of N records, a share of
 * them tombstones (every one is resealed, so the old epoch holds nothing), on the rotating device
 * against the real server (PGlite in memory) with the engine on fake-indexeddb in Node.
 *
 *   npx tsx bench/revoke-rotate.ts [--records 10000] [--tombstones 2000]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { newPerson, startBackend } from '../test/rig/backend';
import { connect, newDevice, syncQuiet } from '../test/rig/devices';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '10000' },
    tombstones: { type: 'string', default: '2000' },
  },
});
const n = Number(args.records);
const tombstones = Math.min(n, Number(args.tombstones));

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
}

const backend = await startBackend();
const person = newPerson();
const laptop = await newDevice('laptop');
const tablet = await newDevice('tablet');
const recoveryKey = (await connect(laptop, backend, person)) as string;
await connect(tablet, backend, person, recoveryKey);
const ids: string[] = [];
for (let i = 0; i < n; i++) {
  const created = await laptop.engine.create('profiles', {
    name: `Profile ${i}`,
    provider: 'openai',
    model: 'gpt-4o',
    apiKey: `sk-${i}`,
  });
  ids.push(created.id);
}
await syncQuiet(laptop, 80);
for (const id of ids.slice(0, tombstones)) await laptop.engine.delete('profiles', id);
// The bulk-delete guard asks before deleting this many: answer as the person would.
if ((await laptop.engine.syncNow()).result === 'paused')
  await laptop.engine.answerBulkDelete('delete');
await syncQuiet(laptop, 80);
const tabletId = tablet.engine.getStatus().account?.deviceId;
if (!tabletId) throw new Error('the tablet is not signed in');

const started = performance.now();
await laptop.engine.revokeAndRotate([tabletId], { newRecoveryKey: true });
await syncQuiet(laptop, 80);
await until(() => laptop.engine.getStatus().rotation === null);
const took = performance.now() - started;
const records = await backend.records({
  accountId: laptop.engine.getStatus().account?.accountId ?? '',
  deviceId: laptop.engine.getStatus().account?.deviceId ?? '',
});
const fingerprint = laptop.engine.getStatus().account?.fingerprint;
const stale = [...records.values()].filter((r) => r.key_fingerprint !== fingerprint).length;
const deleted = [...records.values()].filter((r) => r.deleted).length;
console.log('records | tombstones | revoke-and-rotate | per record | left under old epoch');
console.log(
  `${records.size} | ${deleted} | ${took.toFixed(0)} ms | ${(took / records.size).toFixed(2)} ms | ${stale}`,
);
await laptop.engine.close();
await tablet.engine.close();
await backend.close();

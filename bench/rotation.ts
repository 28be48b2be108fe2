/**
 * Key rotation cost: how long re-keying an account of N records takes on the device that rotates
 * (publish the new key document, re-upload every record under the new epoch), against the
 * baseline of uploading the same N records the first time, measured in the same run against the
 * same real server (PGlite in memory) with the engine on fake-indexeddb in Node. Also how long
 * another device takes to pick the new epoch up (its next sync after the rotation).
 *
 *   npx tsx bench/rotation.ts [--records 1000,5000]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { newPerson, startBackend } from '../test/rig/backend';
import { connect, newDevice, syncQuiet } from '../test/rig/devices';

const { values: args } = parseArgs({
  options: { records: { type: 'string', default: '1000,5000' } },
});
const sizes = (args.records ?? '1000').split(',').map(Number);

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
}

const backend = await startBackend();
console.log('records | first upload | rotation | ratio | other device picks up');
for (const n of sizes) {
  const person = newPerson();
  const laptop = await newDevice('laptop');
  const phone = await newDevice('phone');
  const recoveryKey = (await connect(laptop, backend, person)) as string;
  await connect(phone, backend, person, recoveryKey);
  for (let i = 0; i < n; i++) {
    await laptop.engine.create('profiles', {
      name: `Profile ${i}`,
      provider: 'openai',
      model: 'gpt-4o',
      apiKey: `sk-${i}`,
    });
  }
  let started = performance.now();
  await syncQuiet(laptop, 50);
  const upload = performance.now() - started;
  await syncQuiet(phone);

  started = performance.now();
  await laptop.engine.rotateAccountKey();
  await syncQuiet(laptop, 50);
  await until(() => laptop.engine.getStatus().rotation === null);
  const rotation = performance.now() - started;

  const before = phone.engine.getStatus().account?.fingerprint;
  started = performance.now();
  await syncQuiet(phone);
  const pickUp = performance.now() - started;
  if (phone.engine.getStatus().account?.fingerprint === before) throw new Error('no pick-up');
  console.log(
    `${n} | ${upload.toFixed(0)} ms | ${rotation.toFixed(0)} ms | ${(rotation / upload).toFixed(2)}x | ${pickUp.toFixed(0)} ms`,
  );
  await laptop.engine.close();
  await phone.engine.close();
}
await backend.close();

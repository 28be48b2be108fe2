import { describe, expect, it } from 'vitest';
import { settle } from '../../src/engine/testing/manual-scheduler';
import { newPerson } from '../rig/backend';
import { connect, newDevice, signIn, syncQuiet, type TestDevice, waitFor } from '../rig/devices';
import { pump } from '../rig/poll-rounds';
import { useBackend } from '../rig/use-backend';

const backend = useBackend();

const profile = { name: 'Work', provider: 'openai', model: 'gpt-4o', apiKey: 'sk-live-abc' };

/** Until the new device shows its code and the existing one asks for it. */
async function codeShown(phone: TestDevice, laptop: TestDevice): Promise<string> {
  await pump([phone, laptop], 'the new device to show a code and the other to ask for it', () =>
    Boolean(
      phone.engine.getStatus().pairing?.code &&
        laptop.engine.getStatus().pairing?.stage === 'confirm',
    ),
  );
  // The existing device never shows its own code: the person has to read the new one's.
  expect(laptop.engine.getStatus().pairing?.code).toBeNull();
  return phone.engine.getStatus().pairing?.code as string;
}

/** N's person confirms on N; N sends its proof on its next poll. */
async function confirmOn(phone: TestDevice): Promise<void> {
  await phone.engine.confirmPairing();
  expect(phone.engine.getStatus().pairing?.stage).toBe('confirmed');
}

async function twoDevices() {
  const person = newPerson();
  const laptop = await newDevice('laptop');
  const phone = await newDevice('phone');
  await connect(laptop, backend, person);
  await laptop.engine.create('profiles', profile);
  await syncQuiet(laptop);
  await signIn(phone, backend, person);
  return { person, laptop, phone };
}

describe('pairing: a new device gets the key from an existing one', () => {
  it('approves a new device with matching codes on both screens and no recovery key', async () => {
    const { laptop, phone } = await twoDevices();
    expect(phone.engine.getStatus().state).toMatchObject({ kind: 'needsKey', mode: 'unlock' });
    const asked = await phone.engine.requestPairing();
    expect(asked).toMatchObject({ role: 'new', stage: 'waiting', code: null });

    await syncQuiet(laptop);
    expect(laptop.engine.getStatus().pairingRequests).toBe(1);
    const [request] = await laptop.engine.listPairingRequests();
    expect(request).toMatchObject({ deviceName: 'phone', platform: 'test' });

    await laptop.engine.acceptPairing(request?.id as string);
    const shownOnPhone = await codeShown(phone, laptop);
    expect(shownOnPhone).toMatch(/^\d{3} \d{3}$/);
    expect(laptop.engine.getStatus().pairing?.peer).toEqual({ name: 'phone', platform: 'test' });

    // The person types the phone's code on the laptop (the laptop checks it against its own),
    // then confirms on the phone; the laptop seals only after the phone proved that.
    await laptop.engine.approvePairing(shownOnPhone);
    expect(laptop.engine.getStatus().pairing?.stage).toBe('confirmed');
    await confirmOn(phone);
    await pump([phone, laptop], 'the laptop to send the key', () =>
      Boolean(laptop.engine.getStatus().pairing === null),
    );
    expect(laptop.engine.getStatus().pairing).toBeNull();
    await pump(
      [phone],
      'the phone to hold the key',
      () => phone.engine.getStatus().pairing === null,
    );
    await waitFor('the phone to sync', () =>
      ['idle'].includes(phone.engine.getStatus().state.kind),
    );
    await syncQuiet(phone);
    const [copy] = await phone.engine.list('profiles', { reveal: true });
    expect(copy?.data).toEqual(profile);
    expect(phone.engine.getStatus().account?.fingerprint).toBe(
      laptop.engine.getStatus().account?.fingerprint,
    );
    // Single use: the pairing is over on the server too.
    expect(await laptop.engine.listPairingRequests()).toEqual([]);
    await laptop.engine.close();
    await phone.engine.close();
  });

  it('after approving one of two requests, the other is still counted without another sync', async () => {
    const { person, laptop, phone } = await twoDevices();
    const tablet = await newDevice('tablet');
    await signIn(tablet, backend, person);
    await phone.engine.requestPairing();
    await tablet.engine.requestPairing();
    const requests = await laptop.engine.listPairingRequests();
    expect(requests.map((r) => r.deviceName).sort()).toEqual(['phone', 'tablet']);
    expect(laptop.engine.getStatus().pairingRequests).toBe(2);

    const phoneRequest = requests.find((r) => r.deviceName === 'phone');
    await laptop.engine.acceptPairing(phoneRequest?.id as string);
    const code = await codeShown(phone, laptop);
    await confirmOn(phone);
    await laptop.engine.approvePairing(code);
    // No poll may be left in flight when the engines close: both pairings run to their end.
    await pump(
      [phone, laptop],
      'the key to change hands',
      () => laptop.engine.getStatus().pairing === null && phone.engine.getStatus().pairing === null,
    );
    await waitFor('the tablet to be counted again', async () => {
      await settle();
      return laptop.engine.getStatus().pairingRequests === 1;
    });
    expect(laptop.engine.getStatus().pairing).toBeNull();
    for (const device of [laptop, phone, tablet]) await device.engine.close();
  });

  it('pairs devices whose clocks are minutes off, and shows each its true time left', async () => {
    const person = newPerson();
    const laptop = await newDevice('laptop', { skewMs: -15 * 60_000 });
    const phone = await newDevice('phone', { skewMs: 20 * 60_000 });
    await connect(laptop, backend, person);
    await laptop.engine.create('profiles', profile);
    await syncQuiet(laptop);
    await signIn(phone, backend, person);

    const asked = await phone.engine.requestPairing();
    // Five minutes on the phone's own clock, not "expired" (its clock is 20 minutes ahead).
    const phoneLeft = asked.expiresAt - phone.clock.now();
    expect(phoneLeft).toBeGreaterThan(4 * 60_000);
    expect(phoneLeft).toBeLessThanOrEqual(5 * 60_000 + 2_000);
    const [request] = await laptop.engine.listPairingRequests();
    expect((request?.expiresAt ?? 0) - laptop.clock.now()).toBeGreaterThan(4 * 60_000);

    const offered = await laptop.engine.acceptPairing(request?.id as string);
    expect(offered.expiresAt - laptop.clock.now()).toBeGreaterThan(4 * 60_000);
    await laptop.engine.approvePairing(await codeShown(phone, laptop));
    await confirmOn(phone);
    await pump(
      [phone, laptop],
      'the phone to hold the key',
      () => phone.engine.getStatus().pairing === null,
    );
    expect(phone.engine.getStatus().lastError).toBeNull();
    await syncQuiet(phone);
    const [copy] = await phone.engine.list('profiles', { reveal: true });
    expect(copy?.data).toEqual(profile);
    await laptop.engine.close();
    await phone.engine.close();
  });

  it('refuses a wrong code: nothing is sent and the new device is told', async () => {
    const { laptop, phone } = await twoDevices();
    await phone.engine.requestPairing();
    const [request] = await laptop.engine.listPairingRequests();
    await laptop.engine.acceptPairing(request?.id as string);
    const code = await codeShown(phone, laptop);
    const wrong = code.replace(/\d$/, (d) => String((Number(d) + 1) % 10));
    await expect(laptop.engine.approvePairing(wrong)).rejects.toMatchObject({
      code: 'pairing_code_mismatch',
    });
    // A typo is forgiven twice; the third wrong code ends the pairing.
    expect(laptop.engine.getStatus().pairing).toMatchObject({ stage: 'confirm', triesLeft: 2 });
    await expect(laptop.engine.approvePairing(wrong)).rejects.toMatchObject({
      code: 'pairing_code_mismatch',
    });
    await expect(laptop.engine.approvePairing(wrong)).rejects.toMatchObject({
      code: 'pairing_code_attempts',
    });
    expect(laptop.engine.getStatus().pairing).toBeNull();
    expect(laptop.engine.getStatus().lastError?.code).toBe('pairing_code_attempts');
    await pump(
      [phone],
      'the phone to hear of the refusal',
      () => phone.engine.getStatus().pairing === null,
    );
    expect(phone.engine.getStatus().lastError?.code).toBe('pairing_denied');
    expect(phone.engine.getStatus().state.kind).toBe('needsKey');
    await laptop.engine.close();
    await phone.engine.close();
  });

  it('a denied request ends on the new device with a clear error', async () => {
    const { laptop, phone } = await twoDevices();
    await phone.engine.requestPairing();
    const [request] = await laptop.engine.listPairingRequests();
    await laptop.engine.denyPairing(request?.id);
    await pump([phone], 'the denial', () => phone.engine.getStatus().pairing === null);
    expect(phone.engine.getStatus().lastError).toMatchObject({ code: 'pairing_denied' });
    expect(phone.engine.getStatus().state).toMatchObject({ kind: 'needsKey' });
    await laptop.engine.close();
    await phone.engine.close();
  });

  it('an expired request is refused by both devices', async () => {
    const { laptop, phone } = await twoDevices();
    await phone.engine.requestPairing();
    const [request] = await laptop.engine.listPairingRequests();
    await backend.setClockOffset(6 * 60_000);
    try {
      await expect(laptop.engine.acceptPairing(request?.id as string)).rejects.toMatchObject({
        code: 'pairing_expired',
      });
      phone.clock.offsetMs = 6 * 60_000;
      await pump([phone], 'the phone to give up', () => phone.engine.getStatus().pairing === null);
      expect(phone.engine.getStatus().lastError?.code).toBe('pairing_expired');
    } finally {
      await backend.setClockOffset(0);
    }
    await laptop.engine.close();
    await phone.engine.close();
  });

  it('resumes after both workers restart mid-pairing', async () => {
    const { laptop, phone } = await twoDevices();
    await phone.engine.requestPairing();
    const [request] = await laptop.engine.listPairingRequests();
    await laptop.engine.acceptPairing(request?.id as string);
    const phone2 = await phone.restart();
    const laptop2 = await laptop.restart();
    const code = await codeShown(phone2, laptop2);
    await laptop2.engine.approvePairing(code);
    await confirmOn(phone2);
    // Both confirmations were kept: they survive a second restart of both workers.
    const phone3 = await phone2.restart();
    const laptop3 = await laptop2.restart();
    expect(phone3.engine.getStatus().pairing?.stage).toBe('confirmed');
    expect(laptop3.engine.getStatus().pairing?.stage).toBe('confirmed');
    await pump(
      [phone3, laptop3],
      'the key after the restart',
      () => phone3.engine.getStatus().account?.fingerprint != null,
    );
    expect(phone3.engine.getStatus().account?.fingerprint).toBe(
      laptop3.engine.getStatus().account?.fingerprint,
    );
    await laptop3.engine.close();
    await phone3.engine.close();
  });
});

/**
 * Pairing through a relay that lies. The server may play the existing device itself, swap both
 * devices' keys, or replay what an earlier pairing sent; each case: the lie is refused, the new
 * device adopts nothing and stores no key, the existing device seals nothing it should not, and
 * an honest pairing afterwards still works. The person's part is played as the screens ask: read
 * the code on the new device (N), type it on the existing one (E), confirm on N.
 */
import { describe, expect, it } from 'vitest';
import {
  checkReveal,
  type ExistingDevicePairingSecret,
  offerPairing,
  type PairingContext,
  type PairingReveal,
  revealPairing,
  sealPairingBundle,
  startPairing,
} from '../../src/engine/crypto/pairing';
import {
  confirmationOf,
  personConfirmationInput,
  sharedSecret,
  transcriptOf,
} from '../../src/engine/crypto/pairing/key-schedule';
import { importPeerPublicKey, loadSecret } from '../../src/engine/crypto/pairing/messages';
import { encodeBundle } from '../../src/engine/pairing/bundle';
import type { Pairing } from '../../src/protocol';
import { toBase64url } from '../../src/protocol/base64url';
import { newPerson } from '../rig/backend';
import { connect, newDevice, signIn, syncQuiet, type TestDevice } from '../rig/devices';
import { type HonestReply, HostileServer } from '../rig/hostile-server';
import { pollRound, pump } from '../rig/poll-rounds';
import { useBackend } from '../rig/use-backend';

const backend = useBackend();

const profile = { name: 'Work', provider: 'openai', model: 'gpt-4o', apiKey: 'sk-live-abc' };
const GET_PAIRING = /^GET \/v1\/pairings\/[^/?]+$/;

/** A few poll rounds, for cases where the point is that nothing happens. */
async function rounds(devices: TestDevice[], count = 6): Promise<void> {
  for (let i = 0; i < count; i++) await pollRound(devices);
}

interface Scene {
  person: ReturnType<typeof newPerson>;
  laptop: TestDevice;
  phone: TestDevice;
  laptopLiar: HostileServer;
  phoneLiar: HostileServer;
}

/** E (laptop) holds the key; N (phone) is signed in without it; each behind its own liar. */
async function scene(): Promise<Scene> {
  const person = newPerson();
  const laptopLiar = new HostileServer();
  const phoneLiar = new HostileServer();
  const laptop = await newDevice('laptop', { through: laptopLiar.fetch });
  const phone = await newDevice('phone', { through: phoneLiar.fetch });
  await connect(laptop, backend, person);
  await laptop.engine.create('profiles', profile);
  await syncQuiet(laptop);
  await signIn(phone, backend, person);
  return { person, laptop, phone, laptopLiar, phoneLiar };
}

async function startOnBoth({ laptop, phone }: Pick<Scene, 'laptop' | 'phone'>): Promise<void> {
  await phone.engine.requestPairing();
  const [request] = await laptop.engine.listPairingRequests();
  await laptop.engine.acceptPairing(request?.id as string);
}

async function codeShown(phone: TestDevice, laptop: TestDevice): Promise<string> {
  await pump([phone, laptop], 'the code on N and the question on E', () =>
    Boolean(
      phone.engine.getStatus().pairing?.code &&
        laptop.engine.getStatus().pairing?.stage === 'confirm',
    ),
  );
  return phone.engine.getStatus().pairing?.code as string;
}

/** N holds no key, now or after its worker restarts (so nothing was written either). */
async function expectNoKey(phone: TestDevice): Promise<TestDevice> {
  expect(phone.engine.getStatus().account?.fingerprint ?? null).toBeNull();
  expect(phone.engine.getStatus().state.kind).toBe('needsKey');
  const again = await phone.restart();
  expect(again.engine.getStatus().state.kind).toBe('needsKey');
  expect(again.engine.getStatus().account?.fingerprint ?? null).toBeNull();
  expect(again.engine.getStatus().pairing).toBeNull();
  return again;
}

/** Once the relay is honest, the same two devices pair as usual. */
async function pairsHonestly(laptop: TestDevice, phone: TestDevice): Promise<void> {
  await phone.engine.requestPairing();
  const [request] = await laptop.engine.listPairingRequests();
  await laptop.engine.acceptPairing(request?.id as string);
  await laptop.engine.approvePairing(await codeShown(phone, laptop));
  await phone.engine.confirmPairing();
  await pump(
    [phone, laptop],
    'the key to change hands',
    () => phone.engine.getStatus().pairing === null && laptop.engine.getStatus().pairing === null,
  );
  expect(phone.engine.getStatus().lastError).toBeNull();
  expect(phone.engine.getStatus().account?.fingerprint).toBe(
    laptop.engine.getStatus().account?.fingerprint,
  );
  await syncQuiet(phone);
  const [copy] = await phone.engine.list('profiles', { reveal: true });
  expect(copy?.data).toEqual(profile);
}

function contextOf(pairing: Pairing): PairingContext {
  return {
    accountId: '',
    pairingId: pairing.id,
    newDeviceId: pairing.requester.device_id,
    existingDeviceId: pairing.approver?.device_id ?? '',
    expiresAt: Date.parse(pairing.expires_at),
    now: Date.now(),
  };
}

/**
 * The relay, playing E, "confirms" for N: the MAC key comes from the shared secret, which the
 * relay holds when it is N's peer. Only the code the person compares can stop it there.
 */
async function relayConfirmation(
  secret: ExistingDevicePairingSecret,
  context: PairingContext,
  commitment: string,
  reveal: PairingReveal,
): Promise<string> {
  const own = await loadSecret(secret, 'existing-device');
  const peer = await importPeerPublicKey(own.curve, reveal.publicKey);
  const transcript = await transcriptOf(own.curve, context, commitment, reveal, own);
  const base = await sharedSecret(own.curve, own.privateKey, peer);
  const mac = await crypto.subtle.sign(
    'HMAC',
    await confirmationOf(base, transcript),
    personConfirmationInput(transcript),
  );
  return toBase64url(new Uint8Array(mac));
}

/** N polls one request at a time: a poll after its confirm means the server has stored it. */
function confirmStored(liar: HostileServer): boolean {
  const at = liar.log.findIndex((line) => line.endsWith('/confirm'));
  return at >= 0 && liar.log.slice(at + 1).some((line) => GET_PAIRING.test(line));
}

function pairingOf(reply: HonestReply): Pairing | null {
  return reply.status === 200 ? (reply.json as Pairing) : null;
}

describe('pairing against a lying relay', () => {
  it('the relay plays E and seals its own bundle to N: N refuses it, adopts nothing, stores no key', async () => {
    const s = await scene();
    const accountId = s.laptop.engine.getStatus().account?.accountId as string;
    const relay = await offerPairing('X25519');
    const approver = { device_id: crypto.randomUUID(), name: 'laptop', platform: 'test' };
    let reveal: PairingReveal | null = null;
    const relayed = (honest: Pairing): Pairing => ({
      ...honest,
      approver,
      offer: { public_key: relay.offer.publicKey, nonce: relay.offer.nonce },
      state: reveal ? 'revealed' : 'offered',
      reveal: reveal
        ? { public_key: reveal.publicKey, nonce: reveal.nonce, confirmation: reveal.confirmation }
        : null,
    });
    let seen: Pairing | null = null;
    s.phoneLiar.rewrite(GET_PAIRING, (reply) => {
      seen = pairingOf(reply) ?? seen;
      return seen ? { json: relayed(seen) } : undefined;
    });
    // The real server never sees the reveal (nobody offered there): the relay takes it.
    s.phoneLiar.forge(/^POST \/v1\/pairings\/[^/]+\/reveal$/, (request) => {
      const body = request.body as { public_key: string; nonce: string; confirmation: string };
      reveal = { publicKey: body.public_key, nonce: body.nonce, confirmation: body.confirmation };
      return { json: relayed(seen as Pairing) };
    });
    await s.phone.engine.requestPairing();
    await pump([s.phone], 'N to show the relay’s code', () =>
      Boolean(s.phone.engine.getStatus().pairing?.code),
    );
    expect(reveal).not.toBeNull();

    // The relay seals a bundle of its own keys, as E would, and serves it as approved.
    const honestNow = (await s.laptop.engine.listPairingRequests())[0];
    expect(honestNow).toBeDefined();
    const pairingId = honestNow?.id as string;
    let forged: Pairing | null = null;
    s.phoneLiar.honest();
    s.phoneLiar.rewrite(GET_PAIRING, async (reply) => {
      const honest = pairingOf(reply);
      if (!honest || !reveal) return undefined;
      const base = relayed(honest);
      const context = { ...contextOf(base), accountId };
      const confirmation = await relayConfirmation(relay.secret, context, base.commitment, reveal);
      const { code } = await checkReveal(relay.secret, context, base.commitment, reveal);
      const keys = {
        accountId,
        master: crypto.getRandomValues(new Uint8Array(32)),
        tokenRoot: crypto.getRandomValues(new Uint8Array(32)),
        authKey: crypto.getRandomValues(new Uint8Array(32)),
        epoch: 1,
        fingerprint: 'relay-fingerprint-0001',
        previous: [],
      };
      const bundle = await sealPairingBundle(
        relay.secret,
        context,
        base.commitment,
        reveal,
        code,
        confirmation,
        encodeBundle(keys),
      );
      forged = { ...base, state: 'approved', confirmation, bundle };
      return { json: forged };
    });
    await pump(
      [s.phone],
      'N to refuse the relay’s bundle',
      () => s.phone.engine.getStatus().pairing === null,
    );
    expect(forged).not.toBeNull();
    expect(s.phone.engine.getStatus().lastError?.code).toBe('pairing_failed');
    // N denied the pairing on the real server, so the real E no longer sees it either.
    expect(s.phoneLiar.log).toContain(`POST /v1/pairings/${pairingId}/deny`);
    expect(s.phoneLiar.log.some((line) => line.endsWith('/complete'))).toBe(false);
    s.phoneLiar.honest();
    const phone = await expectNoKey(s.phone);
    expect(await s.laptop.engine.listPairingRequests()).toEqual([]);
    await pairsHonestly(s.laptop, phone);
    await s.laptop.engine.close();
    await phone.engine.close();
  });

  it('the relay swaps both devices’ keys: the codes differ, E refuses the typed code, N gets nothing', async () => {
    const s = await scene();
    const accountId = s.laptop.engine.getStatus().account?.accountId as string;
    // Toward E the relay is a new device (committed before it saw E's key, as it must be)...
    const fakeNew = await startPairing('X25519');
    // ...and toward N an existing one.
    const fakeExisting = await offerPairing('X25519');
    let towardE: PairingReveal | null = null;
    s.laptopLiar.rewrite(GET_PAIRING, async (reply) => {
      const honest = pairingOf(reply);
      if (!honest) return undefined;
      const swapped: Pairing = { ...honest, commitment: fakeNew.commitment };
      if (honest.reveal && honest.offer) {
        const context = { ...contextOf(honest), accountId };
        towardE ??= (
          await revealPairing(fakeNew.secret, context, {
            publicKey: honest.offer.public_key,
            nonce: honest.offer.nonce,
          })
        ).reveal;
        swapped.reveal = {
          public_key: towardE.publicKey,
          nonce: towardE.nonce,
          confirmation: towardE.confirmation,
        };
      }
      return { json: swapped };
    });
    s.phoneLiar.rewrite(GET_PAIRING, (reply) => {
      const honest = pairingOf(reply);
      if (!honest?.offer) return undefined;
      return {
        json: {
          ...honest,
          offer: { public_key: fakeExisting.offer.publicKey, nonce: fakeExisting.offer.nonce },
        },
      };
    });
    await startOnBoth(s);
    const shownOnPhone = await codeShown(s.phone, s.laptop);
    for (const expected of [
      'pairing_code_mismatch',
      'pairing_code_mismatch',
      'pairing_code_attempts',
    ])
      await expect(s.laptop.engine.approvePairing(shownOnPhone)).rejects.toMatchObject({
        code: expected,
      });
    expect(s.laptop.engine.getStatus().pairing).toBeNull();
    expect(s.laptopLiar.log.some((line) => line.endsWith('/approve'))).toBe(false);
    // Even a person who confirms on N anyway gets no key: E ended the pairing.
    await s.phone.engine.confirmPairing();
    await pump(
      [s.phone],
      'N to hear the pairing ended',
      () => s.phone.engine.getStatus().pairing === null,
    );
    expect(s.phone.engine.getStatus().lastError?.code).toBe('pairing_denied');
    s.laptopLiar.honest();
    s.phoneLiar.honest();
    const phone = await expectNoKey(s.phone);
    await pairsHonestly(s.laptop, phone);
    await s.laptop.engine.close();
    await phone.engine.close();
  });

  it('the relay replays an earlier pairing’s confirmation to E: E refuses and seals nothing', async () => {
    const s = await scene();
    // An earlier, honest pairing of another new device leaves its confirmation behind.
    await s.phone.engine.requestPairing();
    const [first] = await s.laptop.engine.listPairingRequests();
    await s.laptop.engine.acceptPairing(first?.id as string);
    const firstCode = await codeShown(s.phone, s.laptop);
    let earlier: string | null = null;
    s.laptopLiar.rewrite(GET_PAIRING, (reply) => {
      const honest = pairingOf(reply);
      if (honest?.confirmation) earlier = honest.confirmation;
      return undefined;
    });
    await s.phone.engine.confirmPairing();
    await pump([s.phone, s.laptop], 'E to see the first confirmation', () => earlier !== null);
    // The person cancels on N before typing on E: that pairing ends unused.
    await s.phone.engine.denyPairing();
    await pump([s.laptop], 'E to hear of it', () => s.laptop.engine.getStatus().pairing === null);
    expect(firstCode).toMatch(/^\d{3} \d{3}$/);

    // A new pairing; the relay shows E the old confirmation before N's person has confirmed.
    s.laptopLiar.honest();
    s.laptopLiar.rewrite(GET_PAIRING, (reply) => {
      const honest = pairingOf(reply);
      return honest?.state === 'revealed'
        ? { json: { ...honest, confirmation: earlier } }
        : undefined;
    });
    await startOnBoth(s);
    const code = await codeShown(s.phone, s.laptop);
    await expect(s.laptop.engine.approvePairing(code)).rejects.toMatchObject({
      code: 'pairing_failed',
    });
    expect(s.laptop.engine.getStatus().pairing).toBeNull();
    expect(s.laptopLiar.log.some((line) => line.endsWith('/approve'))).toBe(false);
    await pump(
      [s.phone],
      'N to hear of the refusal',
      () => s.phone.engine.getStatus().pairing === null,
    );
    expect(s.phone.engine.getStatus().lastError?.code).toBe('pairing_denied');
    s.laptopLiar.honest();
    const phone = await expectNoKey(s.phone);
    await pairsHonestly(s.laptop, phone);
    await s.laptop.engine.close();
    await phone.engine.close();
  });

  it('the relay replays an earlier bundle to N after its person confirmed: refused, no key', async () => {
    const s = await scene();
    // A first pairing runs to the end for the phone; its bundle is recorded on the way.
    let oldBundle: string | null = null;
    s.phoneLiar.rewrite(GET_PAIRING, (reply) => {
      const honest = pairingOf(reply);
      if (honest?.bundle) oldBundle = honest.bundle;
      return undefined;
    });
    const tabletLiar = new HostileServer();
    const tablet = await newDevice('tablet', { through: tabletLiar.fetch });
    await signIn(tablet, backend, s.person);
    await pairsHonestly(s.laptop, s.phone);
    expect(oldBundle).not.toBeNull();

    // The tablet pairs next; the relay answers its confirmation with the phone's old bundle.
    tabletLiar.rewrite(GET_PAIRING, (reply) => {
      const honest = pairingOf(reply);
      return honest?.confirmation
        ? { json: { ...honest, state: 'approved', bundle: oldBundle } }
        : undefined;
    });
    const before = s.laptopLiar.log.length;
    await startOnBoth({ ...s, phone: tablet });
    await codeShown(tablet, s.laptop);
    await tablet.engine.confirmPairing();
    await pump(
      [tablet],
      'the tablet to refuse the old bundle',
      () => tablet.engine.getStatus().pairing === null,
    );
    expect(tablet.engine.getStatus().lastError?.code).toBe('pairing_failed');
    tabletLiar.honest();
    const again = await expectNoKey(tablet);
    await pump(
      [s.laptop],
      'E to hear of the refusal',
      () => s.laptop.engine.getStatus().pairing === null,
    );
    expect(s.laptopLiar.log.slice(before).some((line) => line.endsWith('/approve'))).toBe(false);
    await pairsHonestly(s.laptop, again);
    await s.laptop.engine.close();
    await s.phone.engine.close();
    await again.engine.close();
  });

  it('N never confirms: E, with the right code typed, never seals', async () => {
    const s = await scene();
    await startOnBoth(s);
    const code = await codeShown(s.phone, s.laptop);
    await s.laptop.engine.approvePairing(code);
    expect(s.laptop.engine.getStatus().pairing?.stage).toBe('confirmed');
    await rounds([s.phone, s.laptop]);
    expect(s.laptopLiar.log.some((line) => line.endsWith('/approve'))).toBe(false);
    expect(s.phoneLiar.log.some((line) => line.endsWith('/confirm'))).toBe(false);
    expect(s.phone.engine.getStatus().pairing?.stage).toBe('confirm');
    expect(s.phone.engine.getStatus().account?.fingerprint ?? null).toBeNull();
    // Once the person confirms on N, the pairing completes.
    await s.phone.engine.confirmPairing();
    await pump(
      [s.phone, s.laptop],
      'the key to change hands',
      () =>
        s.phone.engine.getStatus().pairing === null && s.laptop.engine.getStatus().pairing === null,
    );
    expect(s.phone.engine.getStatus().account?.fingerprint).toBe(
      s.laptop.engine.getStatus().account?.fingerprint,
    );
    await s.laptop.engine.close();
    await s.phone.engine.close();
  });

  it('E gets a wrong code although N confirmed: refused, nothing sealed, ended after three', async () => {
    const s = await scene();
    await startOnBoth(s);
    const code = await codeShown(s.phone, s.laptop);
    await s.phone.engine.confirmPairing();
    await pump([s.phone], 'N’s confirmation to be stored', () => confirmStored(s.phoneLiar));
    const wrong = code.replace(/^\d/, (d) => String((Number(d) + 1) % 10));
    await expect(s.laptop.engine.approvePairing(wrong)).rejects.toMatchObject({
      code: 'pairing_code_mismatch',
      message: expect.stringMatching(/2 tries left/),
    });
    expect(s.laptop.engine.getStatus().pairing).toMatchObject({ stage: 'confirm', triesLeft: 2 });
    await expect(s.laptop.engine.approvePairing('')).rejects.toMatchObject({
      code: 'pairing_code_mismatch',
    });
    await expect(s.laptop.engine.approvePairing(wrong)).rejects.toMatchObject({
      code: 'pairing_code_attempts',
    });
    expect(s.laptopLiar.log.some((line) => line.endsWith('/approve'))).toBe(false);
    await pump([s.phone], 'N to hear of it', () => s.phone.engine.getStatus().pairing === null);
    expect(s.phone.engine.getStatus().lastError?.code).toBe('pairing_denied');
    const phone = await expectNoKey(s.phone);
    await pairsHonestly(s.laptop, phone);
    await s.laptop.engine.close();
    await phone.engine.close();
  });

  it('happy path: N confirms first, then E seals the moment the right code is typed', async () => {
    const s = await scene();
    await startOnBoth(s);
    const code = await codeShown(s.phone, s.laptop);
    await s.phone.engine.confirmPairing();
    await pump([s.phone], 'N’s confirmation to be stored', () => confirmStored(s.phoneLiar));
    await s.laptop.engine.approvePairing(code.replace(' ', ''));
    expect(s.laptop.engine.getStatus().pairing).toBeNull();
    expect(s.laptopLiar.log.some((line) => line.endsWith('/approve'))).toBe(true);
    await pump([s.phone], 'N to hold the key', () => s.phone.engine.getStatus().pairing === null);
    expect(s.phone.engine.getStatus().lastError).toBeNull();
    await syncQuiet(s.phone);
    const [copy] = await s.phone.engine.list('profiles', { reveal: true });
    expect(copy?.data).toEqual(profile);
    await s.laptop.engine.close();
    await s.phone.engine.close();
  });
});

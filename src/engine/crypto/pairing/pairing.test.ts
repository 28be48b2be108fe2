import { describe, expect, it } from 'vitest';
import { fromBase64url, toBase64url } from '../../../protocol/base64url';
import { CryptoError } from '../errors';
import { cryptoErrorOf, expectCode } from '../expect-code.test-helper';
import {
  checkReveal,
  confirmPairing,
  type ExistingDevicePairingSecret,
  type NewDevicePairingSecret,
  offerPairing,
  openPairingBundle,
  type PairingContext,
  type PairingCurve,
  type PairingOffer,
  type PairingReveal,
  revealPairing,
  sealPairingBundle,
  startPairing,
  supportsX25519,
} from '../index';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const BUNDLE = new TextEncoder().encode(JSON.stringify({ master: 'k'.repeat(43), epoch: 3 }));

function contextFor(overrides: Partial<PairingContext> = {}): PairingContext {
  return {
    accountId: 'acct-7f3a',
    pairingId: 'pair-1',
    newDeviceId: 'dev-new',
    existingDeviceId: 'dev-old',
    expiresAt: NOW + 5 * 60_000,
    now: NOW,
    ...overrides,
  };
}

interface Run {
  curve: PairingCurve;
  context: PairingContext;
  nSecret: NewDevicePairingSecret;
  eSecret: ExistingDevicePairingSecret;
  commitment: string;
  offer: PairingOffer;
  reveal: PairingReveal;
  newCode: string;
  existingCode: string;
  /** N's proof that its person confirmed `newCode`. */
  confirmation: string;
}

/** Steps 1-4 over an honest relay. */
async function honestRun(curve: PairingCurve = 'P-256', context = contextFor()): Promise<Run> {
  const { secret: nSecret, commitment } = await startPairing(curve);
  const { secret: eSecret, offer } = await offerPairing(curve);
  const { reveal, code: newCode } = await revealPairing(nSecret, context, offer);
  const { code: existingCode } = await checkReveal(eSecret, context, commitment, reveal);
  const confirmation = await confirmPairing(nSecret, context, offer, newCode);
  return {
    curve,
    context,
    nSecret,
    eSecret,
    commitment,
    offer,
    reveal,
    newCode,
    existingCode,
    confirmation,
  };
}

function seal(run: Run, overrides: Partial<Run> = {}, bundle = BUNDLE) {
  const r = { ...run, ...overrides };
  return sealPairingBundle(
    r.eSecret,
    r.context,
    r.commitment,
    r.reveal,
    r.existingCode,
    r.confirmation,
    bundle,
  );
}

function open(run: Run, sealed: string, overrides: Partial<Run> = {}) {
  const r = { ...run, ...overrides };
  return openPairingBundle(r.nSecret, r.context, r.offer, sealed, r.newCode);
}

/** `text` (base64url) with byte `at` XORed with `mask`. */
function flip(text: string, at: number, mask = 0x01): string {
  const bytes = fromBase64url(text) as Uint8Array;
  bytes[at] = (bytes[at] as number) ^ mask;
  return toBase64url(bytes);
}

/** `text` (base64url) with byte `at` set to `value`. */
function withByte(text: string, at: number, value: number): string {
  const bytes = fromBase64url(text) as Uint8Array;
  bytes[at] = value;
  return toBase64url(bytes);
}

/** A code that differs from `code` in its last digit. */
function otherCode(code: string): string {
  const last = Number(code.at(-1));
  return `${code.slice(0, -1)}${(last + 1) % 10}`;
}

const CURVES: PairingCurve[] = ['P-256', 'X25519'];

describe('supportsX25519', () => {
  it('is true on Node 20 and current Chromium, and stable across calls', async () => {
    expect(await supportsX25519()).toBe(true);
    expect(await supportsX25519()).toBe(true);
  });
});

describe.each(CURVES)('happy path on %s', (curve) => {
  it('both devices compute the same 6-digit code and the bundle round-trips', async () => {
    const run = await honestRun(curve);
    expect(run.newCode).toMatch(/^\d{3} \d{3}$/);
    expect(run.existingCode).toBe(run.newCode);
    const sealed = await seal(run);
    expect(await open(run, sealed)).toEqual(BUNDLE);
  });

  it('publishes only a 32-byte commitment, which hides the key and nonce', async () => {
    const { secret, commitment } = await startPairing(curve);
    expect(secret.curve).toBe(curve);
    expect(fromBase64url(commitment)?.length).toBe(32);
    expect(commitment).not.toContain(secret.publicKey);
    expect(commitment).not.toContain(secret.nonce);
    const again = await startPairing(curve);
    expect(again.commitment).not.toBe(commitment);
    expect(again.secret.nonce).not.toBe(secret.nonce);
  });

  it('works with secrets persisted as JSON and structured clones between every step', async () => {
    const persist = <T>(value: T): T => structuredClone(JSON.parse(JSON.stringify(value)) as T);
    const context = contextFor();
    const started = await startPairing(curve);
    const offered = await offerPairing(curve);
    const { reveal, code } = await revealPairing(persist(started.secret), context, offered.offer);
    const checked = await checkReveal(persist(offered.secret), context, started.commitment, reveal);
    expect(checked.code).toBe(code);
    const confirmed = await confirmPairing(persist(started.secret), context, offered.offer, code);
    const sealed = await sealPairingBundle(
      persist(offered.secret),
      context,
      started.commitment,
      reveal,
      code,
      confirmed,
      BUNDLE,
    );
    expect(
      await openPairingBundle(persist(started.secret), context, offered.offer, sealed, code),
    ).toEqual(BUNDLE);
  });

  it('uses a fresh IV per seal and accepts the code typed without or with extra spaces', async () => {
    const run = await honestRun(curve);
    const digits = run.existingCode.replace(' ', '');
    const a = await seal(run, { existingCode: digits });
    const b = await seal(run, { existingCode: ` ${digits.slice(0, 2)} ${digits.slice(2)} ` });
    expect(a).not.toBe(b);
    expect(await open(run, a)).toEqual(BUNDLE);
    expect(await open(run, b)).toEqual(BUNDLE);
  });

  it('round-trips an empty and a large bundle', async () => {
    const run = await honestRun(curve);
    const large = new Uint8Array(200_000).map((_, i) => i % 251);
    expect(await open(run, await seal(run, {}, new Uint8Array(0)))).toEqual(new Uint8Array(0));
    // Compared as text: deep equality over 200,000 elements is slow.
    const opened = await open(run, await seal(run, {}, large));
    expect(toBase64url(opened)).toBe(toBase64url(large));
  });
});

describe.each(CURVES)('a malicious relay on %s', (curve) => {
  it('cannot substitute the new device’s public key: the commitment does not open', async () => {
    const run = await honestRun(curve);
    // The relay pairs its own "new device" with E's offer and reveals that key instead.
    const mallory = await startPairing(curve);
    const { reveal: forged } = await revealPairing(mallory.secret, run.context, run.offer);
    await expectCode(
      () => checkReveal(run.eSecret, run.context, run.commitment, forged),
      'pairing_commitment_mismatch',
    );
    await expectCode(() => seal(run, { reveal: forged }), 'pairing_commitment_mismatch');
    // Keeping N's key but swapping in its own nonce fails the same way.
    const nonceSwap = { ...run.reveal, nonce: mallory.secret.nonce };
    await expectCode(
      () => checkReveal(run.eSecret, run.context, run.commitment, nonceSwap),
      'pairing_commitment_mismatch',
    );
  });

  it('running its own key pairs on both sides gives different codes and no usable bundle', async () => {
    const context = contextFor();
    const n = await startPairing(curve);
    const e = await offerPairing(curve);
    // Toward E, the relay plays a new device; toward N, an existing device.
    const fakeNew = await startPairing(curve);
    const fakeExisting = await offerPairing(curve);

    const towardN = await revealPairing(n.secret, context, fakeExisting.offer);
    const towardE = await revealPairing(fakeNew.secret, context, e.offer);
    const { code: existingCode } = await checkReveal(
      e.secret,
      context,
      fakeNew.commitment,
      towardE.reveal,
    );
    // The codes collide with probability 10^-6: the person sees the mismatch.
    expect(existingCode).not.toBe(towardN.code);
    // Toward E the relay is the new device, so it can prove a "confirmation" of E's code.
    const relayConfirms = await confirmPairing(fakeNew.secret, context, e.offer, existingCode);

    // E refuses to seal under the code N shows.
    await expectCode(
      () =>
        sealPairingBundle(
          e.secret,
          context,
          fakeNew.commitment,
          towardE.reveal,
          towardN.code,
          relayConfirms,
          BUNDLE,
        ),
      'pairing_code_mismatch',
    );
    // If the person confirms E's own code anyway, N still cannot be fed that bundle...
    const sealed = await sealPairingBundle(
      e.secret,
      context,
      fakeNew.commitment,
      towardE.reveal,
      existingCode,
      relayConfirms,
      BUNDLE,
    );
    await expectCode(
      () => openPairingBundle(n.secret, context, fakeExisting.offer, sealed, towardN.code),
      'pairing_tampered',
    );
    // ...nor with E's real offer (N never answered it: its transcript names the relay's key).
    await expectCode(
      () => openPairingBundle(n.secret, context, e.offer, sealed, towardN.code),
      'pairing_tampered',
    );
  });

  it('cannot make N accept a bundle after substituting only E’s offered nonce', async () => {
    const run = await honestRun(curve);
    const otherNonce = (await offerPairing(curve)).offer.nonce;
    const offerToN = { ...run.offer, nonce: otherNonce };
    const { code } = await revealPairing(run.nSecret, run.context, offerToN);
    expect(code).not.toBe(run.existingCode);
    const sealed = await seal(run);
    await expectCode(() => open(run, sealed, { offer: offerToN }), 'pairing_tampered');
  });

  it('cannot reflect a device’s own key back to it', async () => {
    const run = await honestRun(curve);
    const reflected = { publicKey: run.nSecret.publicKey, nonce: run.offer.nonce };
    await expectCode(() => revealPairing(run.nSecret, run.context, reflected), 'pairing_invalid');
    await expectCode(
      () =>
        checkReveal(run.eSecret, run.context, run.commitment, {
          ...run.reveal,
          publicKey: run.eSecret.publicKey,
        }),
      'pairing_invalid',
    );
  });
});

describe('confirmed code', () => {
  it('refuses to seal when the confirmed code differs from the computed one', async () => {
    const run = await honestRun();
    await expectCode(
      () => seal(run, { existingCode: otherCode(run.existingCode) }),
      'pairing_code_mismatch',
    );
    await expectCode(() => seal(run, { existingCode: '' }), 'pairing_code_mismatch');
    await expectCode(
      () => seal(run, { existingCode: `${run.existingCode}0` }),
      'pairing_code_mismatch',
    );
    await expectCode(
      () => seal(run, { existingCode: 123456 as unknown as string }),
      'invalid_argument',
    );
  });

  it('N opens nothing without its person’s confirmed code, checked like E checks it', async () => {
    const run = await honestRun();
    const sealed = await seal(run);
    await expectCode(
      () => open(run, sealed, { newCode: otherCode(run.newCode) }),
      'pairing_code_mismatch',
    );
    await expectCode(() => open(run, sealed, { newCode: '' }), 'pairing_code_mismatch');
    await expectCode(
      () => confirmPairing(run.nSecret, run.context, run.offer, otherCode(run.newCode)),
      'pairing_code_mismatch',
    );
    expect(await open(run, sealed, { newCode: run.newCode.replace(' ', '') })).toEqual(BUNDLE);
  });

  it('E seals only with N’s confirmation of this pairing, never the reveal’s MAC or a replay', async () => {
    const run = await honestRun();
    await expectCode(
      () => seal(run, { confirmation: run.reveal.confirmation }),
      'pairing_confirmation_invalid',
    );
    const earlier = await honestRun(run.curve, contextFor({ pairingId: 'pair-0' }));
    await expectCode(
      () => seal(run, { confirmation: earlier.confirmation }),
      'pairing_confirmation_invalid',
    );
    const flipped = toBase64url(
      (fromBase64url(run.confirmation) as Uint8Array).map((b, i) => (i === 0 ? b ^ 1 : b)),
    );
    await expectCode(() => seal(run, { confirmation: flipped }), 'pairing_confirmation_invalid');
    await expectCode(() => seal(run, { confirmation: 'short' }), 'pairing_invalid');
  });
});

describe('replay', () => {
  it('refuses a bundle sealed for another pairing id with the same keys', async () => {
    const run = await honestRun();
    const context0 = contextFor({ pairingId: 'pair-0' });
    const { reveal: reveal0, code: code0 } = await revealPairing(run.nSecret, context0, run.offer);
    const { code } = await checkReveal(run.eSecret, context0, run.commitment, reveal0);
    expect(code).toBe(code0);
    const earlier = {
      ...run,
      context: context0,
      reveal: reveal0,
      existingCode: code,
      newCode: code0,
      confirmation: await confirmPairing(run.nSecret, context0, run.offer, code0),
    };
    const sealed = await seal(earlier);
    expect(await open(earlier, sealed)).toEqual(BUNDLE);
    await expectCode(() => open(run, sealed), 'pairing_tampered');
  });

  it('refuses a bundle from an earlier pairing with other keys', async () => {
    const earlier = await honestRun();
    const sealed = await seal(earlier);
    const now = await honestRun();
    await expectCode(() => open(now, sealed), 'pairing_tampered');
    // Same offer replayed toward the new N: still not the transcript E sealed under.
    await expectCode(() => open(now, sealed, { offer: earlier.offer }), 'pairing_tampered');
  });

  it.each(['accountId', 'pairingId', 'newDeviceId', 'existingDeviceId'] as const)(
    'binds %s into the transcript on both sides',
    async (field) => {
      const run = await honestRun();
      const other = contextFor({ [field]: `${run.context[field]}-other` });
      await expectCode(
        () => checkReveal(run.eSecret, other, run.commitment, run.reveal),
        'pairing_confirmation_invalid',
      );
      const sealed = await seal(run);
      await expectCode(() => open(run, sealed, { context: other }), 'pairing_tampered');
    },
  );
});

describe('tampering', () => {
  it('refuses a bundle with any altered byte (IV, ciphertext, tag), truncated or extended', async () => {
    const run = await honestRun();
    const sealed = await seal(run);
    const length = (fromBase64url(sealed) as Uint8Array).length;
    for (const at of [1, 12, 13, length - 17, length - 16, length - 1]) {
      const altered = flip(sealed, at);
      await expectCode(() => open(run, altered), 'pairing_tampered');
    }
    const bytes = fromBase64url(sealed) as Uint8Array;
    await expectCode(() => open(run, toBase64url(bytes.subarray(0, -1))), 'pairing_tampered');
    const extended = new Uint8Array(bytes.length + 1);
    extended.set(bytes);
    await expectCode(() => open(run, toBase64url(extended)), 'pairing_tampered');
  });

  it('reports the version byte: unknown older as invalid, newer as unsupported', async () => {
    const run = await honestRun();
    const sealed = await seal(run);
    await expectCode(() => open(run, withByte(sealed, 0, 0)), 'pairing_invalid');
    await expectCode(() => open(run, withByte(sealed, 0, 2)), 'unsupported_version');
  });

  it('refuses an altered confirmation', async () => {
    const run = await honestRun();
    const confirmation = flip(run.reveal.confirmation, 31, 0x80);
    const altered = { ...run.reveal, confirmation };
    await expectCode(
      () => checkReveal(run.eSecret, run.context, run.commitment, altered),
      'pairing_confirmation_invalid',
    );
    await expectCode(() => seal(run, { reveal: altered }), 'pairing_confirmation_invalid');
  });

  it('refuses an altered revealed nonce or commitment', async () => {
    const run = await honestRun();
    const nonce = flip(run.reveal.nonce, 0, 0x01);
    await expectCode(
      () => checkReveal(run.eSecret, run.context, run.commitment, { ...run.reveal, nonce }),
      'pairing_commitment_mismatch',
    );
    const commitment = flip(run.commitment, 5, 0x01);
    await expectCode(
      () => checkReveal(run.eSecret, run.context, commitment, run.reveal),
      'pairing_commitment_mismatch',
    );
  });
});

describe('expiry', () => {
  it('refuses to seal and to open at or after expiresAt, by the caller’s clock', async () => {
    const run = await honestRun();
    const sealed = await seal(run);
    for (const now of [run.context.expiresAt, run.context.expiresAt + 1]) {
      const late = { ...run.context, now };
      await expectCode(() => seal(run, { context: late }), 'pairing_expired');
      await expectCode(() => open(run, sealed, { context: late }), 'pairing_expired');
      await expectCode(() => revealPairing(run.nSecret, late, run.offer), 'pairing_expired');
      await expectCode(
        () => checkReveal(run.eSecret, late, run.commitment, run.reveal),
        'pairing_expired',
      );
    }
    // One millisecond before expiry still works.
    const justInTime = { ...run.context, now: run.context.expiresAt - 1 };
    expect(await open(run, sealed, { context: justInTime })).toEqual(BUNDLE);
  });
});

describe('malformed inputs', () => {
  const BAD_BASE64URL = ['', '!!!', 'abc=', 'a', 'ab+/', 'AB'];

  it('rejects bad base64url in every field from the other side', async () => {
    const run = await honestRun();
    for (const bad of BAD_BASE64URL) {
      await expectCode(
        () => revealPairing(run.nSecret, run.context, { ...run.offer, publicKey: bad }),
        'pairing_invalid',
      );
      await expectCode(
        () => revealPairing(run.nSecret, run.context, { ...run.offer, nonce: bad }),
        'pairing_invalid',
      );
      for (const field of ['publicKey', 'nonce', 'confirmation'] as const) {
        await expectCode(
          () =>
            checkReveal(run.eSecret, run.context, run.commitment, { ...run.reveal, [field]: bad }),
          'pairing_invalid',
        );
      }
      await expectCode(
        () => checkReveal(run.eSecret, run.context, bad, run.reveal),
        'pairing_invalid',
      );
      await expectCode(() => open(run, bad), 'pairing_invalid');
    }
    // A non-canonical spelling of the real commitment (unused low bits set) is refused too.
    const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = DIGITS.indexOf(run.commitment.at(-1) as string);
    const sloppy = `${run.commitment.slice(0, -1)}${DIGITS[last ^ 1]}`;
    expect(fromBase64url(sloppy)).toBeNull();
    await expectCode(
      () => checkReveal(run.eSecret, run.context, sloppy, run.reveal),
      'pairing_invalid',
    );
  });

  it('rejects missing or non-string fields', async () => {
    const run = await honestRun();
    await expectCode(
      () => revealPairing(run.nSecret, run.context, null as unknown as PairingOffer),
      'pairing_invalid',
    );
    await expectCode(
      () => revealPairing(run.nSecret, run.context, { nonce: run.offer.nonce } as PairingOffer),
      'pairing_invalid',
    );
    await expectCode(
      () =>
        checkReveal(run.eSecret, run.context, run.commitment, {
          ...run.reveal,
          confirmation: 42,
        } as unknown as PairingReveal),
      'pairing_invalid',
    );
    await expectCode(() => open(run, undefined as unknown as string), 'pairing_invalid');
  });

  it('rejects wrong lengths of keys, nonces, confirmations, commitments and bundles', async () => {
    const run = await honestRun();
    const b64 = (n: number) => toBase64url(new Uint8Array(n).fill(7));
    const key = fromBase64url(run.offer.publicKey) as Uint8Array;
    for (const publicKey of [
      toBase64url(key.subarray(0, 64)),
      toBase64url(key.subarray(0, 33)),
      b64(32),
    ]) {
      await expectCode(
        () => revealPairing(run.nSecret, run.context, { ...run.offer, publicKey }),
        'pairing_invalid',
      );
    }
    for (const nonce of [b64(31), b64(33), b64(16)]) {
      await expectCode(
        () => revealPairing(run.nSecret, run.context, { ...run.offer, nonce }),
        'pairing_invalid',
      );
      await expectCode(
        () => checkReveal(run.eSecret, run.context, run.commitment, { ...run.reveal, nonce }),
        'pairing_invalid',
      );
    }
    await expectCode(
      () =>
        checkReveal(run.eSecret, run.context, run.commitment, {
          ...run.reveal,
          confirmation: b64(16),
        }),
      'pairing_invalid',
    );
    await expectCode(
      () => checkReveal(run.eSecret, run.context, b64(31), run.reveal),
      'pairing_invalid',
    );
    await expectCode(() => open(run, b64(28)), 'pairing_invalid');
  });

  it('rejects a P-256 point that is not on the curve, or compressed', async () => {
    const run = await honestRun('P-256');
    const offCurve = new Uint8Array(65);
    offCurve[0] = 0x04;
    offCurve[32] = 1;
    offCurve[64] = 1;
    await expectCode(
      () =>
        revealPairing(run.nSecret, run.context, { ...run.offer, publicKey: toBase64url(offCurve) }),
      'pairing_invalid',
    );
    // The real key with its y coordinate altered is off the curve too.
    const bentY = flip(run.reveal.publicKey, 64, 0x01);
    await expectCode(
      () =>
        checkReveal(run.eSecret, run.context, run.commitment, { ...run.reveal, publicKey: bentY }),
      'pairing_invalid',
    );
    // A 65-byte string not tagged as an uncompressed point.
    const hybrid = withByte(run.offer.publicKey, 0, 0x06);
    await expectCode(
      () => revealPairing(run.nSecret, run.context, { ...run.offer, publicKey: hybrid }),
      'pairing_invalid',
    );
  });

  it('rejects X25519 low-order points (no usable shared secret)', async () => {
    const run = await honestRun('X25519');
    const zero = toBase64url(new Uint8Array(32));
    const one = toBase64url(Uint8Array.of(1, ...new Uint8Array(31)));
    for (const publicKey of [zero, one]) {
      await expectCode(
        () => revealPairing(run.nSecret, run.context, { ...run.offer, publicKey }),
        'pairing_invalid',
      );
    }
  });

  it('rejects a key from the other curve', async () => {
    const x = await honestRun('X25519');
    const p = await honestRun('P-256');
    await expectCode(() => revealPairing(x.nSecret, x.context, p.offer), 'pairing_invalid');
    await expectCode(() => revealPairing(p.nSecret, p.context, x.offer), 'pairing_invalid');
    // E on P-256 cannot open a commitment made on X25519 even with the X25519 reveal.
    await expectCode(
      () => checkReveal(p.eSecret, p.context, x.commitment, x.reveal),
      'pairing_invalid',
    );
  });

  it('rejects unknown curves with unsupported_curve', async () => {
    for (const curve of ['P-384', 'secp256k1', 'x25519', '', undefined, 25519]) {
      if (curve === undefined) continue; // startPairing() defaults to P-256
      await expectCode(() => startPairing(curve as PairingCurve), 'unsupported_curve');
      await expectCode(() => offerPairing(curve as PairingCurve), 'unsupported_curve');
    }
    const run = await honestRun();
    const stored = { ...run.nSecret, curve: 'P-521' } as unknown as NewDevicePairingSecret;
    await expectCode(() => revealPairing(stored, run.context, run.offer), 'unsupported_curve');
    expect((await startPairing()).secret.curve).toBe('P-256');
  });

  it('rejects a malformed context or own secret as a caller bug', async () => {
    const run = await honestRun();
    const broken: unknown[] = [
      { ...run.context, pairingId: '' },
      { ...run.context, accountId: 7 },
      { ...run.context, newDeviceId: 'x'.repeat(257) },
      { ...run.context, now: Number.NaN },
      { ...run.context, expiresAt: '2026-12-01' },
      null,
    ];
    for (const context of broken) {
      await expectCode(
        () => revealPairing(run.nSecret, context as PairingContext, run.offer),
        'invalid_argument',
      );
    }
    const wrongRole = run.eSecret as unknown as NewDevicePairingSecret;
    await expectCode(() => revealPairing(wrongRole, run.context, run.offer), 'invalid_argument');
    const noKey = { ...run.nSecret, privateKey: toBase64url(new Uint8Array(48)) };
    await expectCode(() => revealPairing(noKey, run.context, run.offer), 'invalid_argument');
    const badNonce = { ...run.nSecret, nonce: 'short' };
    await expectCode(() => revealPairing(badNonce, run.context, run.offer), 'invalid_argument');
    await expectCode(
      () =>
        sealPairingBundle(
          run.eSecret,
          run.context,
          run.commitment,
          run.reveal,
          run.existingCode,
          run.confirmation,
          'not bytes' as unknown as Uint8Array,
        ),
      'invalid_argument',
    );
  });
});

describe('error messages', () => {
  it('never quote keys, nonces, confirmations or codes', async () => {
    const run = await honestRun();
    const sealed = await seal(run);
    const errors: CryptoError[] = [
      await cryptoErrorOf(() => seal(run, { existingCode: otherCode(run.existingCode) })),
      await cryptoErrorOf(() => open(run, flip(sealed, 20, 1))),
      await cryptoErrorOf(() =>
        checkReveal(run.eSecret, run.context, run.commitment, {
          ...run.reveal,
          confirmation: flip(run.reveal.confirmation, 0, 1),
        }),
      ),
      await cryptoErrorOf(() =>
        revealPairing(run.nSecret, run.context, {
          ...run.offer,
          publicKey: `${run.offer.publicKey}A`,
        }),
      ),
    ];
    const secrets = [
      run.nSecret.privateKey,
      run.eSecret.privateKey,
      run.nSecret.nonce,
      run.offer.nonce,
      run.offer.publicKey,
      run.reveal.confirmation,
      run.existingCode,
      run.existingCode.replace(' ', ''),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(CryptoError);
      expect(error.cause).toBeUndefined();
      for (const secret of secrets) expect(error.message).not.toContain(secret);
    }
  });
});

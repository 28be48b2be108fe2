/** Refresh-token lifetimes, grace re-issues, and reuse of withdrawn pairs (issue 12, item 6). */
import { expect, test } from 'vitest';
import { newDevice, type SuiteContext, signedIn, T0, tokenPair } from './context';

const DAY = 24 * 60 * 60 * 1000;
const MINUTE = 60_000;

export function tokenLifetimeTests(ctx: SuiteContext): void {
  test('a refresh token unused for the idle period (90 days by default) has expired', async () => {
    const { store, first } = await signedIn(ctx);
    expect(await store.rotateRefreshToken(first.refreshHash, tokenPair(), T0 + 90 * DAY)).toEqual({
      kind: 'expired',
    });
    // Expiry is not theft: it changes nothing, and says the same again.
    expect(
      (await store.rotateRefreshToken(first.refreshHash, tokenPair(), T0 + 91 * DAY)).kind,
    ).toBe('expired');
    // Used in time, the idle period starts again from the new pair.
    const { store: other, first: early } = await signedIn(ctx);
    const second = tokenPair();
    expect(
      (await other.rotateRefreshToken(early.refreshHash, second, T0 + 90 * DAY - 1)).kind,
    ).toBe('rotated');
    expect(
      (await other.rotateRefreshToken(second.refreshHash, tokenPair(), T0 + 179 * DAY)).kind,
    ).toBe('rotated');
  });

  test('the idle period is the one passed in', async () => {
    const { store, first } = await signedIn(ctx);
    const lifetimes = { idleMs: 10 * MINUTE, absoluteMs: 365 * DAY };
    const second = tokenPair();
    expect(
      (await store.rotateRefreshToken(first.refreshHash, second, T0 + 9 * MINUTE, lifetimes)).kind,
    ).toBe('rotated');
    expect(
      (await store.rotateRefreshToken(second.refreshHash, tokenPair(), T0 + 19 * MINUTE, lifetimes))
        .kind,
    ).toBe('expired');
  });

  test('however active, a family expires a year (by default) after its sign-in', async () => {
    const { store, first } = await signedIn(ctx);
    let current = first;
    for (let day = 30; day < 365; day += 30) {
      const next = tokenPair();
      expect((await store.rotateRefreshToken(current.refreshHash, next, T0 + day * DAY)).kind).toBe(
        'rotated',
      );
      current = next;
    }
    expect(
      await store.rotateRefreshToken(current.refreshHash, tokenPair(), T0 + 365 * DAY),
    ).toEqual({
      kind: 'expired',
    });
    // A shorter absolute lifetime passed in applies to families already signed in.
    const { store: other, first: young } = await signedIn(ctx);
    expect(
      (
        await other.rotateRefreshToken(young.refreshHash, tokenPair(), T0 + 2 * DAY, {
          idleMs: 90 * DAY,
          absoluteMs: 2 * DAY,
        })
      ).kind,
    ).toBe('expired');
  });

  test('presenting a pair withdrawn by the grace is reuse: the family is revoked and the device left out', async () => {
    const { store, account, device, first } = await signedIn(ctx);
    const lost = tokenPair();
    await store.rotateRefreshToken(first.refreshHash, lost, T0 + 1);
    const retried = tokenPair();
    expect((await store.rotateRefreshToken(first.refreshHash, retried, T0 + MINUTE)).kind).toBe(
      'rotated',
    );
    // Whoever presents the withdrawn token got it from somewhere: a thief who won the race.
    expect(await store.rotateRefreshToken(lost.refreshHash, tokenPair(), T0 + 2 * MINUTE)).toEqual({
      kind: 'reused',
    });
    expect(await store.findAccessToken(retried.accessHash, T0 + 2 * MINUTE)).toBeNull();
    expect(
      (await store.rotateRefreshToken(retried.refreshHash, tokenPair(), T0 + 3 * MINUTE)).kind,
    ).toBe('invalid');
    expect(await store.refreshTokenOwner(lost.refreshHash)).toMatchObject({
      accountId: account.id,
      deviceId: device.id,
      state: 'revoked',
    });
    // Flagged compromised: no longer listed, so a key rotation no longer seals to it.
    expect((await store.listDevices(account.id)).map((d) => d.id)).not.toContain(device.id);
  });

  test('any reuse flags the device compromised and leaves other devices listed', async () => {
    const { store, account, device, first } = await signedIn(ctx);
    const other = await newDevice(store, account.id);
    const second = tokenPair();
    await store.rotateRefreshToken(first.refreshHash, second, T0 + 1);
    await store.findAccessToken(second.accessHash, T0 + 2);
    expect((await store.rotateRefreshToken(first.refreshHash, tokenPair(), T0 + 3)).kind).toBe(
      'reused',
    );
    expect((await store.listDevices(account.id)).map((d) => d.id)).toEqual([other.id]);
    // It can still be revoked for good by the person.
    expect(await store.revokeDevice(account.id, device.id, T0 + 4)).toBe(true);
  });

  test('retries within the grace each get a new pair; presenting a pair they withdrew is reuse', async () => {
    // Several lost answers in a row (a server or network eating them) must not cost the device
    // its session; what keeps this safe is the fixed window and withdrawn pairs counting as reuse.
    const { store, device, first } = await signedIn(ctx);
    await store.rotateRefreshToken(first.refreshHash, tokenPair(), T0 + 1);
    const retried = tokenPair();
    expect((await store.rotateRefreshToken(first.refreshHash, retried, T0 + MINUTE)).kind).toBe(
      'rotated',
    );
    const again = tokenPair();
    expect((await store.rotateRefreshToken(first.refreshHash, again, T0 + 2 * MINUTE)).kind).toBe(
      'rotated',
    );
    expect(await store.findAccessToken(retried.accessHash, T0 + 2 * MINUTE)).toBeNull();
    expect(
      await store.rotateRefreshToken(retried.refreshHash, tokenPair(), T0 + 3 * MINUTE),
    ).toEqual({ kind: 'reused' });
    expect(await store.findAccessToken(again.accessHash, T0 + 3 * MINUTE)).toBeNull();
    expect((await store.listDevices(device.accountId)).map((d) => d.id)).not.toContain(device.id);
  });

  test('the grace counts from when the presented token was rotated, not from a re-issue', async () => {
    const { store, first } = await signedIn(ctx);
    const rotatedAt = T0 + 1;
    await store.rotateRefreshToken(first.refreshHash, tokenPair(), rotatedAt);
    // Exactly at the end of the window a retry is still honoured...
    const retried = tokenPair();
    expect(
      (await store.rotateRefreshToken(first.refreshHash, retried, rotatedAt + 5 * MINUTE)).kind,
    ).toBe('rotated');
    // ...and a re-issue does not open a new window for the token it answered.
    expect(
      (await store.rotateRefreshToken(first.refreshHash, tokenPair(), rotatedAt + 5 * MINUTE + 1))
        .kind,
    ).toBe('reused');

    const { store: other, first: late } = await signedIn(ctx);
    await other.rotateRefreshToken(late.refreshHash, tokenPair(), rotatedAt);
    expect(
      (await other.rotateRefreshToken(late.refreshHash, tokenPair(), rotatedAt + 5 * MINUTE + 1))
        .kind,
    ).toBe('reused');
  });

  test('a grace re-issue is refused once the family is past its absolute lifetime', async () => {
    const { store, first } = await signedIn(ctx);
    const lifetimes = { idleMs: 90 * DAY, absoluteMs: 2 * MINUTE };
    await store.rotateRefreshToken(first.refreshHash, tokenPair(), T0 + MINUTE, lifetimes);
    expect(
      (await store.rotateRefreshToken(first.refreshHash, tokenPair(), T0 + 3 * MINUTE, lifetimes))
        .kind,
    ).toBe('expired');
  });
}

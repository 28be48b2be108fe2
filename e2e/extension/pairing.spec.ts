/**
 * A new browser profile joins an account without typing the recovery key: it asks, the profile
 * already in use shows the request (badge and popup), the person types the code the new profile
 * shows on the one in use and confirms on the new one, and only then is the key sent. A denial reaches the new profile as a clear message and changes nothing.
 */
import type { Page } from '@playwright/test';
import type { TestServer } from '../../src/server/testing';
import { expectAccessible } from '../a11y/axe';
import { connectNewAccount, decideInTab, expectInSync, startConnect, userCodeIn } from './connect';
import { badgeText, expect, launchProfile, type Profile, screenshot, test } from './fixtures';
import { createProfile } from './records';
import { newPerson, type Person, startSyncServer } from './sync-server';

let server: TestServer;
test.beforeAll(async () => {
  server = await startSyncServer();
});
test.afterAll(async () => {
  await server?.close();
});

/** Signs a profile in to an existing account and stops at the key step. */
async function signInOnly(profile: Profile, person: Person): Promise<Page> {
  const popup = await profile.openPopup();
  const tab = await startConnect(profile, popup, server.url);
  await decideInTab(tab, await userCodeIn(popup), person);
  await tab.close();
  await expect(popup.getByRole('heading', { name: 'Unlock your settings' })).toBeVisible({
    timeout: 15_000,
  });
  return popup;
}

/** Opening the popup of the existing device is enough: it asks the server for requests. */
async function noticeRequest(profile: Profile, popup: Page): Promise<void> {
  await popup.bringToFront();
  await popup.reload();
  await expect(popup.getByRole('heading', { name: 'A device wants to join' })).toBeVisible({
    timeout: 15_000,
  });
  await expect.poll(async () => badgeText(await profile.serviceWorker())).toBe('+1');
}

test('a new profile is approved from an existing one: code typed on one, confirmed on the other, no recovery key typed', async ({
  profile: laptop,
}) => {
  test.setTimeout(150_000);
  const person = newPerson();
  const { popup: laptopPopup } = await connectNewAccount(laptop, server.url, person);
  const options = await laptop.openOptions('records');
  await createProfile(options, { name: 'Work', provider: 'openai', model: 'gpt-4o' });
  await laptopPopup.bringToFront();
  await expectInSync(laptopPopup);

  const phone = await launchProfile();
  try {
    const phonePopup = await signInOnly(phone, person);
    await phonePopup.getByTestId('pairing-start').click();
    await expect(
      phonePopup.getByRole('heading', { name: 'Approve from another device' }),
    ).toBeVisible();
    await screenshot(phonePopup, 'pairing-new-device-waiting');

    await noticeRequest(laptop, laptopPopup);
    const request = laptopPopup.getByTestId('pairing-request');
    await expect(request).toHaveCount(1);
    await screenshot(laptopPopup, 'pairing-request');
    await expectAccessible(laptopPopup, 'popup, a device asks to join');
    await request.getByRole('button', { name: /^Review / }).click();

    // The person reads the code on the new profile...
    await phonePopup.bringToFront();
    const phoneCode = phonePopup.getByTestId('pairing-code');
    await expect(phoneCode).toHaveText(/^\d{3} \d{3}$/, { timeout: 20_000 });
    const code = (await phoneCode.textContent())?.trim() as string;
    await screenshot(phonePopup, 'pairing-new-device-code');
    await expectAccessible(phonePopup, 'popup, the new device shows its code');
    // ...types it on the one in use, which never shows its own code (so it cannot be copied)...
    await laptopPopup.bringToFront();
    const typed = laptopPopup.getByRole('textbox', { name: /^Code shown on / });
    await expect(typed).toBeVisible({ timeout: 20_000 });
    await expect(typed).toHaveAttribute('inputmode', 'numeric');
    await expect(typed).toHaveAttribute('autocomplete', 'off');
    await expect(laptopPopup.getByTestId('pairing-code')).toHaveCount(0);
    // A wrong code is refused, announced, and sends nothing.
    await typed.fill(code.replace(/\d$/, (d) => String((Number(d) + 1) % 10)));
    await laptopPopup.getByTestId('pairing-approve').click();
    await expect(laptopPopup.getByRole('alert')).toContainText(/not the code the new device shows/);
    await expect(typed).toHaveAttribute('aria-invalid', 'true');
    await typed.fill(code);
    await screenshot(laptopPopup, 'pairing-type-code');
    await expectAccessible(laptopPopup, 'popup, typing the code');
    await laptopPopup.getByTestId('pairing-approve').click();
    // The code matched the laptop's own: it waits for the person to confirm on the phone.
    await expect(laptopPopup.getByText(/Code correct\. Now confirm on/)).toBeVisible({
      timeout: 20_000,
    });
    await screenshot(laptopPopup, 'pairing-code-accepted');
    // ...and confirms on the new profile, which proves it to the laptop before the key is sent.
    await phonePopup.bringToFront();
    await phonePopup.getByTestId('pairing-confirm').click();
    await phonePopup.bringToFront();
    await expect(phonePopup.getByTestId('count-profiles')).toHaveText('1', { timeout: 30_000 });
    await expectInSync(phonePopup);
    await expect(phonePopup.getByTestId('recovery-key')).toHaveCount(0);
    const phoneOptions = await phone.openOptions('records');
    await expect(
      phoneOptions.getByRole('list', { name: 'Profiles' }).getByRole('button', { name: 'Work' }),
    ).toBeVisible();
    // Both devices hold the same account key.
    const fingerprintOf = async (profile: Profile) => {
      const page = await profile.openOptions('security');
      await expect(page.getByTestId('fingerprint')).toHaveText(/^[A-Za-z0-9_-]{22}$/);
      return (await page.getByTestId('fingerprint').textContent())?.trim();
    };
    expect(await fingerprintOf(phone)).toBe(await fingerprintOf(laptop));
    await laptopPopup.bringToFront();
    await expect(laptopPopup.getByRole('heading', { name: 'A device wants to join' })).toHaveCount(
      0,
    );
    expect(await badgeText(await laptop.serviceWorker())).toBe('');
  } finally {
    await phone.close();
  }
});

test('a denied request tells the new profile and leaves it locked', async ({ profile: laptop }) => {
  test.setTimeout(120_000);
  const person = newPerson();
  const { popup: laptopPopup } = await connectNewAccount(laptop, server.url, person);
  const phone = await launchProfile();
  try {
    const phonePopup = await signInOnly(phone, person);
    await phonePopup.getByTestId('pairing-start').click();
    await noticeRequest(laptop, laptopPopup);
    await laptopPopup
      .getByTestId('pairing-request')
      .getByRole('button', { name: /^Deny / })
      .click();
    await phonePopup.bringToFront();
    await expect(phonePopup.getByRole('alert')).toContainText(/said no/i, {
      timeout: 20_000,
    });
    await screenshot(phonePopup, 'pairing-denied');
    await phonePopup.getByRole('button', { name: 'Use recovery key instead' }).click();
    await expect(phonePopup.getByRole('heading', { name: 'Unlock your settings' })).toBeVisible();
  } finally {
    await phone.close();
  }
});

/**
 * Live sync between two browser profiles on one account, over the real server's /v1/live: an
 * edit saved in one shows in the other's open options page with no click, long before its 5-minute
 * timer; the popup says "Live" only while the stream is held, and the timer when live sync is
 * off; a worker the browser stopped catches up on its next wake-up.
 */
import type { Page } from '@playwright/test';
import type { TestServer } from '../../src/server/testing';
import { connectExistingAccount, connectNewAccount, expectInSync } from './connect';
import { expect, launchProfile, screenshot, stopServiceWorker, test } from './fixtures';
import { createProfile, editProfile } from './records';
import { newPerson, startSyncServer } from './sync-server';

let server: TestServer;
test.beforeAll(async () => {
  server = await startSyncServer();
});
test.afterAll(async () => {
  await server?.close();
});

/** Well under the default 5-minute timer: only the stream can bring an edit this fast. */
const LIVE_WITHIN_MS = 15_000;

const profileButton = (options: Page, name: string) =>
  options.getByRole('list', { name: 'Profiles' }).getByRole('button', { name });

async function expectLive(popup: Page): Promise<void> {
  await expect(popup.getByTestId('sync-mode')).toHaveAttribute('data-mode', 'live', {
    timeout: LIVE_WITHIN_MS,
  });
  await expect(popup.getByTestId('sync-mode')).toHaveText('Live');
}

test('an edit saved in one profile shows in the other at once; a stopped worker catches up when it wakes', async ({
  profile: laptop,
}) => {
  test.setTimeout(180_000);
  const person = newPerson();
  const { popup: laptopPopup, recoveryKey } = await connectNewAccount(laptop, server.url, person);
  const laptopOptions = await laptop.openOptions('records');
  await createProfile(laptopOptions, { name: 'Work', provider: 'openai', model: 'gpt-4o' });
  await laptopPopup.bringToFront();
  await expectInSync(laptopPopup);
  await expectLive(laptopPopup);

  const desktop = await launchProfile();
  try {
    const desktopPopup = await connectExistingAccount(desktop, server.url, person, recoveryKey);
    await expectLive(desktopPopup);
    await expect(desktopPopup.getByTestId('count-profiles')).toHaveText('1');
    await screenshot(desktopPopup, 'popup-live');
    const desktopOptions = await desktop.openOptions('records');
    await expect(profileButton(desktopOptions, 'Work')).toBeVisible();
    // The timer stays at its default: 5 minutes.
    expect(await desktopPopup.getByTestId('sync-mode').getAttribute('data-mode')).toBe('live');

    // Saved on the laptop; the desktop's open options page shows it by itself.
    await laptopOptions.bringToFront();
    const savedAt = Date.now();
    await editProfile(laptopOptions, 'Work', { name: 'Work (live)' });
    await desktopOptions.bringToFront();
    await expect(profileButton(desktopOptions, 'Work (live)')).toBeVisible({
      timeout: LIVE_WITHIN_MS,
    });
    const tookMs = Date.now() - savedAt;
    expect(tookMs).toBeLessThan(LIVE_WITHIN_MS);
    test.info().annotations.push({ type: 'edit-to-visible', description: `${tookMs} ms` });

    // The activity log says a live poke caused that pull.
    await desktopOptions.getByRole('link', { name: 'Activity' }).click();
    await expect(desktopOptions.locator('tbody td[data-trigger="live"]').first()).toHaveText(
      'Live: another device saved a change',
    );
    await screenshot(desktopOptions, 'options-activity-live');

    // The browser stops the desktop's worker while no page of it is open; the laptop edits.
    await desktopPopup.close();
    await desktopOptions.close();
    const blank = await desktop.context.newPage();
    await stopServiceWorker(desktop, blank);
    await editProfile(laptopOptions, 'Work (live)', { name: 'Work (while stopped)' });
    await laptopPopup.bringToFront();
    await expectInSync(laptopPopup);
    // The next wake-up (a page opening) catches up with no click, and the stream is back.
    const woken = await desktop.openOptions('records');
    await expect(profileButton(woken, 'Work (while stopped)')).toBeVisible({
      timeout: LIVE_WITHIN_MS,
    });
    const reopened = await desktop.openPopup();
    await expectLive(reopened);
  } finally {
    await desktop.close();
  }
});

test('the options page turns live sync off and on; the popup says which mode syncs', async ({
  profile,
}) => {
  test.setTimeout(120_000);
  const { popup } = await connectNewAccount(profile, server.url, newPerson());
  await expectLive(popup);
  const options = await profile.openOptions('sync');
  const toggle = options.getByRole('switch', { name: /Live sync/ });
  await expect(toggle).toBeChecked();
  await expect(options.getByTestId('sync-mode')).toHaveText('Live');

  await toggle.uncheck();
  await expect(options.getByTestId('sync-mode')).toHaveText('Syncs every 5 min');
  await popup.bringToFront();
  await expect(popup.getByTestId('sync-mode')).toHaveText('Syncs every 5 min');
  await expect(popup.getByTestId('sync-mode')).toHaveAttribute('data-mode', 'interval');
  await screenshot(popup, 'popup-live-off');

  await options.bringToFront();
  await toggle.check();
  await expectLive(popup);
  // Settings outlive the worker: a restarted one reads live sync as on and holds the stream.
  await stopServiceWorker(profile, options);
  await popup.reload();
  await expectLive(popup);
});

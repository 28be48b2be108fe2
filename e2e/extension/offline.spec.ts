/**
 * Offline editing: the browser goes offline, edits are made and shown as pending, and once it is
 * back online they sync without any click.
 */
import type { TestServer } from '../../src/server/testing';
import { connectNewAccount, expectInSync } from './connect';
import { expect, screenshot, test } from './fixtures';
import { createProfile, editProfile } from './records';
import { newPerson, startSyncServer } from './sync-server';

let server: TestServer;
test.beforeAll(async () => {
  server = await startSyncServer();
});
test.afterAll(async () => {
  await server?.close();
});

test('edits made offline show as pending and sync by themselves when back online', async ({
  profile,
}) => {
  test.setTimeout(90_000);
  const { popup } = await connectNewAccount(profile, server.url, newPerson());
  const options = await profile.openOptions('records');
  await createProfile(options, { name: 'Home', provider: 'openai', model: 'gpt-4o' });
  await popup.bringToFront();
  await expectInSync(popup);

  await profile.context.setOffline(true);
  await options.bringToFront();
  await editProfile(options, 'Home', { name: 'Home (offline)' });
  await createProfile(options, { name: 'Travel', provider: 'openai', model: 'gpt-4o-mini' });
  const list = options.getByRole('list', { name: 'Profiles' });
  await expect(list.getByRole('button', { name: /Home \(offline\).*pending sync/ })).toBeVisible();
  await expect(list.getByRole('button', { name: /Travel.*pending sync/ })).toBeVisible();

  await popup.bringToFront();
  await expect(popup.getByTestId('count-pending')).toHaveText('2');
  await expect(popup.getByTestId('count-profiles')).toHaveText('2');
  // The debounced sync fails for want of a network: the popup says so and keeps the edits.
  await expect(popup.getByTestId('status')).toHaveText('Offline', { timeout: 15_000 });
  await expect(popup.getByRole('status').filter({ hasText: 'You are offline' })).toBeVisible();
  // With no network there is nothing "Sync now" could do: it says so instead of failing.
  await expect(popup.getByRole('button', { name: 'Sync now' })).toBeDisabled();
  await expect(popup.getByText('No network: edits are kept')).toBeVisible();
  await screenshot(popup, 'popup-offline-pending');

  const backOnlineAt = Date.now();
  await profile.context.setOffline(false);
  await expectInSync(popup);
  await expect(popup.getByRole('button', { name: 'Sync now' })).toBeEnabled();
  await expect(popup.getByTestId('count-profiles')).toHaveText('2');
  await options.bringToFront();
  await expect(list.getByText('pending sync')).toHaveCount(0);
  await options.getByRole('link', { name: 'Activity' }).click();
  // The run that sent both edits (live sync may log a quiet run after it once its stream is back).
  const sent = options
    .locator('tbody tr')
    .filter({ has: options.locator('td:nth-child(4)', { hasText: /^2$/ }) });
  await expect(sent).toHaveCount(1);
  await expect(sent.locator('td').nth(6)).toHaveText('OK');
  // Coming back online started it, or the last edit's own push when its short pause ended just
  // after: never a retry timer that happened to fire. One retry is honest: the emulated network
  // comes back target by target, so the worker can see `navigator.onLine` turn true while its
  // own requests still fail; then the run just before it (started by the return, or by the edit's
  // pause ending at that moment) began once the network was given back, failed, and its short
  // retry sent the edits. A run that failed while still offline does not excuse a retry.
  const trigger = sent.locator('td').nth(1);
  if ((await trigger.getAttribute('data-trigger')) === 'retry') {
    const before = sent.locator('xpath=following-sibling::tr[1]').locator('td');
    await expect(before.nth(1)).toHaveAttribute('data-trigger', /^(online|edit)$/);
    await expect(before.nth(6)).not.toHaveText('OK');
    const startedAt = await before.nth(0).locator('time').getAttribute('datetime');
    expect(Date.parse(startedAt ?? '')).toBeGreaterThanOrEqual(backOnlineAt);
  } else {
    await expect(trigger).toHaveAttribute('data-trigger', /^(online|edit)$/);
    await expect(trigger).toHaveText(/^(Back online|An edit on this device)$/);
  }
});

test('"Last synced" ages while the popup stays open', async ({ profile }) => {
  test.setTimeout(60_000);
  const { popup } = await connectNewAccount(profile, server.url, newPerson());
  // The popup's own clock, installed before its scripts run; the worker keeps real time.
  await popup.clock.install();
  await popup.reload();
  await expectInSync(popup);
  await expect(popup.getByTestId('last-sync')).toContainText('Last synced just now');
  await popup.clock.fastForward('03:00');
  await expect(popup.getByTestId('last-sync')).toContainText(/Last synced [23] minutes ago/);
});

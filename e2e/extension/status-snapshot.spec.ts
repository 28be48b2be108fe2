/**
 * The popup paints its status in the first frame even when the browser stopped the worker (which
 * Chromium does to every idle extension worker after 30 s): the worker keeps its last status in
 * storage.session, the popup paints it marked "as of …", and the worker's own status replaces it.
 * A snapshot is never shown as current, and a signed-out device never paints the old account.
 */
import type { Page } from '@playwright/test';
import type Browser from 'webextension-polyfill';
import type { TestServer } from '../../src/server/testing';
import { connectNewAccount, expectInSync } from './connect';
import { expect, POPUP_PATH, screenshot, stopServiceWorker, test } from './fixtures';
import { createProfile } from './records';
import { openRecorded, seenStatuses } from './status-recorder';
import { newPerson, startSyncServer } from './sync-server';

let server: TestServer;
test.beforeAll(async () => {
  server = await startSyncServer();
});
test.afterAll(async () => {
  await server?.close();
});

/** What the worker keeps for the pages, read as a page reads it. */
async function storedSnapshot(page: Page) {
  return page.evaluate(async () => {
    const { storage } = (globalThis as unknown as { chrome: { storage: Browser.Storage.Static } })
      .chrome;
    const kept = await storage.session.get('satchel.statusSnapshot');
    return kept['satchel.statusSnapshot'] as
      | {
          at: number;
          status: { state: { kind: string }; counts: { profiles: number }; pendingEdits: number };
        }
      | undefined;
  });
}

test('a popup opened on a stopped worker paints the last status at once, as of when, then the live one', async ({
  profile,
}) => {
  test.setTimeout(120_000);
  const { popup } = await connectNewAccount(profile, server.url, newPerson());
  const options = await profile.openOptions('records');
  await createProfile(options, { name: 'Work', provider: 'openai', model: 'gpt-4o' });
  await popup.bringToFront();
  await expectInSync(popup);
  await expect
    .poll(
      async () => {
        const kept = (await storedSnapshot(popup))?.status;
        return kept && [kept.state.kind, kept.counts.profiles, kept.pendingEdits];
      },
      { timeout: 10_000 },
    )
    .toEqual(['idle', 1, 0]);
  // No extension page may stay open: its port would wake the worker again at once.
  await options.close();
  await popup.close();
  const blank = await profile.context.newPage();
  await stopServiceWorker(profile, blank);

  const reopened = await openRecorded(
    profile.context,
    `chrome-extension://${profile.extensionId}/${POPUP_PATH}`,
  );
  await expect(reopened.getByTestId('status')).toHaveText('In sync', { timeout: 20_000 });
  await expect(reopened.getByTestId('status')).not.toHaveAttribute('data-as-of');
  const pills = await seenStatuses(reopened);
  // The first status painted is the kept one, marked with its time and in no colour of its own;
  // the worker's answer replaced it.
  expect(pills[0]).toMatchObject({ phase: 'idle', profiles: '1' });
  expect(pills[0]?.asOf).not.toBeNull();
  expect(pills[0]?.text).toMatch(/^In sync · as of (just now|\d+ minutes? ago)$/);
  expect(pills.at(-1)).toMatchObject({ text: 'In sync', asOf: null, profiles: '1' });
  await screenshot(reopened, 'popup-live-after-snapshot');
});

test('after disconnecting, a popup on a stopped worker never paints the old account as in sync', async ({
  profile,
}) => {
  test.setTimeout(120_000);
  const { popup } = await connectNewAccount(profile, server.url, newPerson());
  await popup.getByRole('button', { name: /Disconnect this device/ }).click();
  await expect(popup.getByRole('button', { name: 'Check server' })).toBeVisible({
    timeout: 20_000,
  });
  // A change of state is kept at once, not after the pause progress waits for.
  await expect
    .poll(async () => (await storedSnapshot(popup))?.status.state.kind, { timeout: 2_000 })
    .toBe('signedOut');
  await popup.close();
  const blank = await profile.context.newPage();
  await stopServiceWorker(profile, blank);

  const reopened = await openRecorded(
    profile.context,
    `chrome-extension://${profile.extensionId}/${POPUP_PATH}`,
  );
  await expect(reopened.getByRole('button', { name: 'Check server' })).toBeVisible({
    timeout: 20_000,
  });
  const seen = await seenStatuses(reopened);
  expect(seen.length).toBeGreaterThan(0);
  expect(seen.map((entry) => entry.screen)).not.toContain('overview');
  expect(seen.every((entry) => entry.phase === null)).toBe(true);
});

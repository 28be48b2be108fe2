/**
 * The edit-to-visible half of bench/live.ts: two extension profiles of one account in real
 * Chromium. An edit is typed and saved in A's options page; the time is taken in A's page at the
 * Save click and in B's open options page when the new name appears in its list (a mutation
 * observer there, so no polling interval is added to the figure). Both are wall-clock times of
 * one machine.
 */
import type { Page } from '@playwright/test';
import {
  connectExistingAccount,
  connectNewAccount,
  expectInSync,
} from '../../e2e/extension/connect';
import { launchProfile, type Profile } from '../../e2e/extension/fixtures';
import { createProfile, fillProfile, openProfile } from '../../e2e/extension/records';
import { newPerson } from '../../e2e/extension/sync-server';

export interface Pair {
  a: Profile;
  b: Profile;
  editor: Page;
  watcher: Page;
  /** B's options page at the Sync section (the live switch, the interval). */
  settings: Page;
  close(): Promise<void>;
}

declare global {
  interface Window {
    __satchelSeen?: Record<string, number>;
    __satchelClickedAt?: number;
  }
}

/**
 * Installed in B's options page as source text: tsx names inner functions with a helper that
 * does not exist in the page.
 */
const WATCH_NAMES = `(() => {
  const seen = {};
  window.__satchelSeen = seen;
  function scan() {
    const now = Date.now();
    for (const button of document.querySelectorAll('ul[aria-label="Profiles"] button')) {
      const match = /Bench (\\d+)/.exec(button.textContent || '');
      if (match && seen[match[1]] === undefined) seen[match[1]] = now;
    }
  }
  new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, characterData: true });
  scan();
})()`;

export async function setUpPair(serverUrl: string): Promise<Pair> {
  const person = newPerson();
  const a = await launchProfile();
  const b = await launchProfile();
  const { popup, recoveryKey } = await connectNewAccount(a, serverUrl, person);
  const editor = await a.openOptions('records');
  await createProfile(editor, { name: 'Bench start', provider: 'openai', model: 'gpt-4o' });
  await popup.bringToFront();
  await expectInSync(popup);
  await popup.close();
  const popupB = await connectExistingAccount(b, serverUrl, person, recoveryKey);
  await popupB.close();
  const watcher = await b.openOptions('records');
  await watcher.getByRole('tab', { name: /Profiles/ }).click();
  await watcher.evaluate(WATCH_NAMES);
  const settings = await b.openOptions('sync');
  await openProfile(editor, 'Bench start');
  await editor.evaluate(() =>
    document.addEventListener('click', () => (window.__satchelClickedAt = Date.now()), true),
  );
  return {
    a,
    b,
    editor,
    watcher,
    settings,
    async close() {
      await a.close();
      await b.close();
    },
  };
}

/** Saves `Bench <n>` in A and waits for it in B; the latency in ms, or null past `timeoutMs`. */
export async function editToVisible(
  pair: Pair,
  n: number,
  timeoutMs: number,
): Promise<number | null> {
  await fillProfile(pair.editor, { name: `Bench ${n}` });
  await pair.editor.getByRole('button', { name: 'Save', exact: true }).click();
  const clickedAt = await pair.editor.evaluate(() => window.__satchelClickedAt ?? 0);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const seenAt = await pair.watcher.evaluate((key) => window.__satchelSeen?.[key], String(n));
    if (seenAt !== undefined) return seenAt - clickedAt;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return null;
}

/** B's live sync switch and timer, through its options page as a person sets them. */
export async function setLive(pair: Pair, on: boolean, intervalMinutes: number): Promise<void> {
  const page = pair.settings;
  const toggle = page.getByRole('switch', { name: /Live sync/ });
  if ((await toggle.isChecked()) !== on) await toggle.click();
  await page.getByLabel('Sync every (minutes)').fill(String(intervalMinutes));
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page
    .getByTestId('interval-current')
    .filter({ hasText: `Now syncing every ${intervalMinutes} minutes.` })
    .waitFor();
  await page
    .getByTestId('sync-mode')
    .and(page.locator(`[data-mode="${on ? 'live' : 'interval'}"]`))
    .waitFor({ timeout: 20_000 });
}

/**
 * The JS heap of B's extension service worker (CDP Runtime.getHeapUsage on its target): what the
 * worker holds, without the renderer process around it.
 */
export async function workerHeap(profile: Profile, page: Page): Promise<number> {
  const cdp = await profile.context.newCDPSession(page);
  try {
    const { targetInfos } = (await cdp.send('Target.getTargets')) as {
      targetInfos: { targetId: string; type: string; url: string }[];
    };
    const target = targetInfos.find(
      (t) =>
        t.type === 'service_worker' &&
        t.url.startsWith(`chrome-extension://${profile.extensionId}/`),
    );
    if (!target) throw new Error('the extension service worker is not running');
    const { sessionId } = (await cdp.send('Target.attachToTarget', {
      targetId: target.targetId,
      flatten: false,
    })) as { sessionId: string };
    const answer = new Promise<number>((resolve, reject) => {
      cdp.on(
        'Target.receivedMessageFromTarget',
        (event: { sessionId: string; message: string }) => {
          if (event.sessionId !== sessionId) return;
          const message = JSON.parse(event.message) as {
            id?: number;
            result?: { usedSize: number };
            error?: unknown;
          };
          if (message.id !== 1) return;
          if (message.result) resolve(message.result.usedSize);
          else reject(new Error(JSON.stringify(message.error)));
        },
      );
    });
    for (const method of ['HeapProfiler.collectGarbage', 'Runtime.getHeapUsage']) {
      await cdp.send('Target.sendMessageToTarget', {
        sessionId,
        message: JSON.stringify({ id: method === 'Runtime.getHeapUsage' ? 1 : 0, method }),
      });
    }
    const used = await answer;
    await cdp.send('Target.detachFromTarget', { sessionId });
    return used;
  } finally {
    await cdp.detach();
  }
}

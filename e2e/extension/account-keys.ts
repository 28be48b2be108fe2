/**
 * What the key-rotation tests read and do on an extension profile: its stored session and key
 * (as a thief who copied its storage would), the fingerprint a Security section shows, and a
 * revoke followed by a rotation on the Devices page.
 */
import type { Page, Worker } from '@playwright/test';
import { expect } from './fixtures';

export interface StoredKeys {
  accountId: string;
  deviceId: string;
  epoch: number;
  master: number[];
  tokenRoot: number[];
}

/** The session and key the profile's engine keeps in IndexedDB. */
export function storedKeys(worker: Worker): Promise<StoredKeys> {
  return worker.evaluate(
    () =>
      new Promise<StoredKeys>((resolve, reject) => {
        const open = indexedDB.open('satchel');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const meta = open.result.transaction('meta').objectStore('meta');
          const session = meta.get('session');
          const keys = meta.get('keys');
          keys.onsuccess = () => {
            const k = keys.result;
            resolve({
              accountId: k.accountId,
              deviceId: session.result.deviceId,
              epoch: k.epoch,
              master: [...k.master],
              tokenRoot: [...k.tokenRoot],
            });
            open.result.close();
          };
        };
      }),
  );
}

/** The fingerprint a Security section (extension options or app) shows, once it has loaded. */
export async function shownFingerprint(page: Page): Promise<string> {
  await expect(page.getByTestId('fingerprint')).toHaveText(/^[A-Za-z0-9_-]{22}$/, {
    timeout: 30_000,
  });
  return (await page.getByTestId('fingerprint').textContent())?.trim() ?? '';
}

/**
 * The Devices page: revoke the device called `name` (confirming), then rotate from the panel,
 * which makes a new recovery key by default; returns it once saved.
 */
export async function revokeAndRotate(options: Page, name: string): Promise<string> {
  options.once('dialog', (dialog) => void dialog.accept());
  const row = options.locator('ul.list > li').filter({ hasText: name });
  await row.getByRole('button', { name: 'Revoke' }).click();
  const panel = options.getByTestId('revoked-panel');
  await expect(panel).toContainText(`${name} can no longer sync`, { timeout: 30_000 });
  await expect(panel.getByTestId('new-recovery-key')).toBeChecked();
  await panel.getByTestId('rotate-key').click();
  const shown = options.getByTestId('recovery-key');
  await expect(shown).toBeVisible({ timeout: 60_000 });
  const recoveryKey = (await shown.textContent())?.trim() ?? '';
  await options.getByLabel('I have saved my recovery key somewhere safe').check();
  await options.getByRole('button', { name: 'Continue' }).click();
  return recoveryKey;
}

/**
 * Records every status a page paints, from its first frame on: the status pill's text, phase and
 * "as of" mark, and the screen shown. For specs about what shows before the worker answers.
 */
import type { BrowserContext, Page, ViewportSize } from '@playwright/test';

export type SeenStatus = {
  screen: string | null;
  text: string;
  phase: string | null;
  asOf: string | null;
  profiles: string | null;
};

/** Opens `url` in a new page whose recorder is installed before the page's own scripts run. */
export async function openRecorded(
  context: BrowserContext,
  url: string,
  viewport: ViewportSize = { width: 380, height: 600 },
): Promise<Page> {
  const page = await context.newPage();
  await recordStatuses(page);
  await page.setViewportSize(viewport);
  await page.goto(url);
  return page;
}

/** Installs the recorder for this page's next loads. */
export async function recordStatuses(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: SeenStatus[] = [];
    Reflect.set(globalThis, '__statuses', seen);
    const record = () => {
      const pill = document.querySelector<HTMLElement>('[data-testid="status"]');
      const screen = document.querySelector<HTMLElement>('[data-screen]')?.dataset.screen ?? null;
      if (!pill && !screen) return;
      const entry = {
        screen,
        text: pill?.textContent ?? '',
        phase: pill?.dataset.phase ?? null,
        asOf: pill?.dataset.asOf ?? null,
        profiles: document.querySelector('[data-testid="count-profiles"]')?.textContent ?? null,
      };
      const last = seen.at(-1);
      if (!last || JSON.stringify(last) !== JSON.stringify(entry)) seen.push(entry);
    };
    new MutationObserver(record).observe(document, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
  });
}

export function seenStatuses(page: Page): Promise<SeenStatus[]> {
  return page.evaluate(() => Reflect.get(globalThis, '__statuses') as SeenStatus[]);
}

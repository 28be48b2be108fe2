/**
 * Fills an extension profile with profiles for a benchmark: through the same port and commands the
 * UI uses (`records.save`), in batches so the worker stays responsive. Run it from the popup: the
 * options page would list again on each write.
 */
import type { Page } from '@playwright/test';
import type Browser from 'webextension-polyfill';

export async function seedProfiles(page: Page, count: number): Promise<number> {
  // tsx names functions with an `__name` helper that does not exist in the page.
  await page.evaluate('globalThis.__name = (fn) => fn');
  const t0 = Date.now();
  await page.evaluate(async (count) => {
    const { runtime } = (globalThis as unknown as { chrome: { runtime: Browser.Runtime.Static } })
      .chrome;
    const port = runtime.connect({ name: 'satchel' });
    let next = 1;
    const waiting = new Map<number, (ok: boolean) => void>();
    port.onMessage.addListener((message: unknown) => {
      const m = message as { type: string; id: number; ok: boolean };
      if (m.type === 'result') waiting.get(m.id)?.(m.ok);
    });
    const call = (input: unknown) =>
      new Promise<boolean>((resolve) => {
        const id = next++;
        waiting.set(id, resolve);
        port.postMessage({ type: 'call', id, name: 'records.save', input });
      });
    for (let i = 0; i < count; i += 200) {
      const batch = [];
      for (let j = i; j < Math.min(count, i + 200); j++) {
        batch.push(
          call({
            collection: 'profiles',
            value: {
              name: `Profile ${j}`,
              provider: 'openai',
              model: 'gpt-4o',
              apiKey: `sk-bench-${j}`,
            },
          }),
        );
      }
      if ((await Promise.all(batch)).includes(false)) throw new Error('a seed write failed');
    }
    port.disconnect();
  }, count);
  return Date.now() - t0;
}

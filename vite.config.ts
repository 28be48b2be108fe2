import { readFileSync } from 'node:fs';
import type { ManifestV3Export } from '@crxjs/vite-plugin';
import { crx } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { noRawHtml } from './scripts/vite-no-raw-html.ts';

/**
 * The browser extension. `vite build` writes the Chromium build to dist/extension;
 * `vite build --mode firefox` writes dist/firefox, where Firefox's MV3 runs background scripts
 * (not a service worker) and needs a gecko id. One manifest.json is the source for both.
 */
const GECKO_ID = 'extension@satchel.dev';

type Manifest = Extract<ManifestV3Export, { manifest_version: number }>;

function manifestFor(browser: 'chrome' | 'firefox'): Manifest {
  const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8'));
  if (browser === 'chrome') return manifest;
  const { service_worker, ...background } = manifest.background;
  // Chromium's floor (the build target: WebSocket traffic keeps its worker alive since 116).
  const { minimum_chrome_version, ...rest } = manifest;
  return {
    ...rest,
    background: { ...background, scripts: [service_worker] },
    browser_specific_settings: {
      gecko: {
        id: GECKO_ID,
        strict_min_version: '142.0',
        data_collection_permissions: { required: ['none'] },
      },
    },
  };
}

export default defineConfig(({ mode }) => {
  const browser = mode === 'firefox' ? 'firefox' : 'chrome';
  return {
    plugins: [noRawHtml(), preact(), crx({ manifest: manifestFor(browser), browser })],
    build: {
      outDir: browser === 'firefox' ? 'dist/firefox' : 'dist/extension',
      emptyOutDir: true,
      target: browser === 'firefox' ? 'firefox142' : 'chrome120',
      // Keep modules readable in bug reports; the popup size budget is checked by bench/.
      sourcemap: false,
      // Extension pages load from the package: the polyfill only adds bytes to the popup.
      modulePreload: { polyfill: false },
    },
  };
});

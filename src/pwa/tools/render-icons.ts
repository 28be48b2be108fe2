/**
 * Renders the app's icons into src/pwa/public from the SVG mark, with Chromium as the
 * rasteriser (the one the tests use). Run with `npx tsx src/pwa/tools/render-icons.ts`; the
 * files are committed, so the build needs neither this script nor a browser.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { chromiumPath } from '../../../playwright.config';
import { satchelSvg } from '../../protocol/brand-icon';

const publicDir = join(import.meta.dirname, '../public');
const icons = [
  { file: 'icons/app-192.png', size: 192, maskable: false },
  { file: 'icons/app-512.png', size: 512, maskable: false },
  { file: 'icons/maskable-192.png', size: 192, maskable: true },
  { file: 'icons/maskable-512.png', size: 512, maskable: true },
  // iOS ignores the manifest's icons and shows transparency as black: a filled square.
  { file: 'icons/apple-touch-icon-180.png', size: 180, maskable: true },
];

mkdirSync(join(publicDir, 'icons'), { recursive: true });
writeFileSync(join(publicDir, 'icon.svg'), `${satchelSvg({ maskable: false })}\n`);

const browser = await chromium.launch({ executablePath: chromiumPath });
try {
  const page = await browser.newPage();
  for (const icon of icons) {
    await page.setViewportSize({ width: icon.size, height: icon.size });
    const svg = satchelSvg({ maskable: icon.maskable }).replace(
      '<svg ',
      `<svg width="${icon.size}" height="${icon.size}" `,
    );
    await page.setContent(
      `<html><body style="margin:0;background:transparent">${svg}</body></html>`,
    );
    const png = await page.locator('svg').screenshot({ omitBackground: true });
    writeFileSync(join(publicDir, icon.file), png);
    console.log(`wrote ${icon.file} (${png.length} bytes)`);
  }
} finally {
  await browser.close();
}

/**
 * Shared set-up of the pwa-* benchmarks (bench/pwa-*.bench.ts): the built app in Chromium
 * with a synthetic library of `count` items seeded through the Settings page, as a person would.
 */
import { spawnSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { appRoot, hasBuild, hasChromium, launchChromium, servePwa } from './browser.ts';

export { hasChromium };
// Paired devices with a real home node (bench/pwa-offline-edit.bench.ts).
export {
  addToAlbum,
  goOffline,
  NATURE_PHOTOS,
  newPairingLink,
  openAlbum,
  pairDevice,
  renameAlbum,
  startSyncedHome,
  type Device,
  type SyncedHome,
} from './synced-devices.ts';

/** A running app with a seeded library. */
export interface BenchApp {
  page: Page;
  url: string;
  close(): Promise<void>;
}

export async function openSeededApp(
  count: number,
  viewport = { width: 1280, height: 800 },
): Promise<BenchApp> {
  if (!hasBuild) {
    const r = spawnSync(process.execPath, [`${appRoot}/../../node_modules/vite/bin/vite.js`, 'build'], {
      cwd: appRoot,
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error('vite build failed');
  }
  const server = await servePwa();
  const browser: Browser = await launchChromium();
  const context = await browser.newContext({ viewport, locale: 'en-US', timezoneId: 'UTC' });
  const page = await context.newPage();
  page.setDefaultTimeout(300_000);
  await page.goto(`${server.url}#/settings`);
  await page.getByRole('spinbutton').fill(String(count));
  await page.getByRole('button', { name: 'Add sample library' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `Added ${count}` })
    .waitFor();
  await page.goto(`${server.url}#/`);
  await page.locator('.tile').first().waitFor();
  return {
    page,
    url: server.url,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

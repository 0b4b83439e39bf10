/**
 * Devices paired with a real home node, driven as a person would (e2e/catalog-sync.e2e.ts and
 * bench/pwa-offline-edit.bench.ts): the node imports the nature fixtures, browser contexts
 * pair through the Devices screen and open the synced catalog; album steps through the UI.
 */
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { closeBrowser, cleanUp } from './bounded-close.ts';
import { fixturesDir, launchChromium } from './browser.ts';
import { startHomeNode, type HomeNode } from './home-node.ts';
import { pairInUi } from './pair-in-ui.ts';
import { explainFailure, followConsole, syncReport, type ConsoleLog } from './sync-report.ts';

export { hasBuild, hasChromium } from './browser.ts';
export type { HomeNode } from './home-node.ts';

/** albums/nature in the shared fixtures */
export const NATURE_PHOTOS = 9;

/** A home node that has imported and projected the nature fixtures, and a Chromium. */
export interface SyncedHome {
  node: HomeNode;
  browser: Browser;
  close(): Promise<void>;
}

export async function startSyncedHome(): Promise<SyncedHome> {
  const node = await startHomeNode();
  try {
    node.hearth('import', `${fixturesDir}/immich-test-assets/albums/nature`);
    // The daemon derives thumbnails, then projects the assets into the synced catalog. Pair
    // after that: a page that is already open does not yet show shards that appear later
    // (see the README's "not done"). Bounded: each `hearth status` is a full CLI round trip.
    for (let i = 0; i < 60 && !/images: \d+ done, 0 to do/.test(node.hearth('status')); i++);
    const browser = await launchChromium();
    return {
      node,
      browser,
      // Bounded, and the node stops even when the browser would not close.
      close: () =>
        cleanUp([
          ['close Chromium', () => closeBrowser(browser)],
          ['stop the home node', () => node.stop()],
        ]),
    };
  } catch (e) {
    await node.stop();
    throw e;
  }
}

/** A paired browser context (a device) showing the node's photos from the synced catalog. */
export interface Device {
  context: BrowserContext;
  page: Page;
  /** the page's and its workers' console since pairing (for `explainDevices`) */
  log: ConsoleLog;
}

/** Pairs a new browser context with `link` and waits for the node's photos in its timeline. */
export async function pairDevice(
  home: SyncedHome,
  link: string,
  name: string,
  /** called with the page before it opens the app (to follow its workers from the start) */
  onPage?: (page: Page) => void,
): Promise<Device> {
  // Tall enough that the virtualized timeline renders every month of the fixtures at once.
  const context = await home.browser.newContext({ viewport: { width: 1280, height: 2400 }, locale: 'en-US' });
  const page = await context.newPage();
  const log = followConsole(page);
  onPage?.(page);
  page.setDefaultTimeout(60_000);
  assert.match(await pairInUi(page, home.node.url, link, name), /Paired/);
  // The synced catalog is what the app opens from now on.
  await page.goto(`${home.node.url}#/`);
  await page.reload();
  // Bounded by the page timeout: the node projects imports once their thumbnails exist.
  await page
    .locator('.tile')
    .nth(NATURE_PHOTOS - 1)
    .waitFor();
  return { context, page, log };
}

/**
 * What each device and the home node knew (status lines, albums listed, console tails): for
 * `explainFailure` around a step that waits for synced data.
 */
export const explainDevices = (home: SyncedHome, devices: Record<string, Device>) => () =>
  syncReport(devices, home.node.output);

/** A second pairing link from the node (each link pairs one device). */
export function newPairingLink(home: SyncedHome): string {
  return (JSON.parse(home.node.hearth('pair', '--json')) as { link: string }).link;
}

export async function openAlbum(page: Page, title: RegExp): Promise<void> {
  await page.getByRole('link', { name: 'Albums' }).click();
  await page.getByRole('link', { name: title }).click();
}

export const albumTitleIs = (page: Page, title: string, options: { timeout?: number } = {}) =>
  page.waitForFunction(
    (t) =>
      (document.querySelector('input[aria-label="Album title"]') as HTMLInputElement | null)?.value === t,
    title,
    options,
  );

/** Renames the open album through its title field. */
export async function renameAlbum(page: Page, title: string): Promise<void> {
  const field = page.getByRole('textbox', { name: 'Album title' });
  await field.fill(title);
  await field.blur();
  await albumTitleIs(page, title);
}

/**
 * Selects timeline tiles `from`..`to` and adds them to `album` (an existing album's name, or
 * the title of a new one).
 */
export async function addToAlbum(
  page: Page,
  from: number,
  to: number,
  album: RegExp | string,
): Promise<void> {
  await page.getByRole('link', { name: 'Photos' }).click();
  const tiles = page.locator('.tile');
  await tiles.nth(from).click({ modifiers: ['Shift'] });
  await tiles.nth(to).click({ modifiers: ['Shift'] });
  await page.getByRole('button', { name: 'Add to album' }).click();
  if (typeof album === 'string') {
    await page.getByRole('textbox', { name: 'New album title' }).fill(album);
    await page.getByRole('button', { name: 'Create' }).click();
  } else {
    await page.getByRole('dialog').getByRole('button', { name: album }).click();
  }
  await page.getByRole('toolbar', { name: 'Selection actions' }).waitFor({ state: 'detached' });
}

/**
 * Takes the device off the network and waits until its libp2p connections are gone too; a
 * timeout says what the device's status and console showed (its worker logs the hang-ups).
 */
export async function goOffline(device: Device): Promise<void> {
  await device.context.setOffline(true);
  await explainFailure(
    async () => {
      await device.page.getByRole('status').filter({ hasText: 'Offline' }).waitFor();
      await device.page.getByRole('status').filter({ hasText: 'no peer connected' }).waitFor();
    },
    () => syncReport({ device }, undefined, { albums: false }),
  );
}

/**
 * Set-up and steps shared by the search e2e specs: Chromium paired with a home node through
 * its Devices screen and showing the timeline, a search asked again until it answers what a
 * test expects, and how many blobs an ML blob cache (IndexedDB) of the worker holds.
 */
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import type { HomeNode } from './home-node.ts';
import { pairInUi } from './pair-in-ui.ts';

export const searchBox = (page: Page) => page.getByRole('searchbox', { name: 'Search your photos' });
export const searchSummary = (page: Page) => page.getByTestId('search-summary');

/** Chromium paired with `node` as "Laptop", on the timeline once `tiles` photos show (0: at once). */
export async function openPairedPage(
  node: HomeNode,
  opts: {
    viewport: { width: number; height: number };
    tiles: number;
    /** before the page opens (to watch its requests) */
    onContext?(context: BrowserContext): void;
  },
): Promise<{ browser: Browser; context: BrowserContext; page: Page }> {
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: opts.viewport, locale: 'en-US' });
  opts.onContext?.(context);
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  if (process.env['E2E_DEBUG']) page.on('console', (m) => console.log('page:', m.text()));
  assert.match(await pairInUi(page, node.url, node.pairingLink, 'Laptop'), /Paired/);
  await page.goto(`${node.url}#/`);
  await page.reload();
  if (opts.tiles > 0)
    await page
      .locator('.tile')
      .nth(opts.tiles - 1)
      .waitFor();
  return { browser, context, page };
}

/**
 * Asks `query` until the answer says `count` photos (words, shards and models arrive after the
 * catalog); with `semantic`, also until CLIP ranking took part (for a query that finds photos).
 */
export async function searchUntil(
  page: Page,
  query: string,
  count: number,
  opts: { timeoutMs?: number; semantic?: boolean } = {},
): Promise<void> {
  const want = count === 0 ? 'No photos match.' : `${count} photo${count === 1 ? '' : 's'}`;
  const end = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    await searchBox(page).fill('');
    await searchBox(page).fill(query);
    await page.locator(`[data-testid="search-summary"][data-answered="${query}"]`).waitFor();
    const last = (await searchSummary(page).textContent()) ?? '';
    if (
      last.startsWith(want) &&
      (!opts.semantic || count === 0 || (await searchSummary(page).getAttribute('data-semantic')) === 'on')
    )
      return;
    if (Date.now() > end) assert.fail(`search "${query}": wanted ${want}, got ${last}`);
    await page.waitForTimeout(1000);
  }
}

/**
 * Blobs in the worker's ML blob cache whose database name starts with `prefix` (`hearth-ml-`,
 * `hearth-clip-`); 0 while there is none (it is never opened before it exists: that would
 * create it).
 */
export function mlCacheBlobs(page: Page, prefix: string): Promise<number> {
  return page.evaluate(async (prefix) => {
    const db = (await indexedDB.databases()).find((d) => d.name?.startsWith(prefix));
    if (!db?.name) return 0;
    const open = indexedDB.open(db.name);
    const conn = await new Promise<IDBDatabase>((resolve, reject) => {
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error as Error);
    });
    try {
      if (!conn.objectStoreNames.contains('blobs')) return 0;
      const req = conn.transaction('blobs').objectStore('blobs').count();
      return await new Promise<number>((resolve) => (req.onsuccess = () => resolve(req.result)));
    } finally {
      conn.close();
    }
  }, prefix);
}

/** Waits (polling every 500 ms) until that cache holds at least `atLeast` blobs; returns how many. */
export async function waitForMlCache(
  page: Page,
  prefix: string,
  atLeast: number,
  timeoutMs = 60_000,
): Promise<number> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const n = await mlCacheBlobs(page, prefix);
    if (n >= atLeast) return n;
    if (Date.now() > end) assert.fail(`${prefix}* holds ${n} blobs, wanted ${atLeast}`);
    await page.waitForTimeout(500);
  }
}

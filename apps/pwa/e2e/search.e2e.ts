/**
 * Search end to end: a real home node (separate process) imports the nature fixtures, a
 * browser pairs and becomes a catalog peer, and the search page finds photos by file name,
 * camera, year and album name from the synced catalog (indexed in the peer worker). Then the
 * device goes offline, reloads, and search still answers from what it holds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  addToAlbum,
  goOffline,
  pairDevice,
  startSyncedHome,
  type Device,
  type SyncedHome,
} from './synced-devices.ts';
import { e2eSkipReason, screenshotPath } from './browser.ts';

const skip = e2eSkipReason;

const shot = screenshotPath;
const box = (page: Page) => page.getByRole('searchbox', { name: 'Search your photos' });
const results = (page: Page) => page.getByTestId('search-results').locator('.tile');

/** Types a query and waits for the answer to say `count` photos. */
async function searchFor(page: Page, query: string, count: number): Promise<void> {
  await box(page).fill(query);
  // The summary names the query its result answers: the previous answer may still show.
  await page.locator(`[data-testid="search-summary"][data-answered="${query}"]`).waitFor();
  const summary = count === 0 ? 'No photos match.' : `${count} photo${count === 1 ? '' : 's'}`;
  assert.match((await page.getByTestId('search-summary').textContent()) ?? '', new RegExp(`^${summary}`));
  assert.equal(await results(page).count(), count);
}

/** The file name the viewer's info panel shows for the only result. */
async function openOnlyResult(page: Page): Promise<string> {
  await results(page).first().click();
  await page.waitForURL(/#\/photos\/[0-9a-f]{64}/);
  const info = page.getByRole('complementary', { name: 'Info' });
  await info.waitFor();
  return (await info.textContent()) ?? '';
}

void describe('PWA search over the synced catalog', { skip, timeout: 300_000 }, () => {
  let home: SyncedHome;
  let a: Device;

  before(async () => {
    home = await startSyncedHome();
    a = await pairDevice(home, home.node.pairingLink, 'Laptop A');
  });
  after(async () => {
    await home?.close();
  });

  void it('finds photos by file name, camera, year and album; a result opens the viewer', async () => {
    const page = a.page;
    await page.getByRole('link', { name: 'Search' }).click();
    // `/` focuses the search box from anywhere on the page.
    await page.getByRole('heading', { name: 'Search' }).click();
    await page.keyboard.press('/');
    assert.equal(await box(page).evaluate((el) => el === document.activeElement), true);

    await searchFor(page, 'falcon', 1);
    await page.screenshot({ path: shot('search-falcon') });
    assert.match(await openOnlyResult(page), /prairie_falcon\.jpg/);
    // Back to the same results (the query is in the URL).
    await page.goBack();
    await page.getByTestId('search-summary').filter({ hasText: '1 photo' }).waitFor();
    assert.equal(await box(page).inputValue(), 'falcon');

    await searchFor(page, 'nikon', 1);
    assert.match(await openOnlyResult(page), /tanners_ridge\.jpg/);
    await page.goBack();
    await searchFor(page, 'sony 2012', 1);
    await searchFor(page, 'sony 2013', 0);
    await searchFor(page, 'pentax may 2008', 1);
    await searchFor(page, 'no-such-thing', 0);

    // An album made now is searchable by its name: the index follows catalog changes.
    await addToAlbum(page, 0, 1, 'Andalusia');
    await page.getByRole('link', { name: 'Search' }).click();
    await searchFor(page, 'andalusia', 2);
  });

  void it('answers offline, also after a reload', async () => {
    const page = a.page;
    await goOffline(a);
    await searchFor(page, 'canon', 1);
    await page.reload();
    await box(page).waitFor();
    await searchFor(page, 'notocactus', 1);
    await searchFor(page, 'andalusia', 2);
    await page.screenshot({ path: shot('search-offline') });
  });
});

/**
 * Thumbnails and previews from the home node: a real `hearth start` (separate process)
 * imports the fixtures and derives thumbnails/previews; the app is served from **another
 * origin** (Vite preview), so the blobs must come from the node's HTTP URL in the pairing grant
 * (CORS, a token minted over libp2p). After pairing, every timeline tile shows a decoded
 * thumbnail of the node's size (250 px short side), not the thumbhash placeholder; the viewer
 * shows the preview; a reload paints the tiles from the timeline index before the peer worker
 * has opened the catalog, and after going offline a reload still shows the thumbnails (IndexedDB).
 * Then a second device backs up a photo from the browser: the node imports the upload and
 * the viewer marks it "backed up" once the node holds it. The shell's home node status
 * (`/hearth/status/1`) follows both: the CLI's import and its thumbnails, then the upload's.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { closeBrowser } from './bounded-close.ts';
import { e2eSkipReason, fixturesDir, launchChromium, screenshotPath, servePwa } from './browser.ts';
import { startHomeNode, type HomeNode } from './home-node.ts';
import { pairInUi } from './pair-in-ui.ts';

const skip = e2eSkipReason;

const PHOTOS = 9; // albums/nature in the shared fixtures
const THUMB_SHORT = 250;
const PREVIEW_SHORT = 1440;
const shot = screenshotPath;

/** What the page shows for each tile: its id and the decoded thumbnail's pixel size. */
function tileImages(page: Page): Promise<{ id: string; src: string; w: number; h: number }[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.tile')].map((t) => {
      const img = t.querySelector('img');
      return {
        id: t.dataset['id'] ?? '',
        src: img?.src ?? '',
        w: img?.complete ? img.naturalWidth : 0,
        h: img?.complete ? img.naturalHeight : 0,
      };
    }),
  );
}

/**
 * After a reload, the first tiles were painted before the peer worker had opened the synced
 * catalog (both are marks on the page's timeline; the worker reports its own clock): the rows
 * came from the timeline index in IndexedDB, not from the catalog's shards.
 */
async function assertPaintedBeforeCatalog(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      performance.getEntriesByName('hearth:first-tiles').length > 0 &&
      performance.getEntriesByName('hearth:catalog-open').length > 0,
    null,
    { timeout: 60_000 },
  );
  const t = await page.evaluate(() => ({
    tiles: performance.getEntriesByName('hearth:first-tiles')[0]!.startTime,
    catalog: performance.getEntriesByName('hearth:catalog-open')[0]!.startTime,
  }));
  assert.ok(t.tiles < t.catalog, `first tiles at ${t.tiles} ms, catalog open at ${t.catalog} ms`);
}

void describe('thumbnails and previews from a real home node', { skip, timeout: 300_000 }, () => {
  let node: HomeNode;
  let browser: Browser;
  let app: { url: string; close(): Promise<void> };
  /** the original's pixel size per asset id, as the node read it */
  const sizes = new Map<string, { width: number; height: number }>();

  before(async () => {
    node = await startHomeNode();
    node.hearth('import', `${fixturesDir}/immich-test-assets/albums/nature`);
    // The daemon derives thumbnails, then projects the assets with their derived refs. Pair
    // after that (see catalog-sync.e2e.ts). Bounded: each `hearth status` is a CLI round trip.
    for (let i = 0; i < 60 && !/images: \d+ done, 0 to do/.test(node.hearth('status')); i++);
    for (const line of node.hearth('ls', '--json').trim().split('\n')) {
      const a = JSON.parse(line) as { id: string; width: number; height: number };
      sizes.set(a.id, { width: a.width, height: a.height });
    }
    assert.equal(sizes.size, PHOTOS);
    app = await servePwa();
    browser = await launchChromium();
  });
  after(async () => {
    await closeBrowser(browser); // bounded: kills a Chromium that will not close
    await app?.close();
    await node?.stop();
  });

  void it('shows decoded thumbnails of the node, the preview in the viewer, and both offline after a reload', async () => {
    assert.notEqual(new URL(app.url).origin, new URL(node.url).origin, 'the app is on another origin');
    const context = await browser.newContext({ viewport: { width: 1280, height: 2400 }, locale: 'en-US' });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    const blobRequests: string[] = [];
    // The peer worker fetches the blobs; the context sees its requests too.
    context.on('request', (r) => r.url().includes('/blobs/') && blobRequests.push(r.url()));
    assert.match(await pairInUi(page, app.url, node.pairingLink, 'Laptop'), /Paired/);
    await page.goto(`${app.url}#/`);
    await page.reload();

    // Every tile: a decoded thumbnail (an object URL of verified bytes), 250 px on its short side.
    await page.waitForFunction(
      (n) => {
        const imgs = [...document.querySelectorAll<HTMLImageElement>('.tile img')];
        return imgs.length === n && imgs.every((i) => i.complete && i.naturalWidth > 0);
      },
      PHOTOS,
      { timeout: 90_000 },
    );
    const tiles = await tileImages(page);
    assert.equal(tiles.length, PHOTOS);
    for (const t of tiles) {
      const o = sizes.get(t.id);
      assert.ok(o, `tile ${t.id} is one of the node's assets`);
      assert.match(t.src, /^blob:/);
      assert.equal(Math.min(t.w, t.h), Math.min(THUMB_SHORT, o.width, o.height), `thumbnail size of ${t.id}`);
      // Same orientation and shape as the original (within rounding).
      assert.ok(Math.abs(t.w / t.h - o.width / o.height) < 0.02, `aspect of ${t.id}`);
    }
    assert.ok(
      blobRequests.some((u) => new URL(u).origin === new URL(node.url).origin),
      "blobs came from the node's HTTP URL, not the app's origin",
    );
    await page.screenshot({ path: shot('home-thumbnails-laptop') });

    // The home node's status (/hearth/status/1) beside the sync status: done with the photos
    // the CLI imported, and that import's end.
    const status = page.getByTestId('node-status');
    await status.locator('summary').getByText('Home node: all done').waitFor();
    await status.locator('summary').click();
    await status.getByText(`thumbnails: ${PHOTOS} done`).waitFor();
    await status.getByText(`last import: ${PHOTOS} of ${PHOTOS} files, finished`).waitFor();

    // The viewer shows the preview (bigger than the thumbnail, up to 1440 px short side).
    const first = tiles[0]!;
    await page.locator(`.tile[data-id="${first.id}"]`).click();
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('img.viewer-image');
      return !!img && img.src.startsWith('blob:') && img.complete && img.naturalWidth > 0;
    });
    const preview = await page.evaluate(() => {
      const img = document.querySelector<HTMLImageElement>('img.viewer-image')!;
      return { w: img.naturalWidth, h: img.naturalHeight };
    });
    const o = sizes.get(first.id)!;
    assert.equal(Math.min(preview.w, preview.h), Math.min(PREVIEW_SHORT, o.width, o.height), 'preview size');
    await page.screenshot({ path: shot('home-preview-laptop') });

    // A reload paints from the timeline index before the worker has opened the catalog.
    await page.goto(`${app.url}#/`);
    await page.reload();
    await assertPaintedBeforeCatalog(page);
    assert.equal(await page.locator('.tile').count(), PHOTOS);

    // Offline: the cached thumbnails come from IndexedDB after a reload.
    await context.setOffline(true);
    await page.goto(`${app.url}#/`);
    await page.reload();
    await assertPaintedBeforeCatalog(page);
    await page.waitForFunction((n) => {
      const imgs = [...document.querySelectorAll<HTMLImageElement>('.tile img')];
      return imgs.length === n && imgs.every((i) => i.complete && i.naturalWidth > 0);
    }, PHOTOS);
    const offline = await tileImages(page);
    for (const t of offline)
      assert.equal(
        Math.min(t.w, t.h),
        Math.min(THUMB_SHORT, sizes.get(t.id)!.height, sizes.get(t.id)!.width),
      );
    await context.close();
  });

  void it('backs up a photo added in the browser: it reaches the node, and the viewer marks it backed up', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    const offer = JSON.parse(node.hearth('pair', '--json')) as { link: string };
    assert.match(await pairInUi(page, app.url, offer.link, 'Phone'), /Paired/);
    await page.goto(`${app.url}#/import`);
    await page.reload();
    const photo = `${fixturesDir}/immich-test-assets/metadata/faces/portrait-orientation-6.jpg`;
    const id = createHash('sha256').update(readFileSync(photo)).digest('hex');
    assert.ok(!sizes.has(id), 'a photo the node does not have yet');
    await page.getByTestId('file-input').setInputFiles([photo]);
    await page.locator('li[data-state="done"]').waitFor({ timeout: 90_000 });
    // On the node (its own CLI reads the journal), imported from the upload under its name.
    const onNode = node
      .hearth('ls', '--json')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; fileName: string })
      .find((a) => a.id === id);
    assert.equal(onNode?.fileName, 'portrait-orientation-6.jpg');
    // The node derives it and records itself as a holder in the synced catalog.
    await page.goto(`${app.url}#/photos/${id}`);
    await page.getByText('Backed up on 1 home node: home node').waitFor({ timeout: 120_000 });
    await page.screenshot({ path: shot('home-backed-up-laptop') });
    // The node's status followed: one more thumbnail made (the page hears it over the stream).
    await page.goto(`${app.url}#/`);
    const status = page.getByTestId('node-status');
    await status.locator('summary').click();
    await status.getByText(`thumbnails: ${PHOTOS + 1} done`).waitFor({ timeout: 60_000 });
    await context.close();
  });
});

/**
 * Backing up a large original from the browser to a real home node (separate process), cut
 * half-way: the upload resumes from what the node holds and sends less than the whole file.
 * Then "free up space" removes from the browser the original the node holds — and only that
 * one: a photo whose upload was refused keeps its original — and opening the freed photo's
 * original fetches it back from the node (hash-checked).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { closeBrowser } from './bounded-close.ts';
import { e2eSkipReason, fixturesDir, launchChromium, screenshotPath } from './browser.ts';
import { startHomeNode, type HomeNode } from './home-node.ts';
import { pairInUi } from './pair-in-ui.ts';

const skip = e2eSkipReason;
const MiB = 1024 * 1024;

/** The media keys (`<asset>/<kind>`) this browser holds, read from the peer worker's IndexedDB. */
function heldMedia(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const dbs = (await indexedDB.databases()).filter((d) => d.name?.startsWith('hearth-media-'));
    const keys: string[] = [];
    for (const d of dbs) {
      const db = await new Promise<IDBDatabase>((res, rej) => {
        const r = indexedDB.open(d.name!);
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      const got = await new Promise<IDBValidKey[]>((res, rej) => {
        const r = db.transaction('media').objectStore('media').getAllKeys();
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      keys.push(...got.map(String));
      db.close();
    }
    return keys;
  });
}

void describe('backup resume and free up space against a real home node', { skip, timeout: 420_000 }, () => {
  let node: HomeNode;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const dir = mkdtempSync(`${tmpdir()}/hearth-big-`);
  // A real JPEG with 30 MiB of noise after its end: the node and the browser both read it as
  // the photo it is, and it takes four 8 MiB pieces to send.
  const big = `${dir}/big-photo.jpg`;
  const jpeg = readFileSync(`${fixturesDir}/immich-test-assets/metadata/faces/portrait.jpg`);
  const bigBytes = Buffer.concat([jpeg, randomBytes(30 * MiB)]);
  const bigId = createHash('sha256').update(bigBytes).digest('hex');
  const small = `${fixturesDir}/immich-test-assets/formats/jpg/el_torcal_rocks.jpg`;
  const smallId = createHash('sha256').update(readFileSync(small)).digest('hex');
  /** every PUT piece the browser sent, as [start, end] (inclusive) of its Content-Range */
  const pieces: [number, number][] = [];
  let cutAfter = 2; // the node gets two pieces; the third is cut off

  before(async () => {
    writeFileSync(big, bigBytes);
    node = await startHomeNode();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    // Requests of the peer worker (where uploads run) pass through the context's routes.
    await context.route('**/blobs/*', async (route: Route) => {
      const req = route.request();
      if (req.method() !== 'PUT') return route.continue();
      if (req.url().includes(smallId)) return route.abort('connectionrefused'); // never backed up
      const range = /^bytes (\d+)-(\d+)\//.exec((await req.allHeaders())['content-range'] ?? '');
      if (range && pieces.length === cutAfter) {
        cutAfter = -1;
        return route.abort('internetdisconnected');
      }
      if (range) pieces.push([Number(range[1]), Number(range[2])]);
      return route.continue();
    });
    page = await context.newPage();
    page.setDefaultTimeout(60_000);
    if (process.env['HEARTH_E2E_DEBUG']) {
      page.on('worker', (w) => w.on('console', (m) => console.error(`[worker] ${m.text()}`)));
      page.on('console', (m) => console.error(`[page ${m.type()}] ${m.text()}`));
    }
  });
  after(async () => {
    await closeBrowser(browser); // bounded: kills a Chromium that will not close
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  void it('an upload cut half-way resumes after a reload and sends less than the whole file', async () => {
    assert.match(await pairInUi(page, node.url, node.pairingLink, 'Phone'), /Paired/);
    await page.goto(`${node.url}#/import`);
    await page.reload();
    await page.getByTestId('file-input').setInputFiles([big]);
    // Two pieces arrive, the third is cut off: the queue shows the send failed.
    await page.locator('li[data-state="failed"]').waitFor({ timeout: 120_000 });
    assert.equal(pieces.length, 2, `queue: ${await page.locator('.upload-list').textContent()}`);
    const before = pieces.length;
    // Back: the queue takes the send up again at start and asks the node where it stands.
    await page.reload();
    await page
      .locator('li[data-state="done"]')
      .filter({ hasText: 'big-photo.jpg' })
      .waitFor({ timeout: 120_000 })
      .catch(async (e: unknown) => {
        const list = await page
          .locator('.upload-list')
          .textContent({ timeout: 5000 })
          .catch(() => '?');
        throw new Error(`${String(e)}\nqueue: ${list}\npieces: ${JSON.stringify(pieces)}`);
      });
    const resent = pieces.slice(before);
    const sentAfter = resent.reduce((n, [a, b]) => n + b - a + 1, 0);
    assert.equal(resent[0]?.[0], 16 * MiB, 'the second attempt starts where the node stands');
    assert.ok(sentAfter < bigBytes.length, `sent ${sentAfter} of ${bigBytes.length} bytes after the cut`);
    assert.equal(sentAfter, bigBytes.length - 16 * MiB);
    const onNode = node
      .hearth('ls', '--json')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; fileName: string })
      .find((a) => a.id === bigId);
    assert.equal(onNode?.fileName, 'big-photo.jpg', 'the node imported the whole, verified file');
  });

  void it('frees up the space of the backed-up original only; opening it fetches it back from the node', async () => {
    // A second photo whose upload the route refuses: never backed up.
    await page.getByTestId('file-input').setInputFiles([small]);
    await page.locator('li[data-state="failed"]').filter({ hasText: 'el_torcal_rocks.jpg' }).waitFor();
    // The node derives the big one and records itself as its holder in the synced catalog.
    await page.goto(`${node.url}#/photos/${bigId}`);
    await page.getByText('Backed up on 1 home node: home node').waitFor({ timeout: 180_000 });
    assert.ok((await heldMedia(page)).includes(`${bigId}/original`));
    await page.goto(`${node.url}#/import`);
    const button = page.getByTestId('free-up-space');
    await button.filter({ hasText: /Free up 3\d\.\d MB|Free up 3\d MB/ }).waitFor();
    await button.click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByText(/Remove 1 original/).waitFor();
    await page.screenshot({ path: screenshotPath('free-up-space-laptop') });
    await dialog.getByRole('button', { name: 'Remove from this device' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Freed 3\d.* \(1 original\)/ })
      .waitFor();
    const held = await heldMedia(page);
    assert.ok(!held.includes(`${bigId}/original`), 'the backed-up original is gone from the browser');
    assert.ok(held.includes(`${smallId}/original`), 'the original the node does not hold stays');
    assert.ok(
      held.includes(`${bigId}/thumbnail`) || held.includes(`${bigId}/preview`),
      'the small media stay',
    );
    // On demand: the viewer's "Download original" fetches it back from the node, verified.
    await page.goto(`${node.url}#/photos/${bigId}`);
    const download = page.waitForEvent('download', { timeout: 120_000 });
    await page.getByRole('button', { name: 'Download original' }).click();
    const file = await (await download).path();
    assert.equal(createHash('sha256').update(readFileSync(file)).digest('hex'), bigId);
    // Stored behind the display (bounded: each look is one page round trip).
    let kept = false;
    for (let i = 0; i < 200 && !kept; i++) kept = (await heldMedia(page)).includes(`${bigId}/original`);
    assert.ok(kept, 'kept again once fetched');
  });
});

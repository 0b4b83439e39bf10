/**
 * Search by what the home node's models found, offline on a paired device: a real home node
 * (ML on, the shared models) imports a street photo (YOLOX: dog, bicycle, car), the synthetic
 * text image (OCR) and 15 face crops of three people; a second paired peer (Node, in this
 * process, as another device would) names one person; then Chromium pairs (its worker fetches
 * the month blobs before any search), and its search finds the photos by a machine tag, an OCR
 * word and the person's name — again offline after a reload, from what it kept.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findMlCatalog, openPeopleCatalog, syncPendingWith, type PersonId } from '@hearth/sync';
import { createPeerNode } from '@hearth/sync/platform';
import { pairTestPeer } from '@hearth/sync/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { closeBrowser } from './bounded-close.ts';
import { e2eSkipReason, screenshotPath } from './browser.ts';
import { startHomeNode, type HomeNode } from './home-node.ts';
import { openPairedPage, searchBox, searchUntil, waitForMlCache } from './search-page.ts';

const MODELS = process.env['HEARTH_MODELS_DIR'] ?? join(import.meta.dirname, '../../../../shared/models');
const IMAGES = join(MODELS, 'test-images');
const skip =
  e2eSkipReason || (!existsSync(join(MODELS, 'face-detection')) ? `no models at ${MODELS}` : false);
const PHOTOS = 17;

/** Another device of the library (libp2p + automerge-repo here) that names a person. */
async function namePerson(node: HomeNode, file: string, name: string): Promise<number> {
  const linkText = (JSON.parse(node.hearth('pair', '--json')) as { link: string }).link;
  const { repo, grant, root, stop } = await pairTestPeer(createPeerNode, linkText, 'Tablet');
  try {
    const ids = new Map(
      node
        .hearth('ls', '--json')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; fileName: string })
        .map((a) => [a.fileName, a.id]),
    );
    // The daemon clusters the faces into the people document, then lists it in the root.
    for (let i = 0; i < 120 && !root.doc()?.people; i++) await new Promise((r) => setTimeout(r, 500));
    const people = await openPeopleCatalog({ repo, root });
    let person: PersonId | undefined;
    for (let i = 0; i < 120 && !(person = people.faceAssignments().get(`${ids.get(file)}/0`)); i++)
      await new Promise((r) => setTimeout(r, 500));
    assert.ok(person, `no person for ${file}`);
    people.rename(person, name);
    // The home node's ML document lists every photo's tags/OCR results (its projection runs every 10 s).
    const rootChanged = (): boolean => Boolean(root.doc()?.ml);
    for (let i = 0; i < 120 && !rootChanged(); i++) await new Promise((r) => setTimeout(r, 500));
    const ml = await findMlCatalog({ repo, root });
    assert.ok(ml, 'the root lists the ML document');
    const photos = () => [...ml.read().text.values()].reduce((n, r) => n + r.assets, 0);
    for (let i = 0; i < 120 && photos() < PHOTOS; i++) await new Promise((r) => setTimeout(r, 500));
    assert.equal(photos(), PHOTOS);
    // Until the home node (the hub the browser syncs with) reports it has the rename.
    for (let i = 0; i < 100 && syncPendingWith(repo, grant.homeNode as never)?.toSend !== 0; i++)
      await new Promise((r) => setTimeout(r, 200));
    assert.equal(syncPendingWith(repo, grant.homeNode as never)?.toSend, 0, 'the rename reached the node');
    return people.list().find((p) => p.id === person)?.faces ?? 0;
  } finally {
    await stop();
  }
}

void describe('PWA search by machine tags, OCR text and people, offline', { skip, timeout: 600_000 }, () => {
  let node: HomeNode;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let amyFaces = 0;

  before(async () => {
    node = await startHomeNode();
    const src = mkdtempSync(join(tmpdir(), 'hearth-e2e-ml-'));
    for (const f of ['dog-bicycle-car.jpg', 'synthetic-text.jpg']) cpSync(join(IMAGES, f), join(src, f));
    for (const who of ['amy', 'penny', 'raj'])
      for (let i = 1; i <= 5; i++)
        cpSync(join(IMAGES, 'faces-faceapi', `${who}${i}.png`), join(src, `${who}${i}.png`));
    node.hearth('import', src);
    // Wait for thumbnails and every ML step (bounded: each status is a CLI round trip).
    for (let i = 0; i < 90; i++) {
      const st = node.hearth('status');
      if (
        /images: \d+ done, 0 to do/.test(st) &&
        /tags: \d+ done, 0 to do/.test(st) &&
        /ocr: \d+ done, 0 to do/.test(st) &&
        /faces: \d+ done, 0 to do/.test(st)
      )
        break;
    }
    amyFaces = await namePerson(node, 'amy1.png', 'Amy Farrah');
    ({ browser, context, page } = await openPairedPage(node, {
      viewport: { width: 1280, height: 1600 },
      tiles: PHOTOS,
    }));
  });
  after(async () => {
    await closeBrowser(browser); // bounded: kills a Chromium that will not close
    await node?.stop();
  });

  void it('fetches the machine words before anyone searches, and finds photos by a machine tag, an OCR word and a person named on another device', async () => {
    // The worker fetches month blobs soon after its catalog opens, not at the first search.
    await waitForMlCache(page, 'hearth-ml-', 1);
    await page.getByRole('link', { name: 'Search' }).click();
    await searchUntil(page, 'bicycle', 1);
    await searchUntil(page, '12345', 1);
    assert.ok(amyFaces >= 5, `Amy's person has ${amyFaces} faces`);
    await searchUntil(page, 'farrah', amyFaces);
    await searchUntil(page, 'qwxzv', 0);
    // The shared models have no CLIP: words answer, and the page says why semantic search is off.
    await page
      .getByTestId('semantic-status')
      .filter({ hasText: /unavailable: the home node has no CLIP image embeddings/ })
      .waitFor();
    await page.screenshot({ path: screenshotPath('search-ml-person') });
  });

  void it('answers the same offline, after a reload (from the blobs and documents it kept)', async () => {
    await context.setOffline(true);
    await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor();
    await page.reload();
    await searchBox(page).waitFor();
    await searchUntil(page, 'dog', 1, { timeoutMs: 20_000 });
    await searchUntil(page, '12345', 1, { timeoutMs: 20_000 });
    await searchUntil(page, 'amy farrah', amyFaces, { timeoutMs: 20_000 });
    await page.screenshot({ path: screenshotPath('search-ml-offline') });
  });
});

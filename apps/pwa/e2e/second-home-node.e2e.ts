/**
 * A second home node, from the app: node A (the one the browser pairs with) imports photos,
 * node B joins the library (`hearth init --join`) and pins everything. The app (served from
 * another origin) learns B's addresses from the root document, where B announced them signed
 * by its node key; nobody told the browser. With A stopped the app reaches B: a photo imported
 * on B after that shows its thumbnail and its preview (from B's HTTP URL), and a reload still
 * finds B.
 * Then the Devices page marks home nodes, and revokes a second home node after a warning;
 * the key-holding node has no revoke button.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { cleanUp, closeBrowser, within } from './bounded-close.ts';
import { e2eSkipReason, fixturesDir, launchChromium, screenshotPath, servePwa } from './browser.ts';
import { startHomeNode, type HomeNode } from './home-node.ts';
import { startJoinedNode, type JoinedNode } from './joined-node.ts';
import { pairInUi, whenPeersConnected } from './pair-in-ui.ts';

const photo = (p: string) => `${fixturesDir}/immich-test-assets/${p}`;

/** How many tiles show a decoded thumbnail. */
const decodedTiles = (page: Page) =>
  page.evaluate(
    () =>
      [...document.querySelectorAll<HTMLImageElement>('.tile img')].filter(
        (i) => i.src.startsWith('blob:') && i.complete && i.naturalWidth > 0,
      ).length,
  );

async function waitTiles(page: Page, n: number): Promise<void> {
  const had = await page.locator('.tile').count();
  await page
    .waitForFunction(
      (count) =>
        [...document.querySelectorAll<HTMLImageElement>('.tile img')].filter(
          (i) => i.src.startsWith('blob:') && i.complete && i.naturalWidth > 0,
        ).length === count,
      n,
      { timeout: 120_000 },
    )
    .catch(async (e: unknown) => {
      const now = { tiles: await page.locator('.tile').count(), decoded: await decodedTiles(page) };
      throw new Error(`waiting for ${n} thumbnails (tiles before: ${had}, now ${JSON.stringify(now)})`, {
        cause: e,
      });
    });
}

/** Waits (bounded) until a node's CLI status says its thumbnails are all made. */
function waitDerived(hearth: (...a: string[]) => string, n: number): void {
  const re = new RegExp(`images: ${n} done, 0 to do`);
  for (let i = 0; i < 120 && !re.test(hearth('status')); i++);
}

void describe('a second home node seen from the app', { skip: e2eSkipReason, timeout: 420_000 }, () => {
  let browser: Browser;
  let app: { url: string; close(): Promise<void> };
  const nodes: { stop(): Promise<void> }[] = [];
  const contexts: BrowserContext[] = [];

  before(async () => {
    app = await servePwa();
    browser = await launchChromium();
  });
  after(() =>
    cleanUp([
      // A context that will not close is left to closeBrowser, which kills Chromium.
      [
        'close the contexts',
        () =>
          within('close contexts', Promise.all(contexts.map((c) => c.close())), 20_000).catch(
            () => undefined,
          ),
      ],
      ['close Chromium', () => closeBrowser(browser)],
      ['close the app server', () => app?.close()],
      ...nodes.map((n, i): [string, () => Promise<void>] => [`stop home node ${i + 1}`, () => n.stop()]),
    ]),
  );

  async function pairedPage(link: string, name: string): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1200 }, locale: 'en-US' });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    if (process.env['HEARTH_E2E_DEBUG'])
      page.on('worker', (w) => w.on('console', (m) => console.error(`[worker ${name}] ${m.text()}`)));
    assert.match(await pairInUi(page, app.url, link, name), /Paired with the library/);
    return { page, context };
  }

  void it('the app paired with node A reaches node B, which it learnt from the root document, once A is stopped', async () => {
    const a: HomeNode = await startHomeNode();
    nodes.push(a);
    a.hearth('import', photo('albums/nature/prairie_falcon.jpg'), photo('albums/nature/silver_fir.jpg'));
    waitDerived(a.hearth, 2);
    const join = JSON.parse(a.hearth('pair', '--home-node', '--json')) as { link: string };
    const b: JoinedNode = await startJoinedNode(join.link, 'node B');
    nodes.push(b);
    const { page, context } = await pairedPage(a.pairingLink, 'Laptop');
    const blobOrigins = new Set<string>();
    context.on('request', (r) => r.url().includes('/blobs/') && blobOrigins.add(new URL(r.url()).origin));

    // The Devices page lists B as a second home node; the worker dials it (from its announced
    // addresses) and shows it online.
    const list = page.getByRole('list', { name: 'Devices in this library' });
    const rowB = list.locator(`li[data-device-id="${b.peerId}"]`);
    await rowB.getByText('second home node').waitFor({ timeout: 90_000 });
    await rowB.getByText('· online').waitFor({ timeout: 90_000 });
    await list.locator('li.home-node').nth(1).waitFor();

    await page.goto(`${app.url}#/`);
    await page.reload();
    await waitTiles(page, 2);
    // B holds both photos before A goes (its replicator pins everything).
    for (let i = 0; i < 120; i++) {
      const s = JSON.parse(b.hearth('status', '--json')) as {
        replication?: { filesLeft: number; held: number };
      };
      if (s.replication && s.replication.held > 0 && s.replication.filesLeft === 0) break;
    }
    await a.stop();

    // A new photo imported on B alone: its record and thumbnail can only come from B.
    const later = photo('formats/jpg/el_torcal_rocks.jpg');
    b.hearth('import', later);
    await waitTiles(page, 3);
    assert.ok(blobOrigins.has(new URL(b.url).origin), `blobs came from B: ${[...blobOrigins].join(' ')}`);
    // The home node status panel follows B (`/hearth/status/1` from the first connected node).
    const status = page.getByTestId('node-status');
    await status.locator('summary').click();
    await status.getByText('last import: 1 of 1 files, finished').waitFor({ timeout: 120_000 });
    await page.screenshot({ path: screenshotPath('second-home-node-a-down') });
    // Its preview in the viewer comes from B too.
    const id = createHash('sha256').update(readFileSync(later)).digest('hex');
    await page.locator(`.tile[data-id="${id}"]`).click();
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('img.viewer-image');
      return !!img && img.src.startsWith('blob:') && img.complete && img.naturalWidth > 0;
    });
    await page.goto(`${app.url}#/`);

    // A reload with A still down: the pairing kept B's addresses, so the app finds B again.
    await page.reload();
    await whenPeersConnected(page, 90_000);
    await waitTiles(page, 3);
    assert.equal(await decodedTiles(page), 3);
  });

  void it('the Devices page marks home nodes and revokes a second home node after a warning, never the key holder', async () => {
    const a: HomeNode = await startHomeNode();
    nodes.push(a);
    const join = JSON.parse(a.hearth('pair', '--home-node', '--json')) as { link: string };
    const b: JoinedNode = await startJoinedNode(join.link, 'node B');
    nodes.push(b);
    const { page } = await pairedPage(a.pairingLink, 'Laptop');
    const list = page.getByRole('list', { name: 'Devices in this library' });
    const rowB = list.locator(`li[data-device-id="${b.peerId}"]`);
    await rowB.getByText('second home node').waitFor({ timeout: 90_000 });
    const rowA = list.locator('li.home-node').filter({ hasText: 'holds the library key' });
    await rowA.waitFor();
    assert.equal(
      await rowA.getByRole('button', { name: /^Revoke/ }).count(),
      0,
      'no revoke for the key holder',
    );
    await rowB.getByRole('button', { name: 'Revoke node B' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByText('Revoke home node “node B”?').waitFor();
    await dialog.getByText(/no longer keeps a second copy/).waitFor();
    await page.screenshot({ path: screenshotPath('devices-revoke-home-node') });
    await dialog.getByRole('button', { name: 'Revoke home node' }).click();
    await page.getByRole('status').filter({ hasText: 'Revoked node B' }).waitFor();
    await list.locator(`li[data-device-id="${b.peerId}"][data-revoked="true"]`).waitFor();
    const rows = JSON.parse(a.hearth('devices', '--json')) as { deviceId: string; revoked: boolean }[];
    assert.equal(rows.find((r) => r.deviceId === b.peerId)?.revoked, true);
    // B was told by A's signed notice and stopped syncing.
    await b.waitFor(/this node was revoked from the library/, 30_000);
  });
});

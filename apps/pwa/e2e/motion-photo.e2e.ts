/**
 * Motion photos in real Chromium, with the real Samsung One UI 6 HEIC of the shared fixtures
 * (its embedded video is HEVC, which Chromium does not play):
 * - imported on this device (no home node), the import worker splits the video off and makes
 *   it playable with ffmpeg.wasm (H.264); the viewer shows the LIVE badge and plays it, also
 *   offline after a reload (the video is a local derived blob in IndexedDB);
 * - from a paired home node (a real `hearth start`, which imported the photo), the viewer plays
 *   the node's `motion` derived blob fetched from its HTTP blob endpoint, hash-checked.
 * The app is a build of this tree (HEARTH_PWA_DIST, or dist/).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { preview } from 'vite';
import { closeBrowser } from './bounded-close.ts';
import { appRoot, fixturesDir, hasBuild, hasChromium, launchChromium } from './browser.ts';
import { startHomeNode, type HomeNode } from './home-node.ts';
import { pairInUi } from './pair-in-ui.ts';

const SAMSUNG = `${fixturesDir}/immich-test-assets/formats/motionphoto/samsung-one-ui-6.heic`;
const dist = process.env['HEARTH_PWA_DIST'];
const skip = !hasChromium
  ? 'no Chromium at /usr/bin/chromium (apt-get install chromium)'
  : !hasBuild && !dist
    ? 'no dist/: run `npm run build -w @hearth/pwa`'
    : !existsSync(SAMSUNG)
      ? 'no motion photo fixture'
      : false;

/** Opens the viewer on `id`, presses the LIVE badge and waits until the video is playing. */
async function playMotion(
  page: Page,
  appUrl: string,
  id: string,
): Promise<{ w: number; h: number; src: string }> {
  await page.goto(`${appUrl}#/photos/${id}`);
  const badge = page.getByRole('button', { name: 'Play Live Photo' });
  await badge.waitFor({ timeout: 90_000 });
  // A real mouse: the hover starts it, the click keeps it playing.
  await badge.click();
  await page.getByTestId('live-video').waitFor();
  // Decoded frames and a clock that moves: the browser really plays it (muted autoplay).
  await page.waitForFunction(
    () => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid="live-video"]');
      return !!v && v.videoWidth > 0 && v.currentTime > 0.2 && !v.error;
    },
    null,
    { timeout: 30_000, polling: 50 },
  );
  return page.evaluate(() => {
    const v = document.querySelector<HTMLVideoElement>('[data-testid="live-video"]')!;
    return { w: v.videoWidth, h: v.videoHeight, src: v.currentSrc };
  });
}

void describe('PWA: motion photos play from the LIVE badge', { skip, timeout: 420_000 }, () => {
  let browser: Browser;
  let server: { url: string; close(): Promise<void> };
  let node: HomeNode | undefined;
  const bytes = readFileSync(SAMSUNG);
  const id = createHash('sha256').update(bytes).digest('hex');

  before(async () => {
    const s = await preview({
      root: appRoot,
      configFile: `${appRoot}/vite.config.ts`,
      logLevel: 'warn',
      build: { outDir: dist ?? 'dist' },
      preview: { host: '127.0.0.1', port: 0, strictPort: false },
    });
    const url = s.resolvedUrls?.local[0];
    if (!url) throw new Error('vite preview did not report a URL');
    server = { url, close: () => s.close() };
    browser = await launchChromium();
  });
  after(async () => {
    await closeBrowser(browser); // bounded: kills a Chromium that will not close
    await server?.close();
    await node?.stop();
  });

  void it('a local import splits the video in the worker; it plays, and plays offline after a reload', async () => {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Photos' }).waitFor();
    // Controlled by the service worker, so the offline reload has the app.
    await page.evaluate(async () => {
      const sw = (await navigator.serviceWorker.ready).active;
      if (sw && sw.state !== 'activated')
        await new Promise((r) =>
          sw.addEventListener('statechange', () => sw.state === 'activated' && r(null)),
        );
    });
    await page.reload();
    await page.goto(`${server.url}#/import`);
    await page
      .getByTestId('file-input')
      .setInputFiles([{ name: 'samsung-one-ui-6.heic', mimeType: 'image/heic', buffer: bytes }]);
    const list = page.getByRole('list', { name: 'Backup queue' });
    // HEIC decode (libheif wasm) and the HEVC → H.264 transcode (ffmpeg.wasm) in the worker.
    await list
      .locator('li[data-state="done"]', { hasText: 'samsung-one-ui-6.heic' })
      .waitFor({ timeout: 240_000 });

    const played = await playMotion(page, server.url, id);
    assert.match(played.src, /^blob:/, 'the video is a local blob');
    // Transcoded by the playback policy: 720 px short side, portrait as the phone held it.
    assert.equal(Math.min(played.w, played.h), 720);
    // The still is a HEIC: the viewer shows this device's preview of it, not a broken original.
    assert.ok(await page.locator('img.viewer-image').evaluate((i: HTMLImageElement) => i.naturalWidth > 0));

    await context.setOffline(true);
    await page.reload();
    const again = await playMotion(page, server.url, id);
    assert.equal(again.w, played.w);
    await context.close();
  });

  void it("a paired device plays the home node's motion blob from its HTTP endpoint", async () => {
    node = await startHomeNode();
    node.hearth('import', SAMSUNG);
    // The node's derived `motion` blob: the hash the device must fetch.
    let motionHash: string | undefined;
    for (let i = 0; i < 120 && !motionHash; i++) {
      for (const line of readFileSync(`${node.dataDir}/catalog/catalog.jsonl`, 'utf8').split('\n')) {
        const e = line
          ? (JSON.parse(line) as { op: string; rec?: { kind: string; blobs: Record<string, string> } })
          : undefined;
        if (e?.op === 'derived' && e.rec?.kind === 'motion' && e.rec.blobs['motion'])
          motionHash = e.rec.blobs['motion'];
      }
      if (!motionHash) await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(motionHash, 'the node made the motion blob');
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    const blobs: string[] = [];
    context.on('requestfinished', (r) => r.url().includes('/blobs/') && blobs.push(r.url()));
    assert.match(await pairInUi(page, server.url, node.pairingLink, 'Laptop'), /Paired/);
    // The app opens the synced library on its next start.
    await page.goto(`${server.url}#/`);
    await page.reload();
    const played = await playMotion(page, server.url, id);
    assert.match(played.src, /^blob:/, 'verified bytes, shown from an object URL');
    assert.equal(Math.min(played.w, played.h), 720);
    assert.ok(
      blobs.some(
        (u) => new URL(u).origin === new URL(node!.url).origin && u.includes(`/blobs/${motionHash}`),
      ),
      `the motion blob came from the node's HTTP endpoint (${blobs.join(', ')})`,
    );
    await context.close();
  });
});

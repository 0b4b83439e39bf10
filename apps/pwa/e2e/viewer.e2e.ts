/**
 * The viewer against a real home node (separate process), in real Chromium: a Live Photo
 * imported on the node (a still and its movie with the same name stem) plays its movie from
 * the LIVE badge; zoom by double-click and mouse wheel swaps the preview for the node's
 * original; a two-finger pinch (CDP touch events, which Chromium turns into pointer events)
 * zooms, and a double-tap zooms back out.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { closeBrowser } from './bounded-close.ts';
import { e2eSkipReason, fixturesDir, launchChromium, screenshotPath } from './browser.ts';
import { startHomeNode, type HomeNode } from './home-node.ts';
import { pairInUi } from './pair-in-ui.ts';

const skip = e2eSkipReason;

void describe('viewer against a real home node', { skip, timeout: 300_000 }, () => {
  let node: HomeNode;
  let browser: Browser;
  let page: Page;
  const dir = mkdtempSync(`${tmpdir()}/hearth-live-`);
  let still = '';
  let motion = '';

  before(async () => {
    mkdirSync(`${dir}/live`);
    copyFileSync(
      `${fixturesDir}/immich-test-assets/formats/jpg/el_torcal_rocks.jpg`,
      `${dir}/live/IMG_0042.jpg`,
    );
    // The movie half: 1.5 s of test pattern, H.264 in a QuickTime file, as a phone writes it.
    execFileSync('ffmpeg', [
      ...['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15:duration=1.5'],
      ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', `${dir}/live/IMG_0042.MOV`],
    ]);
    node = await startHomeNode();
    node.hearth('import', `${dir}/live`);
    for (let i = 0; i < 60 && !/images: \d+ done, 0 to do/.test(node.hearth('status')); i++);
    const assets = node
      .hearth('ls', '--json')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; type: string; fileName: string });
    still = assets.find((a) => a.type === 'photo')?.id ?? '';
    motion = assets.find((a) => a.type === 'video')?.id ?? '';
    assert.ok(still && motion, `the node imported both halves: ${JSON.stringify(assets)}`);
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'en-US',
      hasTouch: true,
    });
    page = await context.newPage();
    page.setDefaultTimeout(60_000);
    assert.match(await pairInUi(page, node.url, node.pairingLink, 'Laptop'), /Paired/);
    await page.reload();
  });
  after(async () => {
    await closeBrowser(browser); // bounded: kills a Chromium that will not close
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  void it('a Live Photo plays its movie from the LIVE badge', async () => {
    await page.goto(`${node.url}#/photos/${still}`);
    const badge = page.getByRole('button', { name: 'Play Live Photo' });
    await badge.click();
    const video = page.getByTestId('live-video');
    await video.waitFor();
    assert.match((await video.getAttribute('src')) ?? '', new RegExp(`/blobs/[0-9a-f]{64}\\?token=|^blob:`));
    // It really plays: time moves (or it already reached its end and went back to the still).
    await page.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid="live-video"]');
      return !v || v.currentTime > 0.2 || v.ended;
    });
    await page.screenshot({ path: screenshotPath('viewer-live-laptop') });
  });

  void it('zooms by double-click and wheel (the original replaces the preview), by pinch, and a double-tap zooms out', async () => {
    // A phone's screen (the context has touch): the info panel stays closed below 1100 px.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${node.url}#/photos/${still}`);
    await page.reload();
    const stage = page.locator('.viewer-stage');
    const img = page.locator('img.viewer-image');
    await img.waitFor();
    const box = (await stage.boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.mouse.dblclick(cx, cy);
    assert.equal(await stage.getAttribute('data-zoom'), '2.50');
    // The original (a JPEG the browser draws) comes from the node once zoomed in.
    await page.locator('img.viewer-image[data-full="original"]').waitFor();
    await page.keyboard.press('0');
    assert.equal(await stage.getAttribute('data-zoom'), '1.00');
    await page.mouse.move(cx, cy);
    await page.mouse.wheel(0, -400);
    await page.waitForFunction(
      () => Number(document.querySelector<HTMLElement>('.viewer-stage')?.dataset['zoom']) > 1.5,
    );
    await page.keyboard.press('0');
    // Two fingers spreading from 100 px apart to 300 px apart: about 3x.
    const cdp = await page.context().newCDPSession(page);
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', spread: number) =>
      cdp.send('Input.dispatchTouchEvent', {
        type,
        touchPoints:
          type === 'touchEnd'
            ? []
            : [
                { x: cx - spread / 2, y: cy, id: 1 },
                { x: cx + spread / 2, y: cy, id: 2 },
              ],
      });
    await touch('touchStart', 100);
    for (const s of [150, 200, 250, 300]) await touch('touchMove', s);
    await touch('touchEnd', 300);
    const pinched = Number(await stage.getAttribute('data-zoom'));
    assert.ok(pinched > 2.5 && pinched <= 3.05, `pinch zoomed to ${pinched}`);
    await page.screenshot({ path: screenshotPath('viewer-zoomed-phone') });
    // A double-tap (two quick taps) goes back to the whole photo.
    for (let i = 0; i < 2; i++) {
      await cdp.send('Input.dispatchTouchEvent', {
        type: 'touchStart',
        touchPoints: [{ x: cx, y: cy, id: 3 }],
      });
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    }
    await page.waitForFunction(
      () => document.querySelector<HTMLElement>('.viewer-stage')?.dataset['zoom'] === '1.00',
    );
  });
});

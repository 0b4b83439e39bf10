/**
 * A video imported on this device (no home node): ffmpeg.wasm, loaded only on the first video,
 * probes it and makes its poster in the import worker, so the local timeline has its duration,
 * displayed size (rotation applied), thumbnail, preview and thumbhash at once. A malformed MP4
 * fails alone with the media error. The service worker does not precache the 32 MB core.
 * Clips are made with native ffmpeg (skipped without it).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { preview } from 'vite';
import { closeBrowser } from './bounded-close.ts';
import { appRoot, hasBuild, hasChromium, launchChromium } from './browser.ts';

const hasFfmpeg = (() => {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const skip = !hasChromium
  ? 'no Chromium at /usr/bin/chromium (apt-get install chromium)'
  : !hasBuild && !process.env['HEARTH_PWA_DIST']
    ? 'no dist/: run `npm run build -w @hearth/pwa`'
    : !hasFfmpeg
      ? 'no native ffmpeg to make the clip'
      : false;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** 2 s of H.264 test pattern + AAC, `size` stored, shown rotated 90° (display matrix). */
function makeRotatedClip(size = '320x240'): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-e2e-video-'));
  try {
    const ff = (...args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
    ff(
      ...['-f', 'lavfi', '-i', `testsrc=size=${size}:rate=25`, '-t', '2'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:duration=2'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest'],
      join(dir, 'a.mp4'),
    );
    ff('-i', join(dir, 'a.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90', join(dir, 'b.mp4'));
    return readFileSync(join(dir, 'b.mp4'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void describe(
  'PWA: a video imported on this device gets duration and poster',
  { skip, timeout: 180_000 },
  () => {
    let browser: Browser;
    let server: { url: string; close(): Promise<void> };
    let context: BrowserContext;
    let page: Page;
    const requested: string[] = [];
    const core = () => requested.filter((u) => /\/ffmpeg-core-[^/]*\.(js|wasm)$/.test(u));

    before(async () => {
      // HEARTH_PWA_DIST: a build elsewhere (e.g. while others' e2e use dist/).
      const s = await preview({
        root: appRoot,
        configFile: `${appRoot}/vite.config.ts`,
        logLevel: 'warn',
        build: { outDir: process.env['HEARTH_PWA_DIST'] ?? 'dist' },
        preview: { host: '127.0.0.1', port: 0, strictPort: false },
      });
      const url = s.resolvedUrls?.local[0];
      if (!url) throw new Error('vite preview did not report a URL');
      server = { url, close: () => s.close() };
      browser = await launchChromium();
      context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
      page = await context.newPage();
      page.setDefaultTimeout(20_000);
      page.on('request', (r) => requested.push(r.url()));
    });
    after(async () => {
      await closeBrowser(browser); // bounded: kills a Chromium that will not close
      await server?.close();
    });

    void it('the service worker does not precache the ffmpeg.wasm core', async () => {
      await page.goto(server.url);
      await page.getByRole('heading', { name: 'Photos' }).waitFor();
      const sw = await (await page.request.get(new URL('sw.js', server.url).href)).text();
      assert.match(sw, /precacheAndRoute|precache/);
      assert.doesNotMatch(sw, /ffmpeg-core-[\w-]+\.(js|wasm)/, 'no ffmpeg-core file in the precache list');
      assert.deepEqual(core(), [], 'the core is not fetched before a video is imported');
      // Controlled by the service worker from here on (the offline step reloads).
      await page.evaluate(async () => {
        const sw = (await navigator.serviceWorker.ready).active;
        if (sw && sw.state !== 'activated')
          await new Promise((r) =>
            sw.addEventListener('statechange', () => sw.state === 'activated' && r(null)),
          );
      });
      await page.reload();
      assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null));
    });

    void it('probes and posters the video; a malformed MP4 fails alone with the media error', async () => {
      const clip = makeRotatedClip();
      const malformed = Buffer.from(clip.subarray(0, Math.floor(clip.length * 0.4)));
      malformed.fill(0xff, 24, 64);
      await page.goto(`${server.url}#/import`);
      await page.getByTestId('file-input').setInputFiles([
        { name: 'clip.mp4', mimeType: 'video/mp4', buffer: clip },
        { name: 'malformed.mp4', mimeType: 'video/mp4', buffer: malformed },
      ]);
      const list = page.getByRole('list', { name: 'Backup queue' });
      // The first video loads the 32 MB core; each ffmpeg job then runs in a fresh worker.
      await list.locator('li[data-state="done"]', { hasText: 'clip.mp4' }).waitFor({ timeout: 120_000 });
      const bad = list.locator('li[data-state="failed"]', { hasText: 'malformed.mp4' });
      await bad.waitFor({ timeout: 60_000 });
      assert.match((await bad.locator('.error').textContent()) ?? '', /malformed\.mp4/);
      assert.ok(
        core().some((u) => u.endsWith('.wasm')),
        `the core was fetched: ${core().join(', ')}`,
      );
      // Not precached, but kept once fetched (the service worker's runtime cache).
      const cached = await page.evaluate(async () =>
        (await (await caches.open('hearth-ffmpeg')).keys()).map((r) => new URL(r.url).pathname),
      );
      assert.equal(cached.filter((u) => /\/ffmpeg-core-[^/]*\.(js|wasm)$/.test(u)).length, 2, cached.join());

      const id = sha(clip);
      const r = await page.evaluate(async (id) => {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const q = indexedDB.open('hearth-library');
          q.onsuccess = () => resolve(q.result);
          q.onerror = () => reject(q.error);
        });
        const get = (store: string, key: string) =>
          new Promise<unknown>((resolve, reject) => {
            const q = db.transaction(store).objectStore(store).get(key);
            q.onsuccess = () => resolve(q.result);
            q.onerror = () => reject(q.error);
          });
        const asset = (await get('assets', id)) as Record<string, unknown>;
        const size = async (kind: string) => {
          const b = (await get('blobs', `${id}:${kind}`)) as Blob | undefined;
          if (!b) return undefined;
          const bmp = await createImageBitmap(b);
          // mean brightness: the poster is the test pattern, not a black frame
          const c = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d')!;
          c.drawImage(bmp, 0, 0);
          const px = c.getImageData(0, 0, bmp.width, bmp.height).data;
          let sum = 0;
          for (let i = 0; i < px.length; i += 4) sum += px[i]! + px[i + 1]! + px[i + 2]!;
          return { type: b.type, width: bmp.width, height: bmp.height, mean: sum / (px.length / 4) / 3 };
        };
        const out = { asset, thumbnail: await size('thumbnail'), preview: await size('preview') };
        db.close();
        return out;
      }, id);
      assert.equal(r.asset['type'], 'video');
      assert.equal(r.asset['mime'], 'video/mp4');
      const duration = r.asset['durationMs'] as number;
      assert.ok(Math.abs(duration - 2000) < 250, `duration ${duration} ms`);
      assert.deepEqual([r.asset['width'], r.asset['height']], [240, 320], 'displayed size, rotation applied');
      assert.equal(typeof r.asset['thumbhash'], 'string');
      // 240×320 is under both sizes: never enlarged.
      assert.deepEqual(
        [r.thumbnail?.type, r.thumbnail?.width, r.thumbnail?.height],
        ['image/webp', 240, 320],
      );
      assert.deepEqual([r.preview?.type, r.preview?.width, r.preview?.height], ['image/jpeg', 240, 320]);
      assert.ok((r.thumbnail?.mean ?? 0) > 60, `poster not black: mean ${r.thumbnail?.mean}`);

      // In the local timeline: a video tile, portrait, with its thumbnail.
      await page.goto(`${server.url}#/`);
      const tile = page.locator(`.tile[data-id="${id}"]`);
      await tile.waitFor();
      assert.match((await tile.getAttribute('aria-label')) ?? '', /^Video,/);
      await tile.locator('img').waitFor();
      await page.waitForFunction((id) => {
        const b = document.querySelector(`.tile[data-id="${id}"]`)?.getBoundingClientRect();
        return b !== undefined && b.height > b.width;
      }, id);
      // The viewer plays the local original (no playback transcode here): Chromium reads its length.
      await tile.click();
      const played = await page.waitForFunction(() => {
        const v = document.querySelector('video');
        return v && v.src.startsWith('blob:') && v.readyState >= 1 ? v.duration : false;
      });
      const seconds = (await played.jsonValue()) as number;
      assert.ok(Math.abs(seconds - duration / 1000) < 0.25, `viewer ${seconds} s, probe ${duration} ms`);
    });

    void it('offline, after a reload, a second video is probed with the cached core', async () => {
      await page.goto(`${server.url}#/`);
      await context.setOffline(true);
      try {
        await page.reload();
        await page.getByRole('heading', { name: 'Photos' }).waitFor();
        const clip = makeRotatedClip('480x360');
        await page.goto(`${server.url}#/import`);
        await page
          .getByTestId('file-input')
          .setInputFiles([{ name: 'offline.mp4', mimeType: 'video/mp4', buffer: clip }]);
        const list = page.getByRole('list', { name: 'Backup queue' });
        await list.locator('li[data-state="done"]', { hasText: 'offline.mp4' }).waitFor({ timeout: 60_000 });
        const a = await page.evaluate(async (id) => {
          const db = await new Promise<IDBDatabase>((resolve, reject) => {
            const q = indexedDB.open('hearth-library');
            q.onsuccess = () => resolve(q.result);
            q.onerror = () => reject(q.error);
          });
          const asset = await new Promise<Record<string, unknown>>((resolve, reject) => {
            const q = db.transaction('assets').objectStore('assets').get(id);
            q.onsuccess = () => resolve(q.result as Record<string, unknown>);
            q.onerror = () => reject(q.error);
          });
          db.close();
          return asset;
        }, sha(clip));
        assert.deepEqual([a['width'], a['height']], [360, 480]);
        assert.equal(typeof a['durationMs'], 'number');
        assert.equal(typeof a['thumbhash'], 'string');
      } finally {
        await context.setOffline(false);
      }
    });
  },
);

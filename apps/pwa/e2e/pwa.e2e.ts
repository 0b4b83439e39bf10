/**
 * The built PWA in Debian's Chromium, no home node: installability (manifest + active
 * service worker), backup of real fixture photos (hashed in the worker, EXIF dates and
 * orientation), the timeline and viewer, an album made while offline, and a reload while
 * offline that still shows both. Screenshots at phone and laptop sizes go to e2e/screenshots/.
 *
 * Run: `npm run e2e -w @hearth/pwa` (builds first). Skips with a reason when Chromium or the
 * fixtures are missing.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { closeBrowser } from './bounded-close.ts';
import { appRoot, fixturesDir, hasBuild, hasChromium, launchChromium, servePwa } from './browser.ts';

const nature = `${fixturesDir}/immich-test-assets/albums/nature`;
const rotated = `${fixturesDir}/immich-test-assets/metadata/faces/portrait-orientation-6.jpg`;
const heic = `${fixturesDir}/immich-test-assets/formats/heic/IMG_2682.heic`;
const gpsDir = `${fixturesDir}/immich-test-assets/metadata/gps-position`;
const hasFixtures = (() => {
  try {
    return readdirSync(nature).length > 0;
  } catch {
    return false;
  }
})();
const skip = !hasChromium
  ? 'no Chromium at /usr/bin/chromium (apt-get install chromium)'
  : !hasBuild
    ? 'no dist/: run `npm run build -w @hearth/pwa`'
    : !hasFixtures
      ? `no fixtures at ${fixturesDir}`
      : false;
const shots = `${appRoot}/e2e/screenshots`;
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const STEP = 20_000;

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 800 };

void describe('PWA in Chromium (no home node)', { skip, timeout: 180_000 }, () => {
  let browser: Browser;
  let server: { url: string; close(): Promise<void> };
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  /** URLs the page and its workers fetched: the HEIC / JPEG XL decoders must load only when needed */
  const requested: string[] = [];
  const decoders = () => requested.filter((u) => /\/(wasm-bundle-|jxl_dec-)/.test(u));

  before(async () => {
    mkdirSync(shots, { recursive: true });
    server = await servePwa();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: LAPTOP, locale: 'en-US', timezoneId: 'UTC' });
    page = await context.newPage();
    page.setDefaultTimeout(STEP);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('request', (r) => requested.push(r.url()));
  });
  after(async () => {
    await closeBrowser(browser); // bounded: kills a Chromium that will not close
    await server?.close();
  });

  const snap = async (name: string, thumbnails = true) => {
    for (const [size, vp] of [
      ['laptop', LAPTOP],
      ['phone', PHONE],
    ] as const) {
      await page.setViewportSize(vp);
      await page.waitForTimeout(0);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      // Thumbnails arrive after the thumbhash placeholders; the picture should show them (bounded wait).
      if (thumbnails)
        await page
          .waitForFunction(
            () => [...document.querySelectorAll('.tile')].every((t) => t.querySelector('img')?.complete),
            null,
            { timeout: 5000 },
          )
          .catch(() => undefined);
      await page.screenshot({ path: `${shots}/${name}-${size}.png` });
    }
    await page.setViewportSize(LAPTOP);
  };

  void it('is installable: manifest with icons and an activated service worker controlling the page', async () => {
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Photos' }).waitFor();
    const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href');
    assert.ok(manifestHref, 'the page links a manifest');
    const manifest = (await (
      await page.request.get(new URL(manifestHref, server.url).href)
    ).json()) as Record<string, unknown>;
    assert.equal(manifest['name'], 'Hearth');
    assert.equal(manifest['display'], 'standalone');
    const icons = manifest['icons'] as { sizes: string; src: string }[];
    assert.ok(icons.some((i) => i.sizes === '512x512') && icons.some((i) => i.sizes === '192x192'));
    for (const i of icons)
      assert.equal(
        (await page.request.get(new URL(i.src, server.url).href)).headers()['content-type'],
        'image/png',
      );
    const state = await page.evaluate(async () => {
      const sw = (await navigator.serviceWorker.ready).active;
      if (sw && sw.state !== 'activated')
        await new Promise((r) =>
          sw.addEventListener('statechange', () => sw.state === 'activated' && r(null)),
        );
      return sw?.state;
    });
    assert.equal(state, 'activated');
    await page.reload();
    assert.equal(
      await page.evaluate(() => navigator.serviceWorker.controller !== null),
      true,
      'the service worker controls the page after a reload',
    );
  });

  void it('backs up real photos: hashed, deduplicated, dated from EXIF, oriented', async () => {
    await page.goto(`${server.url}#/import`);
    const files = [...readdirSync(nature).map((f) => `${nature}/${f}`), rotated];
    // The same photo twice: one asset.
    await page.getByTestId('file-input').setInputFiles([...files, `${nature}/el_torcal_rocks.jpg`]);
    const list = page.getByRole('list', { name: 'Backup queue' });
    await list
      .locator('li[data-state="done"]')
      .nth(files.length - 1)
      .waitFor();
    await list.locator('li[data-state="duplicate"]').first().waitFor();
    assert.equal(await list.locator('li[data-state="done"]').count(), files.length);
    await snap('import');

    await page.goto(`${server.url}#/`);
    const torcal = page.locator(`.tile[data-id="${sha(`${nature}/el_torcal_rocks.jpg`)}"]`);
    await page.getByRole('heading', { name: 'August 2012' }).scrollIntoViewIfNeeded();
    await torcal.waitFor();
    assert.match((await torcal.getAttribute('aria-label')) ?? '', /Aug 5, 2012, 11:39\s?AM/);
    await torcal.locator('img').waitFor();
    // EXIF orientation 6: stored 700×840, shown 840×700 (landscape).
    const tile = page.locator(`.tile[data-id="${sha(rotated)}"]`);
    await tile.scrollIntoViewIfNeeded();
    const box = await tile.boundingBox();
    assert.ok(
      box && box.width > box.height,
      `rotated photo should be landscape, got ${box?.width}×${box?.height}`,
    );
    await page.evaluate(() => document.querySelector('[data-testid="timeline-scroller"]')?.scrollTo(0, 0));
    await snap('timeline');
    assert.deepEqual(decoders(), [], 'JPEG imports load no HEIC / JPEG XL decoder');
  });

  void it('imports HEIC and GPS photos like the node (media browser backend); bad files fail alone', async () => {
    await page.goto(`${server.url}#/import`);
    const good = [heic, `${gpsDir}/thompson-springs.jpg`, `${gpsDir}/empty_gps.jpg`];
    const torcal = readFileSync(`${nature}/el_torcal_rocks.jpg`);
    await page.getByTestId('file-input').setInputFiles([
      ...good.map((f) => ({
        name: f.split('/').pop()!,
        mimeType: f.endsWith('.heic') ? 'image/heic' : 'image/jpeg',
        buffer: readFileSync(f),
      })),
      { name: 'empty.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(0) },
      { name: 'cut-in-header.jpg', mimeType: 'image/jpeg', buffer: torcal.subarray(0, 200) },
    ]);
    const list = page.getByRole('list', { name: 'Backup queue' });
    // the libheif wasm loads on this first HEIC and decodes a 12 MP photo: give it time
    await list
      .locator('li', { hasText: 'IMG_2682.heic' })
      .and(list.locator('li[data-state="done"]'))
      .waitFor({
        timeout: 90_000,
      });
    for (const f of good) {
      const name = f.split('/').pop()!;
      await list.locator('li[data-state="done"]', { hasText: name }).waitFor();
    }
    for (const name of ['empty.jpg', 'cut-in-header.jpg']) {
      const li = list.locator('li[data-state="failed"]', { hasText: name });
      await li.waitFor();
      assert.match((await li.locator('.error').textContent()) ?? '', new RegExp(name.replace('.', '\\.')));
    }
    await snap('import-heic');
    assert.equal(decoders().length, 1, `libheif loaded once for the HEIC: ${decoders().join(', ')}`);

    const read = (id: string) =>
      page.evaluate(async (id) => {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const r = indexedDB.open('hearth-library');
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
        const get = (store: string, key: string) =>
          new Promise<unknown>((resolve, reject) => {
            const r = db.transaction(store).objectStore(store).get(key);
            r.onsuccess = () => resolve(r.result);
            r.onerror = () => reject(r.error);
          });
        const asset = (await get('assets', id)) as Record<string, unknown>;
        const size = async (kind: string) => {
          const b = (await get('blobs', `${id}:${kind}`)) as Blob | undefined;
          if (!b) return undefined;
          const bmp = await createImageBitmap(b);
          return { type: b.type, width: bmp.width, height: bmp.height };
        };
        const out = { asset, thumbnail: await size('thumbnail'), preview: await size('preview') };
        db.close();
        return out;
      }, id);

    // HEIC: 4032×3024, taken 11:04:22.348 in Nebraska (no offset tag: the zone at its GPS, CDT).
    const h = await read(sha(heic));
    assert.equal(h.asset['mime'], 'image/heic');
    assert.equal(h.asset['capturedAt'], Date.UTC(2019, 2, 21, 16, 4, 22, 348));
    assert.equal(h.asset['tzOffsetMin'], -300);
    assert.deepEqual([h.asset['width'], h.asset['height']], [4032, 3024]);
    assert.deepEqual(h.asset['camera'], { make: 'Apple', model: 'iPhone 7' });
    const hg = h.asset['gps'] as { lat: number; lon: number };
    assert.ok(Math.abs(hg.lat - 41.2203) < 1e-3 && Math.abs(hg.lon + 96.0716) < 1e-3, JSON.stringify(hg));
    assert.deepEqual(h.thumbnail, { type: 'image/webp', width: 333, height: 250 });
    assert.deepEqual(h.preview, { type: 'image/jpeg', width: 1920, height: 1440 });
    assert.equal(typeof h.asset['thumbhash'], 'string');

    // Offset from the date tag itself (15:15:44-04:00); GPS in Utah. Never enlarged (150×103).
    const t = await read(sha(`${gpsDir}/thompson-springs.jpg`));
    // .310: its SubSecTimeOriginal, as exiftool on the node reads it too.
    assert.equal(t.asset['capturedAt'], Date.UTC(2022, 0, 10, 19, 15, 44, 310));
    assert.equal(t.asset['tzOffsetMin'], -240);
    const tg = t.asset['gps'] as { lat: number; lon: number };
    assert.ok(Math.abs(tg.lat - 39.115) < 1e-3 && Math.abs(tg.lon + 108.401) < 1e-3, JSON.stringify(tg));
    assert.deepEqual(t.thumbnail, { type: 'image/webp', width: 150, height: 103 });

    // Empty GPS tags (0,0) are no location.
    const e = await read(sha(`${gpsDir}/empty_gps.jpg`));
    assert.equal(e.asset['gps'], undefined);

    // Place names as the node's geocoder gives them (same cities list, fetched by the import
    // worker once, on the first GPS photo); the dHash is kept as the node records it.
    assert.equal(h.asset['place'], 'Ralston, NE, United States');
    assert.equal(t.asset['place'], 'Palisade, CO, United States');
    assert.equal(e.asset['place'], undefined);
    for (const a of [h, t, e]) assert.match(String(a.asset['phash']), /^[0-9a-f]{16}$/);
    const cities = requested.filter((u) => /\/assets\/cities-[^/]*\.pbf$/.test(u));
    assert.equal(cities.length, 1, `cities list fetched once: ${cities.join(', ')}`);
    // The viewer's info panel (open at laptop width) shows it.
    await page.goto(`${server.url}#/photos/${sha(heic)}`);
    await page.getByRole('complementary', { name: 'Info' }).getByText('Ralston, NE, United States').waitFor();

    await page.goto(`${server.url}#/`);
    await page.locator('.tile').first().waitFor();
    // Scroll down a half screen at a time until the virtualized timeline renders its tile.
    await page.waitForFunction(
      (id) => {
        if (document.querySelector(`.tile[data-id="${id}"]`)) return true;
        const s = document.querySelector('[data-testid="timeline-scroller"]');
        if (s) s.scrollTop += s.clientHeight / 2;
        return false;
      },
      sha(heic),
      { polling: 100 },
    );
    const tile = page.locator(`.tile[data-id="${sha(heic)}"]`);
    assert.match((await tile.getAttribute('aria-label')) ?? '', /Mar 21, 2019/);
    // Measured in the page: a tile element can be recycled between two Playwright calls.
    await page.waitForFunction((id) => {
      const r = document.querySelector(`.tile[data-id="${id}"]`)?.getBoundingClientRect();
      return r !== undefined && r.height > 0 && r.width > r.height * 1.2; // 4032×3024 is 1.33
    }, sha(heic));
    // Back to the top, where the next test takes its first tile.
    await page.evaluate(() => document.querySelector('[data-testid="timeline-scroller"]')?.scrollTo(0, 0));
  });

  void it('opens the viewer and steps with the arrow keys', async () => {
    await page.goto(`${server.url}#/`);
    await page.locator('.tile').first().click();
    await page.getByRole('dialog', { name: 'Photo viewer' }).waitFor();
    await page.waitForFunction(() =>
      document.querySelector<HTMLImageElement>('.viewer-image')?.src.startsWith('blob:'),
    );
    // The id from the URL: tile elements are recycled while months load, so the one under the
    // pointer at click time is not always the one whose id was read before.
    const id = /\/photos\/([0-9a-f]{64})$/.exec(page.url())?.[1];
    assert.ok(id, page.url());
    await page.keyboard.press('ArrowRight');
    await page.waitForURL((u) => !u.href.endsWith(`/photos/${id}`));
    await page.getByRole('textbox', { name: 'Description' }).fill('rocks at dawn');
    await page.getByRole('textbox', { name: 'Description' }).blur();
    await snap('viewer');
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: 'Photos' }).waitFor();
  });

  void it('makes an album while offline; a reload while offline still shows timeline and album', async () => {
    await context.setOffline(true);
    await page.goto(`${server.url}#/`).catch(() => undefined);
    await page.evaluate(() => (location.hash = '#/'));
    await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor();
    const tiles = page.locator('.tile');
    await tiles.first().click({ modifiers: ['Shift'] });
    await tiles.nth(2).click({ modifiers: ['Shift'] });
    await page.getByRole('toolbar', { name: 'Selection actions' }).getByText('3 selected').waitFor();
    await page.getByRole('button', { name: 'Add to album' }).click();
    await page.getByRole('textbox', { name: 'New album title' }).fill('Offline trip');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('toolbar', { name: 'Selection actions' }).waitFor({ state: 'detached' });

    await page.reload();
    await page.getByRole('heading', { name: 'Photos' }).waitFor();
    await tiles.first().waitFor();
    await page.getByRole('link', { name: 'Albums' }).click();
    await page.getByRole('link', { name: /Offline trip/ }).click();
    await page.getByTestId('album-count').filter({ hasText: '3 items' }).waitFor();
    await snap('album');
    await context.setOffline(false);
  });

  void it('scrolls a 5,000-item sample library with only a screenful of tiles in the DOM', async () => {
    await page.goto(`${server.url}#/settings`);
    await page.getByRole('spinbutton').fill('5000');
    await page.getByRole('button', { name: 'Add sample library' }).click();
    await page.getByRole('status').filter({ hasText: 'Added 5000' }).waitFor({ timeout: 60_000 });
    await page.goto(`${server.url}#/`);
    await page.locator('.tile').first().waitFor();
    const total = Number(await page.locator('.timeline-column').getAttribute('data-total'));
    assert.ok(total >= 5_000, `timeline counts ${total}`);
    await page.evaluate(() => {
      const s = document.querySelector('[data-testid="timeline-scroller"]')!;
      s.scrollTop = s.scrollHeight / 2;
    });
    // Counted in one page task: between two Playwright calls the window may be mid-update.
    const inDom = await page
      .waitForFunction(() => {
        const n = document.querySelectorAll('.tile').length;
        return n > 0 ? n : false;
      })
      .then(async (h) => Number(await h.jsonValue()));
    assert.ok(inDom < 400, `${inDom} tiles in the DOM`);
    await page.getByRole('slider', { name: 'Jump to a month' }).focus();
    await page.keyboard.press('End');
    await snap('timeline-sample', false);
    assert.deepEqual(pageErrors, []);
  });
});

/**
 * The browser backends really run in Chromium: the canvas codec (createImageBitmap +
 * OffscreenCanvas, libheif / libjxl wasm) and the exifr reader, in a Web Worker of a page
 * built by Vite, on real fixtures; their output is compared with the Node backends' (sharp,
 * exifr, exiftool) on the same files. Debian's Chromium through playwright-core, as the PWA e2e.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { join, normalize } from 'node:path';
import type { Browser } from 'playwright-core';
import { thumbHashToAverageRGBA, thumbHashToRGBA } from 'thumbhash';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractMetadata } from './extract-metadata.ts';
import { makeDerivatives, type Derivatives } from './make-derivatives.ts';
import type { MediaMetadata } from './media-metadata.ts';
import { hammingDistance } from './perceptual-hash.ts';
import { createExifrReader } from './metadata-reader.exifr.ts';
import { createExiftoolReader } from './metadata-reader.exiftool.ts';
import { createSharpCodec } from './image-codec.sharp.ts';
import type { MainThreadResult } from './testing/browser/harness.browser.ts';
import type { ParityResult } from './testing/browser/harness-worker.browser.ts';
import { CHROMIUM, launchHeadlessChromium } from '@hearth/sync/chromium';
import { buildHarnessPage, sendFile, serveOnLoopback } from './testing/chromium-harness.node.ts';
import { fixturesDir } from './testing/fixtures.node.ts';

const assets = join(fixturesDir(), 'immich-test-assets');
const FILES = [
  'formats/jpg/el_torcal_rocks.jpg',
  'metadata/faces/portrait-orientation-6.jpg', // EXIF orientation 6
  'formats/png/density_plot.png',
  'formats/webp/denali.webp',
  'formats/avif/8bit-sRGB.avif',
  'formats/heic/IMG_2682.heic', // libheif wasm
  'formats/jxl/8bit-sRGB.jxl', // libjxl wasm
];
const skip = !existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM} (apt-get install chromium)`
  : !existsSync(assets)
    ? 'no ../shared/fixtures/immich-test-assets'
    : '';

/** Static server for the built page, the fixtures (/fixtures/) and libjxl's wasm (/wasm/). */
function serve(dist: string): Promise<{ server: Server; url: string }> {
  const jxlWasm = createRequire(import.meta.url).resolve('@jsquash/jxl/codec/dec/jxl_dec.wasm');
  return serveOnLoopback((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.startsWith('/fixtures/')
      ? join(assets, normalize(path.slice('/fixtures/'.length)))
      : path === '/wasm/jxl_dec.wasm'
        ? jxlWasm
        : join(dist, normalize(path === '/' ? '/index.html' : path));
    if (!file.startsWith(assets) && !file.startsWith(dist) && file !== jxlWasm)
      return void res.writeHead(403).end();
    if (!existsSync(file)) return void res.writeHead(404).end();
    sendFile(res, file);
  });
}

describe.skipIf(skip)(`media backends in Chromium match Node's ${skip ? `(skipped: ${skip})` : ''}`, () => {
  let dist: string;
  let server: Server | undefined;
  let browser: Browser | undefined;
  let browserResults: Map<string, ParityResult>;
  let mainThread: MainThreadResult[];
  const node = new Map<string, { d: Derivatives; exifr: MediaMetadata; exiftool: MediaMetadata }>();

  beforeAll(async () => {
    dist = await buildHarnessPage(new URL('./testing/browser/', import.meta.url), 'hearth-media-parity-');
    const s = await serve(dist);
    server = s.server;
    browser = await launchHeadlessChromium();
    const page = await browser.newPage();
    await page.goto(s.url);
    await page.waitForFunction(() => typeof window.hearthMediaParity === 'function');
    const results = await page.evaluate((files) => window.hearthMediaParity!({ files }), FILES);
    browserResults = new Map(results.map((r) => [r.file, r]));
    mainThread = [];
    for (const f of FILES.filter((x) => /\.(heic|jxl)$/.test(x)))
      mainThread.push(await page.evaluate((file) => window.hearthMediaMainThread!(file), f));

    const codec = createSharpCodec();
    const exifr = createExifrReader();
    const exiftool = createExiftoolReader({ maxProcs: 1 });
    await exiftool.start();
    try {
      for (const f of FILES) {
        const input = { path: join(assets, f) };
        const bytes = { bytes: new Uint8Array(readFileSync(input.path)), name: f.split('/').pop() ?? f };
        node.set(f, {
          d: await makeDerivatives(codec, input),
          exifr: await extractMetadata(exifr, bytes),
          exiftool: await extractMetadata(exiftool, input),
        });
      }
    } finally {
      await Promise.all([exiftool.stop(), codec.stop()]);
    }
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  it.each(FILES)('%s', (f) => {
    const b = browserResults.get(f);
    const n = node.get(f);
    expect(b?.error).toBeUndefined();
    expect(b?.inWorker).toBe(true);
    const bd = b?.derivatives;
    const bm = b?.metadata;
    if (!bd || !bm || !n) throw new Error('no result');
    // Dimensions after orientation, and both outputs at the same sizes (±1 px of rounding).
    expect([bd.width, bd.height]).toEqual([n.d.width, n.d.height]);
    for (const [bo, no] of [
      [bd.thumbnail, n.d.thumbnail],
      [bd.preview, n.d.preview],
    ] as const) {
      expect(bo.format).toBe(no.format);
      expect(Math.abs(bo.width - no.width)).toBeLessThanOrEqual(1);
      expect(Math.abs(bo.height - no.height)).toBeLessThanOrEqual(1);
      expect(bo.bytes).toBeGreaterThan(100);
    }
    if (f.endsWith('.heic')) expect(bd.decoder).toBe('libheif-wasm');
    if (f.endsWith('.jxl')) expect(bd.decoder).toBe('jxl-wasm');
    // Thumbhash close: same average colour and same placeholder picture, within a few levels.
    const hb = Uint8Array.from(atob(bd.thumbhash), (c) => c.charCodeAt(0));
    const hn = Uint8Array.from(atob(n.d.thumbhash), (c) => c.charCodeAt(0));
    const ab = thumbHashToAverageRGBA(hb);
    const an = thumbHashToAverageRGBA(hn);
    for (const k of ['r', 'g', 'b'] as const) expect(Math.abs(ab[k] - an[k])).toBeLessThan(0.06);
    const pb = thumbHashToRGBA(hb);
    const pn = thumbHashToRGBA(hn);
    expect([pb.w, pb.h]).toEqual([pn.w, pn.h]);
    let diff = 0;
    for (let i = 0; i < pb.rgba.length; i++)
      diff += Math.abs((pb.rgba[i] as number) - (pn.rgba[i] as number));
    expect(diff / pb.rgba.length).toBeLessThan(12);
    expect(hammingDistance(bd.phash, n.d.phash)).toBeLessThanOrEqual(12);
    // Metadata: the same library (exifr) gives the same answers in Chromium and Node …
    expect(bm.captureLocal).toBe(n.exifr.captureTime.local);
    expect(bm.captureUtcMs).toBe(n.exifr.captureTime.utcMs);
    expect(bm.captureSource).toBe(n.exifr.captureTime.source);
    expect(bm.mime).toBe(n.exifr.mime);
    expect([bm.width, bm.height, bm.orientation]).toEqual([
      n.exifr.width,
      n.exifr.height,
      n.exifr.orientation,
    ]);
    expect([bm.make, bm.model]).toEqual([n.exifr.camera?.make, n.exifr.camera?.model]);
    expect(bm.gps).toEqual(
      n.exifr.gps ? { latitude: n.exifr.gps.latitude, longitude: n.exifr.gps.longitude } : undefined,
    );
    // … and agrees with exiftool on the capture time and the displayed size.
    if (n.exiftool.captureTime.source !== 'file') expect(bm.captureLocal).toBe(n.exiftool.captureTime.local);
    if (n.exiftool.width !== undefined)
      expect([bm.width, bm.height]).toEqual([n.exiftool.width, n.exiftool.height]);
  });

  it('on a page main thread, HEIC and JPEG XL decode in a worker: same result, the page keeps running', () => {
    expect(mainThread.length).toBe(2);
    for (const m of mainThread) {
      const w = browserResults.get(m.file)?.derivatives;
      expect(m.error).toBeUndefined();
      expect([m.width, m.height, m.decoder]).toEqual([w?.width, w?.height, w?.decoder]);
      expect(m.thumbhash).toBe(w?.thumbhash);
      // The page's event loop went on turning during the decode: ~250 timer ticks here, 12 when
      // the same decode runs inline (checked by hand with decodeInWorker: false).
      expect(m.ticks).toBeGreaterThan(60);
    }
  });
});

/**
 * The browser VideoTool (ffmpeg.wasm through @ffmpeg/ffmpeg) really runs in Chromium: in a Web
 * Worker of a page built by Vite, with the core's JS and wasm from node_modules (`?url`
 * imports, no CDN). It probes and makes posters of the test clips (H.264, HEVC, 4:4:4, rotated,
 * black start) and of the Samsung motion photo's video part, and is compared with native ffmpeg
 * on Node: same probe, poster of the same size and picture (dHash). A malformed MP4 fails with
 * a named error. Debian's Chromium through playwright-core, as browser-parity.test.ts.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitMotionPhoto } from './motion-photo.ts';
import { dHash, hammingDistance } from './perceptual-hash.ts';
import type { VideoParityResult } from './testing/browser-video/harness-worker.browser.ts';
import { CHROMIUM, launchHeadlessChromium } from '@hearth/sync/chromium';
import { buildHarnessPage, sendFile, serveOnLoopback } from './testing/chromium-harness.node.ts';
import { fixturesDir } from './testing/fixtures.node.ts';
import { makeVideoClips } from './testing/video-clips.node.ts';
import { createNativeVideoTool, hasNativeFfmpeg } from './video-tool.ffmpeg.ts';
import type { VideoInfo } from './video-tool.ts';

const motionPhoto = join(fixturesDir(), 'immich-test-assets/formats/motionphoto/samsung-one-ui-6.heic');
const skip = !existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM} (apt-get install chromium)`
  : !hasNativeFfmpeg()
    ? 'no native ffmpeg (it makes the clips and is the reference)'
    : '';

/** Static server for the built page and the clips (/clips/<name>). */
function serve(dist: string, clips: Map<string, Uint8Array>): Promise<{ server: Server; url: string }> {
  return serveOnLoopback((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path.startsWith('/clips/')) {
      const clip = clips.get(path.slice('/clips/'.length));
      if (!clip) return void res.writeHead(404).end();
      return void res.writeHead(200, { 'content-type': 'video/mp4' }).end(clip);
    }
    const file = join(dist, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dist + '/') || !existsSync(file)) return void res.writeHead(404).end();
    sendFile(res, file);
  });
}

/** Size and dHash of a PNG (sharp: 9×8 grayscale-ready RGBA, as the ingest's dHash). */
async function posterFacts(png: Uint8Array): Promise<{ width: number; height: number; phash: string }> {
  const meta = await sharp(png).metadata();
  const { data } = await sharp(png)
    .resize(9, 8, { fit: 'fill' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    width: meta.width ?? 0,
    height: meta.height ?? 0,
    phash: dHash({ width: 9, height: 8, data: new Uint8Array(data) }),
  };
}

describe.skipIf(skip)(
  `ffmpeg.wasm VideoTool in Chromium matches native ffmpeg ${skip ? `(skipped: ${skip})` : ''}`,
  () => {
    let dist: string;
    let server: Server | undefined;
    let browser: Browser | undefined;
    const clips = new Map<string, Uint8Array>();
    let names: string[] = [];
    const browserResults = new Map<string, VideoParityResult>();
    const ops = new Map<'transcode' | 'abort', VideoParityResult[]>();
    const native = new Map<string, { info: VideoInfo; poster: Awaited<ReturnType<typeof posterFacts>> }>();

    beforeAll(async () => {
      const c = makeVideoClips();
      clips.set('h264.mp4', c.h264);
      clips.set('hevc.mp4', c.hevc);
      clips.set('yuv444.mp4', c.h264yuv444);
      clips.set('rotated.mp4', c.rotated);
      clips.set('black-start.mp4', c.blackStart);
      if (existsSync(motionPhoto)) {
        const video = splitMotionPhoto(new Uint8Array(readFileSync(motionPhoto)))?.video;
        if (video) clips.set('motion-photo.mp4', video);
      }
      names = [...clips.keys()];
      // A malformed atom: the h264 clip with its moov box cut short and garbled.
      const bad = c.h264.slice(0, Math.floor(c.h264.length * 0.4));
      bad.fill(0xff, 24, 64);
      clips.set('malformed.mp4', bad);

      dist = await buildHarnessPage(
        new URL('./testing/browser-video/', import.meta.url),
        'hearth-media-video-',
      );
      const s = await serve(dist, clips);
      server = s.server;
      browser = await launchHeadlessChromium();
      const page = await browser.newPage();
      await page.goto(s.url);
      await page.waitForFunction(() => typeof window.hearthVideoParity === 'function');
      const results = await page.evaluate((req) => window.hearthVideoParity!(req), {
        // the malformed file between good ones: a failed job's core is not reused for the next
        clips: [...names.slice(0, 2), 'malformed.mp4', ...names.slice(2)],
      });
      for (const r of results) browserResults.set(r.clip, r);
      for (const op of ['transcode', 'abort'] as const)
        ops.set(
          op,
          await page.evaluate((req) => window.hearthVideoParity!(req), { clips: ['hevc.mp4'], op }),
        );

      const tool = createNativeVideoTool();
      await tool.start();
      for (const n of names) {
        const input = { bytes: clips.get(n) as Uint8Array, name: n };
        native.set(n, {
          info: await tool.probe(input),
          poster: await posterFacts(await tool.posterFrame(input)),
        });
      }
      await tool.stop();
    }, 300_000);

    afterAll(async () => {
      await browser?.close();
      await new Promise((r) => (server ? server.close(r) : r(undefined)));
      if (dist) rmSync(dist, { recursive: true, force: true });
    });

    it('has the motion photo fixture’s video part among the clips', () => {
      expect(existsSync(motionPhoto) ? names : ['motion-photo.mp4']).toContain('motion-photo.mp4');
    });

    it.each(['h264.mp4', 'hevc.mp4', 'yuv444.mp4', 'rotated.mp4', 'black-start.mp4', 'motion-photo.mp4'])(
      '%s: same probe and poster as native ffmpeg',
      async (clip) => {
        const n = native.get(clip);
        if (!n) return; // the motion photo fixture is absent (checked above)
        const b = browserResults.get(clip);
        expect(b?.error).toBeUndefined();
        expect(b?.inWorker).toBe(true);
        if (!b?.info || !b.poster) throw new Error('no result');
        const { durationS, frameRate, ...rest } = b.info;
        const { durationS: nd, frameRate: nf, ...nrest } = n.info;
        expect(rest).toEqual(nrest); // codec, pixel format, displayed size, rotation, audio, container
        expect(Math.abs(durationS - nd)).toBeLessThan(0.05);
        expect(frameRate === undefined).toBe(nf === undefined);
        if (frameRate !== undefined && nf !== undefined) expect(Math.abs(frameRate - nf)).toBeLessThan(0.01);
        const p = await posterFacts(Uint8Array.from(atob(b.poster), (ch) => ch.charCodeAt(0)));
        expect([p.width, p.height]).toEqual([n.poster.width, n.poster.height]);
        expect(hammingDistance(p.phash, n.poster.phash)).toBeLessThanOrEqual(4);
      },
    );

    it('transcodes HEVC to the playback profile as native does, with progress to 1', async () => {
      const b = ops.get('transcode')?.[0];
      expect(b?.error).toBeUndefined();
      const n = await createNativeVideoTool().transcode({
        bytes: clips.get('hevc.mp4') as Uint8Array,
        name: 'h.mp4',
      });
      expect(b?.transcode?.action).toBe(n.action);
      expect({ ...b?.transcode?.info, durationS: 0 }).toEqual({ ...n.info, durationS: 0 });
      expect(Math.abs((b?.transcode?.info.durationS ?? 0) - n.info.durationS)).toBeLessThan(0.1);
      expect(b?.transcode?.lastProgress).toBe(1);
    });

    it('an aborted transcode rejects with MEDIA_ABORTED and the next job still runs', () => {
      const b = ops.get('abort')?.[0];
      expect(b?.error?.code).toBe('MEDIA_ABORTED');
      expect(b?.info).toMatchObject({ codec: 'hevc', width: 1280, height: 720 });
    });

    it('a malformed MP4 fails alone with a named error; the clips after it still work', () => {
      const b = browserResults.get('malformed.mp4');
      expect(b?.error?.code).toMatch(/^MEDIA_(CORRUPT_FILE|UNSUPPORTED_FORMAT)$/);
      expect(b?.error?.message).toContain('malformed.mp4');
    });
  },
);

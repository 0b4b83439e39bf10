import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMediaError } from './errors.ts';
import type { ImageCodec } from './image-codec.ts';
import { makeDerivatives, MAX_INPUT_PIXELS } from './make-derivatives.ts';
import { hammingDistance } from './perceptual-hash.ts';
import { detailRatio, type RgbaImage } from './rgba-image.ts';
import { lyingJxl } from './testing/bad-input-corpus.ts';
import { makeLyingPng, makePng } from './testing/png-builder.ts';
import { fromBase64, SAMPLE_JPEG_B64 } from './testing/samples.ts';

const isWebp = (b: Uint8Array) => String.fromCharCode(...b.subarray(8, 12)) === 'WEBP';
const isJpeg = (b: Uint8Array) => b[0] === 0xff && b[1] === 0xd8;
const pixel = (img: RgbaImage, x: number, y: number) =>
  [...img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 3)] as [number, number, number];

/**
 * What every ImageCodec must do, on generated images (so it runs in Node and Chromium).
 * `setup` returns a codec that has not been started.
 */
export function runImageCodecContract(name: string, setup: () => ImageCodec | Promise<ImageCodec>): void {
  describe(`ImageCodec contract: ${name}`, () => {
    let codec: ImageCodec;
    let big: Uint8Array;
    beforeAll(async () => {
      codec = await setup();
      await codec.start();
      // 3000×2000: left third red, rest a horizontal gradient, so content and orientation show.
      big = await makePng(3000, 2000, (x, y) =>
        x < 1000 ? [220, 20, 20] : [Math.floor(x / 12) % 256, Math.floor(y / 8) % 256, 128],
      );
    });
    afterAll(async () => {
      await codec.stop();
    });

    it('makes a 250 px WebP thumbnail and a 1440 px JPEG preview (short side) from one render', async () => {
      const d = await makeDerivatives(codec, { bytes: big, name: 'big.png' });
      expect([d.width, d.height]).toEqual([3000, 2000]);
      expect(isWebp(d.thumbnail.bytes)).toBe(true);
      expect(Math.min(d.thumbnail.width, d.thumbnail.height)).toBe(250);
      expect(d.thumbnail.width).toBe(375);
      expect(isJpeg(d.preview.bytes)).toBe(true);
      expect([d.preview.width, d.preview.height]).toEqual([2160, 1440]);
      expect(d.thumbhash.length).toBeGreaterThan(20);
      expect(d.phash).toMatch(/^[0-9a-f]{16}$/);
    });

    it('keeps content: not blank, left of the picture still red', async () => {
      const r = await codec.render(
        { bytes: big, name: 'big.png' },
        { encode: [], pixels: [{ name: 'p', maxSide: 96 }], maxInputPixels: MAX_INPUT_PIXELS },
      );
      const p = r.pixels['p'] as RgbaImage;
      expect([p.width, p.height]).toEqual([96, 64]);
      expect(detailRatio(p)).toBeGreaterThan(0.2);
      const [red, green] = pixel(p, 5, 32);
      expect(red).toBeGreaterThan(180);
      expect(green).toBeLessThan(60);
    });

    it('applies EXIF orientation (16×32 displayed, yellow on top) and never enlarges', async () => {
      const d = await makeDerivatives(codec, { bytes: fromBase64(SAMPLE_JPEG_B64), name: 'sample.jpg' });
      expect([d.width, d.height]).toEqual([16, 32]);
      expect([d.preview.width, d.preview.height]).toEqual([16, 32]);
      const r = await codec.render(
        { bytes: fromBase64(SAMPLE_JPEG_B64), name: 'sample.jpg' },
        { encode: [], pixels: [{ name: 'p', width: 16, height: 32 }], maxInputPixels: MAX_INPUT_PIXELS },
      );
      const p = r.pixels['p'] as RgbaImage;
      const [tr, tg, tb] = pixel(p, 8, 4);
      const [br, , bb] = pixel(p, 8, 28);
      expect(tr).toBeGreaterThan(200); // yellow #ffcc00
      expect(tg).toBeGreaterThan(150);
      expect(tb).toBeLessThan(80);
      expect(bb).toBeGreaterThan(150); // blue #3366cc
      expect(br).toBeLessThan(100);
    });

    it('gives near-identical perceptual hashes to the same picture at two sizes', async () => {
      const small = await makePng(600, 400, (x, y) =>
        x < 200 ? [220, 20, 20] : [Math.floor((x * 5) / 12) % 256, Math.floor((y * 5) / 8) % 256, 128],
      );
      const a = await makeDerivatives(codec, { bytes: big, name: 'a.png' });
      const b = await makeDerivatives(codec, { bytes: small, name: 'b.png' });
      expect(hammingDistance(a.phash, b.phash)).toBeLessThanOrEqual(6);
    });

    it('refuses a decompression bomb (50,000 × 50,000 PNG) with MEDIA_TOO_LARGE, without decoding it', async () => {
      const bomb = await makeLyingPng(50_000, 50_000);
      await expect(makeDerivatives(codec, { bytes: bomb, name: 'bomb.png' })).rejects.toSatisfy((e) =>
        isMediaError(e, 'MEDIA_TOO_LARGE'),
      );
    });

    it('refuses a JPEG XL bomb (50,000 × 50,000 header) with MEDIA_TOO_LARGE, before libjxl', async () => {
      await expect(
        makeDerivatives(codec, { bytes: lyingJxl(50_000, 50_000), name: 'bomb.jxl' }),
      ).rejects.toSatisfy((e) => isMediaError(e, 'MEDIA_TOO_LARGE'));
    });

    it('rejects empty input with MEDIA_EMPTY_FILE and non-images with MEDIA_UNSUPPORTED_FORMAT', async () => {
      await expect(makeDerivatives(codec, { bytes: new Uint8Array(0), name: 'e.jpg' })).rejects.toSatisfy(
        (e) => isMediaError(e, 'MEDIA_EMPTY_FILE'),
      );
      const text = new TextEncoder().encode('not an image at all '.repeat(50));
      await expect(makeDerivatives(codec, { bytes: text, name: 't.jpg' })).rejects.toSatisfy((e) =>
        isMediaError(e, 'MEDIA_UNSUPPORTED_FORMAT'),
      );
    });
  });
}

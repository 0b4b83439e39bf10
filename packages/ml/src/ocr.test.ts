import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from './decode-image.sharp.ts';
import { createOnnxNodeRuntime } from './inference-session.onnx-node.ts';
import { createModelLoader } from './model-loader.ts';
import { createFsModelStore, defaultModelsDir } from './model-store.fs.ts';
import { ctcGreedy, createTextReader, rotate180, rotate90ccw, textBoxes } from './ocr.ts';
import type { Box } from './nms.ts';
import type { RgbImage } from './rgb-image.ts';

const dir = defaultModelsDir();

describe.skipIf(!existsSync(join(dir, 'ocr/ch_PP-OCRv4_rec_infer.onnx')))(
  'PP-OCRv4 (skipped without the shared models)',
  () => {
    const loader = createModelLoader({ store: createFsModelStore(dir), runtime: createOnnxNodeRuntime() });
    const reader = createTextReader(loader);
    afterAll(() => loader.stop());

    it('reads the synthetic text image, line by line, top to bottom', async () => {
      const r = await reader.read(await decodeImage(join(dir, 'test-images/synthetic-text.jpg')));
      expect(r.model).toBe('ppocr-v4-det@4+ppocr-v4-rec@4+ppocr-mobile-v2-cls@2.0');
      expect(r.lines).toHaveLength(2);
      // The recogniser drops some spaces (as the models README notes), so compare without them.
      expect(r.lines[0]?.text.replace(/\s/g, '')).toBe('HelloPhotoLibrary2024');
      expect(r.lines[1]?.text.replace(/\s/g, '')).toBe('Invoice#12345total99.50');
      expect(r.lines[0]?.box.y).toBeLessThan(r.lines[1]?.box.y as number);
      for (const l of r.lines) expect(l.confidence).toBeGreaterThan(0.9);
    });

    it.each([
      ['upside down (180°)', (i: RgbImage) => rotate180(i)],
      ['sideways (90° clockwise)', (i: RgbImage) => rotate180(rotate90ccw(i))],
      ['sideways (90° counter-clockwise)', (i: RgbImage) => rotate90ccw(i)],
    ])('reads the same lines from the image turned %s, with the direction classifier', async (_, turn) => {
      const r = await reader.read(turn(await decodeImage(join(dir, 'test-images/synthetic-text.jpg'))));
      const lines = r.lines.map((l) => l.text.replace(/\s/g, '')).sort();
      expect(lines).toEqual(['HelloPhotoLibrary2024', 'Invoice#12345total99.50']);
    });

    it('without the classifier file, reads upright text as before and says so in the model key', async () => {
      const noCls = createModelLoader({
        store: {
          read: (f) => (f.includes('_cls_') ? Promise.resolve(undefined) : createFsModelStore(dir).read(f)),
        },
        runtime: createOnnxNodeRuntime(),
      });
      const r = await createTextReader(noCls).read(
        await decodeImage(join(dir, 'test-images/synthetic-text.jpg')),
      );
      expect(r.model).toBe('ppocr-v4-det@4+ppocr-v4-rec@4');
      expect(r.lines).toHaveLength(2);
      await noCls.stop();
    });

    it('finds no text in a photo without any', async () => {
      const r = await reader.read(await decodeImage(join(dir, 'test-images/dog-bicycle-car.jpg')));
      expect(r.text).toBe('');
    });
  },
);

describe('OCR post-processing', () => {
  it('turns images 90° counter-clockwise and 180°', () => {
    // 3×2: pixels numbered 0..5 in the red channel, row by row.
    const img: RgbImage = {
      width: 3,
      height: 2,
      data: Uint8Array.from({ length: 18 }, (_, i) => (i % 3 ? 0 : i / 3)),
    };
    const red = (i: RgbImage) => Array.from({ length: i.width * i.height }, (_, p) => i.data[p * 3]);
    expect(red(rotate180(img))).toEqual([5, 4, 3, 2, 1, 0]);
    const r = rotate90ccw(img);
    expect([r.width, r.height]).toEqual([2, 3]);
    // numpy.rot90([[0,1,2],[3,4,5]]) == [[2,5],[1,4],[0,3]]
    expect(red(r)).toEqual([2, 5, 1, 4, 0, 3]);
  });

  it('boxes connected text regions and skips weak ones', () => {
    const w = 40,
      h = 20;
    const prob = new Float32Array(w * h);
    for (let y = 5; y < 10; y++) for (let x = 2; x < 20; x++) prob[y * w + x] = 0.9; // strong region
    for (let y = 12; y < 16; y++) for (let x = 25; x < 35; x++) prob[y * w + x] = 0.4; // above binarise, below box threshold
    const boxes = textBoxes(prob, w, h, 0.3, 0.6);
    expect(boxes).toHaveLength(1);
    expect(boxes[0]?.x).toBeLessThan(2);
    expect((boxes[0]?.x as number) + (boxes[0]?.width as number)).toBeGreaterThan(20);
  });

  it('boxes a region larger than its fill stack starts with, and a snaking one, whole', () => {
    const w = 300,
      h = 120;
    const prob = new Float32Array(w * h);
    for (let y = 10; y < 60; y++) for (let x = 10; x < 290; x++) prob[y * w + x] = 0.9; // 14,000 px
    // A comb: rows joined only at their left end, so the fill must turn back on itself.
    for (let y = 70; y < 110; y++)
      for (let x = 5; x < 250; x++) if (y % 4 !== 3 || x < 8) prob[y * w + x] = 0.8;
    const boxes = textBoxes(prob, w, h, 0.3, 0.6);
    expect(boxes).toHaveLength(2);
    const [big, comb] = boxes as [Box, Box];
    expect(big.y).toBeLessThan(10);
    expect(big.y + big.height).toBeGreaterThan(60);
    expect(comb.y).toBeLessThan(70);
    expect(comb.y + comb.height).toBeGreaterThanOrEqual(110);
    expect(comb.x + comb.width).toBeGreaterThan(250);
  });

  it('CTC-decodes by collapsing repeats and dropping blanks', () => {
    const keys = ['a', 'b'];
    // steps: a a blank a b <space>  → "aab "
    const seq = [1, 1, 0, 1, 2, 3];
    const probs = new Float32Array(seq.length * 4);
    seq.forEach((c, t) => (probs[t * 4 + c] = 0.9));
    expect(ctcGreedy(probs, seq.length, 4, keys)).toEqual({
      text: 'aab ',
      confidence: expect.closeTo(0.9, 5) as number,
    });
  });
});

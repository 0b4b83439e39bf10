import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { centreCrop, createClipEncoder } from './clip-encoder.ts';
import { createOnnxNodeRuntime } from './inference-session.onnx-node.ts';
import { createOnnxWebRuntime } from './inference-session.onnx-web.ts';
import type { InferenceRuntime } from './inference-session.ts';
import { createModelLoader } from './model-loader.ts';
import { MODELS } from './model-registry.ts';
import { defaultModelsDir } from './model-store.fs.ts';
import { createMemoryModelStore } from './model-store.ts';
import type { RgbImage } from './rgb-image.ts';
import { tinyClipImageModel, tinyClipTextModel } from './tiny-clip-model.ts';

const vocab = join(defaultModelsDir(), 'clip/bpe_simple_vocab_16e6.txt');

function solid(w: number, h: number, rgb: [number, number, number]): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) data.set(rgb, i * 3);
  return { width: w, height: h, data };
}
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * (b[i] as number), 0);

const runtimes: [string, 'int32' | 'int64', () => InferenceRuntime][] = [
  ['onnxruntime-node', 'int32', createOnnxNodeRuntime],
  ['onnxruntime-web', 'int64', createOnnxWebRuntime],
];

describe.skipIf(!existsSync(vocab))('CLIP pipeline on a generated model with the real signature', () => {
  describe.each(runtimes)('%s, %s tokens', (_name, tokenType, makeRuntime) => {
    const models = MODELS.map((m) => (m.task === 'clip-text' ? { ...m, tokenType } : m));
    const store = createMemoryModelStore(
      new Map([
        ['clip/visual.onnx', tinyClipImageModel()],
        ['clip/textual.onnx', tinyClipTextModel(tokenType)],
        // Read only when present: a skipped describe still runs its body.
        ...(existsSync(vocab)
          ? [['clip/bpe_simple_vocab_16e6.txt', new Uint8Array(readFileSync(vocab))] as const]
          : []),
      ]),
    );
    const loader = createModelLoader({ store, runtime: makeRuntime(), models });
    const clip = createClipEncoder(loader);
    afterAll(() => loader.stop());

    it('ranks the photo the text describes first, with unit 512-d vectors stamped with the model', async () => {
      const photos = {
        red: solid(640, 480, [220, 30, 30]),
        green: solid(300, 500, [30, 200, 40]),
        blue: solid(224, 224, [20, 40, 230]),
      };
      const emb = Object.fromEntries(
        await Promise.all(
          Object.entries(photos).map(async ([k, img]) => [k, await clip.embedImage(img)] as const),
        ),
      );
      for (const e of Object.values(emb)) {
        expect(e.vector).toHaveLength(512);
        expect(Math.hypot(...e.vector)).toBeCloseTo(1, 4);
        expect(e.model).toBe('clip-vit-b32-visual@openai');
      }
      for (const colour of ['red', 'green', 'blue'] as const) {
        const q = await clip.embedText(`a photo of something ${colour}`);
        expect(q.model).toBe('clip-vit-b32-textual@openai');
        const ranked = Object.entries(emb).sort(
          (a, b) => dot(q.vector, b[1].vector) - dot(q.vector, a[1].vector),
        );
        expect(ranked[0]?.[0]).toBe(colour);
      }
    });
  });
});

it('centre-crops the shortest side to a square', () => {
  const img = solid(400, 200, [0, 0, 0]);
  // Mark the left quarter white: a centred crop of the 448×224 resize must not include it.
  for (let y = 0; y < 200; y++)
    for (let x = 0; x < 100; x++) img.data.set([255, 255, 255], (y * 400 + x) * 3);
  const c = centreCrop(img, 224);
  expect([c.width, c.height]).toEqual([224, 224]);
  expect(c.data[(112 * 224 + 0) * 3]).toBeLessThan(20);
});

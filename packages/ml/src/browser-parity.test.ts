/**
 * Chromium parity: the same models on onnxruntime-web (wasm) in real Chromium give the same
 * faces (boxes, scores, embeddings) and object tags as onnxruntime-node, on the shared test
 * images. Pixels are decoded once here (sharp) and served to the page, so only the runtimes
 * differ. Tolerances: box corners within 0.05 px, scores and tag confidences within 0.001,
 * embedding cosine similarity at least 0.9999. Measured (onnxruntime 1.30, wasm SIMD, 7
 * images): box 1.4e-5 px, score 5.6e-8, cosine 0.99999995, tag confidence 2.9e-6.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, openChromiumPage, type ChromiumPage } from './chromium-page.node.ts';
import { decodeImage } from './decode-image.sharp.ts';
import { createFacePipeline } from './face-pipeline.ts';
import { createOnnxNodeRuntime } from './inference-session.onnx-node.ts';
import { createModelLoader } from './model-loader.ts';
import { defaultModelsDir, createFsModelStore } from './model-store.fs.ts';
import { createObjectTagger } from './object-tagger.ts';
import type { ParityResult } from './parity-page.browser.ts';
import type { RgbImage } from './rgb-image.ts';

const dir = defaultModelsDir();
const images = join(dir, 'test-images');
const hasModels = existsSync(join(dir, 'face-detection')) && existsSync(images);
const crops = hasModels ? readdirSync(join(images, 'faces-faceapi')).sort().slice(0, 4) : [];
const NAMES = [
  'group-bbt1.jpg',
  'ultraface-13.jpg',
  'dog-bicycle-car.jpg',
  ...crops.map((c) => `faces-faceapi/${c}`),
];

async function inNode(pixels: Map<string, RgbImage>): Promise<ParityResult[]> {
  const loader = createModelLoader({ store: createFsModelStore(dir), runtime: createOnnxNodeRuntime() });
  const faces = createFacePipeline(loader);
  const tagger = createObjectTagger(loader);
  const out: ParityResult[] = [];
  for (const name of NAMES) {
    const img = pixels.get(name) as RgbImage;
    const f = await faces.analyze(img);
    const t = await tagger.tag(img);
    out.push({
      name,
      faces: f.faces.map((x) => ({
        box: { x: x.box.x, y: x.box.y, width: x.box.width, height: x.box.height },
        score: x.score,
        embedding: Array.from(x.embedding),
      })),
      tags: t.tags.map((g) => ({ label: g.label, confidence: g.confidence })),
    });
  }
  await loader.stop();
  return out;
}

const cosine = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * (b[i] as number), 0);

describe.skipIf(!hasChromium || !hasModels)(
  'onnxruntime-web in Chromium matches onnxruntime-node (needs /usr/bin/chromium and the models dir)',
  { timeout: 300_000 },
  () => {
    const pixels = new Map<string, RgbImage>();
    let chromium: ChromiumPage | undefined;
    beforeAll(async () => {
      for (const n of NAMES) pixels.set(n, await decodeImage(join(images, n)));
      chromium = await openChromiumPage({
        entry: join(import.meta.dirname, 'parity-page.browser.ts'),
        name: 'hearth-ml-parity',
        modelsDir: dir,
        routes: (path) => {
          if (!path.startsWith('/rgb/')) return undefined;
          const img = pixels.get(decodeURIComponent(path.slice('/rgb/'.length)));
          if (!img) return undefined;
          return {
            body: img.data,
            type: 'application/octet-stream',
            headers: { 'x-width': String(img.width), 'x-height': String(img.height) },
          };
        },
      });
    }, 180_000);
    afterAll(async () => chromium?.close());

    it('gives the same face detections, embeddings and object tags on the shared test images', async () => {
      const page = (chromium as ChromiumPage).page;
      await page.waitForFunction(() => 'hearthParity' in globalThis);
      type Run = (names: readonly string[]) => Promise<ParityResult[]>;
      const web = await page.evaluate(
        (names) => (globalThis as unknown as { hearthParity: Run }).hearthParity(names),
        NAMES,
      );
      const node = await inNode(pixels);
      let worst = { box: 0, score: 0, cosine: 1, tag: 0 };
      for (const [i, n] of node.entries()) {
        const w = web[i] as ParityResult;
        expect(w.name).toBe(n.name);
        expect(w.faces.length, n.name).toBe(n.faces.length);
        for (const [j, nf] of n.faces.entries()) {
          const wf = w.faces[j] as ParityResult['faces'][number];
          const box = Math.max(
            Math.abs(wf.box.x - nf.box.x),
            Math.abs(wf.box.y - nf.box.y),
            Math.abs(wf.box.x + wf.box.width - nf.box.x - nf.box.width),
            Math.abs(wf.box.y + wf.box.height - nf.box.y - nf.box.height),
          );
          worst = {
            ...worst,
            box: Math.max(worst.box, box),
            score: Math.max(worst.score, Math.abs(wf.score - nf.score)),
            cosine: Math.min(worst.cosine, cosine(wf.embedding, nf.embedding)),
          };
        }
        expect(w.tags.map((t) => t.label)).toEqual(n.tags.map((t) => t.label));
        for (const [j, t] of n.tags.entries())
          worst.tag = Math.max(worst.tag, Math.abs((w.tags[j]?.confidence ?? -1) - t.confidence));
      }
      console.log(`Chromium vs Node, worst over ${NAMES.length} images: ${JSON.stringify(worst)}`);
      expect(node.find((r) => r.name === 'group-bbt1.jpg')?.faces).toHaveLength(4);
      expect(worst.box).toBeLessThanOrEqual(0.05);
      expect(worst.score).toBeLessThanOrEqual(0.001);
      expect(worst.cosine).toBeGreaterThanOrEqual(0.9999);
      expect(worst.tag).toBeLessThanOrEqual(0.001);
    });
  },
);

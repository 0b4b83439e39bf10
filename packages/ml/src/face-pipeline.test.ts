import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from './decode-image.sharp.ts';
import { ModelMissingError } from './errors.ts';
import { createFacePipeline } from './face-pipeline.ts';
import { createOnnxNodeRuntime } from './inference-session.onnx-node.ts';
import { createOnnxWebRuntime } from './inference-session.onnx-web.ts';
import type { InferenceRuntime } from './inference-session.ts';
import { createModelLoader } from './model-loader.ts';
import { createFsModelStore, defaultModelsDir } from './model-store.fs.ts';
import { createMemoryModelStore } from './model-store.ts';
import { EXPECTED_FACE_COUNTS } from './testing.ts';

const dir = defaultModelsDir();
const hasModels = existsSync(join(dir, 'face-detection/yunet_n_dynamic.onnx'));

describe.skipIf(!hasModels)(`face pipeline on ${dir} (skipped when the shared models are absent)`, () => {
  const loader = createModelLoader({
    store: createFsModelStore(dir),
    runtime: createOnnxNodeRuntime(),
    choose: { 'face-embedding': 'mobilefacenet-128' },
  });
  const pipeline = createFacePipeline(loader);
  afterAll(() => loader.stop());

  it.each(Object.entries(EXPECTED_FACE_COUNTS))('finds the faces in %s', async (file, count) => {
    const img = await decodeImage(join(dir, 'test-images', file));
    const r = await pipeline.analyze(img);
    expect(r.faces).toHaveLength(count);
    expect(r.models).toEqual({ detector: 'yunet-n@2023mar', embedder: 'mobilefacenet-128@1' });
    for (const f of r.faces) {
      expect(f.box.x).toBeGreaterThanOrEqual(-5);
      expect(f.box.x + f.box.width).toBeLessThanOrEqual(img.width + 5);
      // Landmarks lie inside the box, eyes above the mouth.
      for (const p of f.landmarks) {
        expect(p.x).toBeGreaterThan(f.box.x);
        expect(p.x).toBeLessThan(f.box.x + f.box.width);
      }
      expect(f.landmarks[0].y).toBeLessThan(f.landmarks[3].y);
      expect(f.embedding).toHaveLength(128);
      const norm = Math.hypot(...f.embedding);
      expect(norm).toBeCloseTo(1, 4);
    }
  });

  it('gives the same person similar embeddings and different people distant ones', async () => {
    const emb = async (f: string) =>
      (await pipeline.analyze(await decodeImage(join(dir, 'test-images/faces-faceapi', f)))).faces[0]
        ?.embedding as Float32Array;
    const [a1, a2, s1] = await Promise.all(['amy1.png', 'amy2.png', 'sheldon1.png'].map(emb));
    const cos = (x: Float32Array, y: Float32Array) => x.reduce((s, v, i) => s + v * (y[i] as number), 0);
    expect(cos(a1 as Float32Array, a2 as Float32Array)).toBeGreaterThan(0.4);
    expect(cos(a1 as Float32Array, s1 as Float32Array)).toBeLessThan(0.3);
  });
});

describe.skipIf(!existsSync(join(dir, 'face-detection/scrfd_500m_bnkps.onnx')))(
  'SCRFD (opt-in detector)',
  () => {
    it.each(Object.entries(EXPECTED_FACE_COUNTS))(
      'finds the same faces as YuNet in %s',
      async (file, count) => {
        const loader = createModelLoader({
          store: createFsModelStore(dir),
          runtime: createOnnxNodeRuntime(),
          choose: { 'face-detection': 'scrfd-500m', 'face-embedding': 'mobilefacenet-128' },
        });
        const r = await createFacePipeline(loader).analyze(await decodeImage(join(dir, 'test-images', file)));
        expect(r.faces).toHaveLength(count);
        expect(r.models.detector).toBe('scrfd-500m@bnkps-1');
        for (const f of r.faces) expect(f.landmarks[0].x).toBeLessThan(f.landmarks[1].x);
        await loader.stop();
      },
    );
  },
);

describe.skipIf(!hasModels)('onnxruntime-web gives the same faces as onnxruntime-node', () => {
  it('matches boxes within a pixel and embeddings within 1e-3 cosine on the group photo', async () => {
    const img = await decodeImage(join(dir, 'test-images/group-bbt1.jpg'));
    const run = async (runtime: InferenceRuntime) => {
      const loader = createModelLoader({
        store: createFsModelStore(dir),
        runtime,
        choose: { 'face-embedding': 'mobilefacenet-128' },
      });
      const r = await createFacePipeline(loader).analyze(img);
      await loader.stop();
      return r.faces.sort((a, b) => a.box.x - b.box.x);
    };
    const [n, w] = [await run(createOnnxNodeRuntime()), await run(createOnnxWebRuntime())];
    expect(w).toHaveLength(n.length);
    n.forEach((f, i) => {
      const g = w[i] as (typeof w)[number];
      expect(Math.abs(f.box.x - g.box.x)).toBeLessThan(1);
      expect(Math.abs(f.box.y - g.box.y)).toBeLessThan(1);
      expect(f.embedding.reduce((s, v, k) => s + v * (g.embedding[k] as number), 0)).toBeGreaterThan(0.999);
    });
  });
});

describe('missing models', () => {
  it('disables the feature with a clear status, never a crash', async () => {
    const loader = createModelLoader({
      store: createMemoryModelStore(new Map()),
      runtime: createOnnxNodeRuntime(),
    });
    const status = await loader.status(['face-detection', 'face-embedding']);
    expect(status.map((s) => s.state)).toEqual(['missing', 'missing']);
    expect(status[0]?.state === 'missing' && status[0].reason).toMatch(
      /yunet_n_dynamic\.onnx.*hearth models install/,
    );
    const pipeline = createFacePipeline(loader);
    await expect(pipeline.analyze({ width: 1, height: 1, data: new Uint8Array(3) })).rejects.toBeInstanceOf(
      ModelMissingError,
    );
    await loader.stop();
  });
});

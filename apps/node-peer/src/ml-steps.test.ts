// The node adopts a device's own face, tag, OCR and CLIP results made by the same models
// instead of running them (real models from HEARTH_MODELS_DIR). The asset's original path does not exist:
// a job that ran the model would fail to decode it, so success means the model did not run.
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVectorIndex, readVectorShardHeader, storedClip } from '@hearth/ml';
import { createOnnxNodeRuntime } from '@hearth/ml/platform';
import { tinyClipImageModel } from '@hearth/ml/testing';
import type { AssetId, BlobHash } from '@hearth/sync';
import { afterEach, describe, expect, it } from 'vitest';
import type { AssetRecord } from './asset-record.ts';
import { createMlSteps, type DeviceMlResult, type MlSteps } from './ml-steps.ts';

const MODELS = process.env['HEARTH_MODELS_DIR'] ?? join(import.meta.dirname, '../../../../shared/models');
const ID = 'a'.repeat(64);
const asset = {
  id: ID as AssetId,
  original: ID as BlobHash,
  type: 'photo',
  mime: 'image/jpeg',
  size: 1,
  fileName: 'phone.jpg',
} as AssetRecord;
const face = {
  box: { x: 10, y: 12, width: 40, height: 50 },
  score: 0.93,
  landmarks: Array.from({ length: 5 }, (_, i) => ({ x: 20 + i, y: 30 })),
  embedding: Array.from({ length: 8 }, (_, i) => (i === 0 ? 1 : 0)),
};

let ml: MlSteps | undefined;
afterEach(async () => {
  await ml?.stop();
  ml = undefined;
});

describe.skipIf(!existsSync(join(MODELS, 'face-detection')))('ML steps adopt devices’ results', () => {
  it('a result by the same models is adopted without running them; another key or a malformed one is not', async () => {
    ml = await createMlSteps({ modelsDir: MODELS, kinds: ['faces', 'tags'] });
    const step = (k: string) => ml!.steps.find((s) => s.kind === k)!;
    const key = (k: string) => step(k).key!;
    const results = new Map<string, DeviceMlResult[]>();
    let asked = 0;
    ml.adoptDeviceResults({
      find: (id, kind) => (id === ID ? (results.get(kind) ?? []) : []),
      caughtUp: async () => void asked++,
    });
    const run = (k: string) =>
      step(k).run(asset, { originalPath: '/nonexistent/phone.jpg', signal: new AbortController().signal });

    results.set('tags', [
      { device: 'old', model: 'yolox-nano@0', json: '[{"label":"cat","confidence":0.9}]' },
      { device: 'bad', model: key('tags'), json: '[{"label":"dog"}]' },
      { device: 'phone', model: key('tags'), json: '[{"label":"dog","confidence":0.81}]' },
    ]);
    results.set('faces', [
      {
        device: 'phone',
        model: key('faces'),
        json: JSON.stringify({ models: { detector: 'd', embedder: 'e' }, faces: [face] }),
      },
    ]);
    const tags = await run('tags');
    expect(tags.values).toEqual({
      model: key('tags'),
      tags: '[{"label":"dog","confidence":0.81}]',
      by: 'device',
    });
    const faces = await run('faces');
    expect(faces.values).toMatchObject({ count: 1, by: 'device' });
    expect(JSON.parse(new TextDecoder().decode(faces.blobs['faces']))).toEqual({
      models: { detector: 'd', embedder: 'e' },
      faces: [face],
    });

    // Only results by other models, or malformed ones: the node runs its model (here: no file to decode).
    results.set('tags', [{ device: 'old', model: 'yolox-nano@0', json: '[]' }]);
    results.set('faces', [{ device: 'phone', model: key('faces'), json: '{"faces":[{}]}' }]);
    await expect(run('tags')).rejects.toMatchObject({ code: 'STEP_FAILED' });
    await expect(run('faces')).rejects.toMatchObject({ code: 'STEP_FAILED' });
    // Nothing adoptable: the document was asked to catch up with connected devices first.
    expect(asked).toBe(2);
  });
});

describe.skipIf(!existsSync(join(MODELS, 'ocr')))('ML steps adopt devices’ OCR and CLIP results', () => {
  it('OCR text and a CLIP shard by the same models are adopted as the node’s own; another asset’s shard is not', async () => {
    // The shared models plus the tiny CLIP image tower (no CLIP weights here).
    const dir = mkdtempSync(join(tmpdir(), 'hearth-ml-steps-'));
    mkdirSync(join(dir, 'clip'));
    writeFileSync(join(dir, 'clip', 'visual.onnx'), tinyClipImageModel());
    symlinkSync(join(MODELS, 'ocr'), join(dir, 'ocr'));
    try {
      ml = await createMlSteps({ modelsDir: dir, kinds: ['ocr', 'clip'] });
      const step = (k: string) => ml!.steps.find((s) => s.kind === k)!;
      const key = (k: string) => step(k).key!;
      const results = new Map<string, DeviceMlResult[]>();
      ml.adoptDeviceResults({ find: (id, kind) => (id === ID ? (results.get(kind) ?? []) : []) });
      const run = (k: string) =>
        step(k).run(asset, { originalPath: '/nonexistent/phone.jpg', signal: new AbortController().signal });

      results.set('ocr', [{ device: 'phone', model: key('ocr'), json: '{"text":"Invoice #12345"}' }]);
      expect((await run('ocr')).values).toEqual({ model: key('ocr'), text: 'Invoice #12345', by: 'device' });

      const index = createVectorIndex(createOnnxNodeRuntime(), 512, { scoring: 'js' });
      index.add(
        ID,
        Float32Array.from({ length: 512 }, (_, i) => (i === 0 ? 1 : 0.01)),
      );
      const shard = index.toShard(key('clip'));
      const other = createVectorIndex(createOnnxNodeRuntime(), 512, { scoring: 'js' });
      other.add('b'.repeat(64), new Float32Array(512).fill(1));
      results.set('clip', [
        { device: 'bad', model: key('clip'), json: JSON.stringify(storedClip(other.toShard(key('clip')))) },
        { device: 'phone', model: key('clip'), json: JSON.stringify(storedClip(shard)) },
      ]);
      const clip = await run('clip');
      expect(clip.values).toEqual({ model: key('clip'), dims: 512, by: 'device' });
      expect(Buffer.from(clip.blobs['clip']!).equals(Buffer.from(shard))).toBe(true);
      expect(readVectorShardHeader(clip.blobs['clip']!).ids).toEqual([ID]);
      await index.stop();

      // Only another asset's shard, or OCR by other models: the node runs its model (no file here).
      results.set('clip', results.get('clip')!.slice(0, 1));
      results.set('ocr', [{ device: 'phone', model: 'ppocr-v4-det@3', json: '{"text":"x"}' }]);
      await expect(run('clip')).rejects.toMatchObject({ code: 'STEP_FAILED' });
      await expect(run('ocr')).rejects.toMatchObject({ code: 'STEP_FAILED' });
      await other.stop();
    } finally {
      await ml?.stop();
      ml = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

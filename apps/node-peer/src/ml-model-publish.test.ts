import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Repo } from '@automerge/automerge-repo';
import { openMlCatalog, type BlobHash } from '@hearth/sync';
import { createTestRoot, memoryRepo } from '@hearth/sync/testing';
import { modelSpec } from '@hearth/ml';
import { defaultModelsDir } from '@hearth/ml/platform';
import { tinyClipImageModel, tinyClipTextModel } from '@hearth/ml/testing';
import { publishMlModels } from './ml-model-publish.ts';

const repos: Repo[] = [];
afterEach(async () => {
  for (const r of repos.splice(0)) await r.shutdown();
});
const SHARED = process.env['HEARTH_MODELS_DIR'] ?? defaultModelsDir();
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex') as BlobHash;

async function setup() {
  const repo = memoryRepo('node');
  repos.push(repo);
  const ml = await openMlCatalog({ repo, root: createTestRoot(repo) });
  const blobs = new Map<string, Uint8Array>();
  const putBlob = async (b: Uint8Array) => {
    blobs.set(sha(b), b);
    return sha(b);
  };
  const dir = mkdtempSync(join(tmpdir(), 'hearth-models-'));
  mkdirSync(join(dir, 'clip'));
  return { ml, blobs, putBlob, dir, log: [] as string[] };
}

describe('publishMlModels', () => {
  it('publishes the CLIP text and image models as blobs named by key, size and hash; unchanged files write nothing', async () => {
    const w = await setup();
    const model = tinyClipTextModel();
    writeFileSync(join(w.dir, 'clip', 'textual.onnx'), model);
    writeFileSync(join(w.dir, 'clip', 'visual.onnx'), tinyClipImageModel());
    const opts = { modelsDir: w.dir, putBlob: w.putBlob, ml: w.ml, log: (l: string) => w.log.push(l) };
    // The vocabulary is missing: its task is left out (and said why), the models are published.
    expect(await publishMlModels(opts)).toBe(2);
    expect(w.ml.read().models.get('clip-image')).toMatchObject({
      key: 'clip-vit-b32-visual@openai',
      hash: sha(tinyClipImageModel()),
    });
    const ref = w.ml.read().models.get('clip-text');
    expect(ref).toMatchObject({
      key: 'clip-vit-b32-textual@openai',
      hash: sha(model),
      bytes: model.byteLength,
    });
    expect(Buffer.from(w.blobs.get(sha(model))!).equals(Buffer.from(model))).toBe(true);
    expect(w.ml.read().models.has('clip-vocab')).toBe(false);
    expect(w.log.join('\n')).toMatch(/clip-vocab not published/);
    expect(await publishMlModels(opts)).toBe(0);
  });

  it('withdraws a model whose file went away, and refuses a vocabulary that is not the registry file', async () => {
    const w = await setup();
    writeFileSync(join(w.dir, 'clip', 'textual.onnx'), tinyClipTextModel());
    writeFileSync(join(w.dir, 'clip', 'bpe_simple_vocab_16e6.txt'), 'not the vocabulary');
    writeFileSync(join(w.dir, 'clip', 'visual.onnx'), tinyClipImageModel());
    const opts = { modelsDir: w.dir, putBlob: w.putBlob, ml: w.ml, log: (l: string) => w.log.push(l) };
    await publishMlModels(opts);
    expect(w.ml.read().models.has('clip-vocab')).toBe(false);
    expect(w.log.join('\n')).toMatch(/not the registry's file/);
    const empty = mkdtempSync(join(tmpdir(), 'hearth-models-'));
    expect(await publishMlModels({ ...opts, modelsDir: empty })).toBe(2);
    expect(w.ml.read().models.size).toBe(0);
  });

  it.skipIf(!existsSync(join(SHARED, 'object-detection')))(
    'publishes the face, tag and OCR models of the features the node runs, the registry files byte for byte; a feature turned off is withdrawn',
    async () => {
      const w = await setup();
      const opts = { modelsDir: SHARED, putBlob: w.putBlob, ml: w.ml, log: (l: string) => w.log.push(l) };
      expect(await publishMlModels({ ...opts, features: ['faces', 'tags', 'ocr'] })).toBe(7);
      const models = w.ml.read().models;
      expect([...models.keys()].sort()).toEqual([
        'face-detection',
        'face-embedding',
        'object-detection',
        'ocr-detection',
        'ocr-direction',
        'ocr-keys',
        'ocr-recognition',
      ]);
      for (const [task, ref] of models) {
        const spec = modelSpec(ref.key.slice(0, ref.key.lastIndexOf('@')))!;
        expect(spec.task).toBe(task);
        expect(ref.hash).toBe(spec.sha256);
        expect(ref.bytes).toBe(spec.bytes);
      }
      expect(await publishMlModels({ ...opts, features: ['faces'] })).toBe(5);
      expect(w.ml.read().models.has('object-detection')).toBe(false);
      expect(w.ml.read().models.has('ocr-detection')).toBe(false);
    },
  );
});

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClipEncoder } from './clip-encoder.ts';
import { createOnnxNodeRuntime } from './inference-session.onnx-node.ts';
import { defaultModelsDir } from './model-store.fs.ts';
import {
  createPublishedModelLoader,
  OPT_IN_AUTO_MAX_BYTES,
  wantsPublishedModel,
} from './published-models.ts';
import { tinyClipTextModel } from './tiny-clip-model.ts';

const vocab = join(defaultModelsDir(), 'clip/bpe_simple_vocab_16e6.txt');

describe('createPublishedModelLoader', () => {
  it.skipIf(!existsSync(vocab))('runs the CLIP text encoder from files received by key', async () => {
    const { loader, refused } = createPublishedModelLoader({
      runtime: createOnnxNodeRuntime(),
      files: {
        'clip-text': { key: 'clip-vit-b32-textual@openai', bytes: tinyClipTextModel() },
        'clip-vocab': { key: 'clip-bpe@16e6', bytes: new Uint8Array(readFileSync(vocab)) },
      },
    });
    expect(refused.size).toBe(0);
    const e = await createClipEncoder(loader).embedText('a photo of something red');
    expect(e.model).toBe('clip-vit-b32-textual@openai');
    expect(e.vector).toHaveLength(512);
    expect(Math.hypot(...e.vector)).toBeCloseTo(1, 5);
    await loader.stop();
  });

  it('refuses a key this app does not know, and that task stays missing with the reason', async () => {
    const { loader, refused } = createPublishedModelLoader({
      runtime: createOnnxNodeRuntime(),
      files: {
        'clip-text': { key: 'clip-vit-b32-textual@v2', bytes: new Uint8Array(1) },
        'clip-vocab': { key: 'yunet-n@2023mar', bytes: new Uint8Array(1) },
      },
    });
    expect(refused.get('clip-text')).toMatch(
      /not one this app knows \(it knows clip-vit-b32-textual@openai\)/,
    );
    expect(refused.get('clip-vocab')).toMatch(/yunet-n@2023mar is not one this app knows/);
    expect((await loader.status(['clip-text']))[0]?.state).toBe('missing');
    await expect(loader.session('clip-text')).rejects.toMatchObject({ code: 'ML_MODEL_MISSING' });
  });
});

describe('wantsPublishedModel', () => {
  const big = 350_000_000;
  it('the CLIP image tower: automatic up to the threshold, then only when the user opted in', () => {
    expect(wantsPublishedModel('clip-image', 1_000_000)).toBe(true);
    expect(wantsPublishedModel('clip-image', OPT_IN_AUTO_MAX_BYTES)).toBe(true);
    expect(wantsPublishedModel('clip-image', OPT_IN_AUTO_MAX_BYTES + 1)).toBe(false);
    expect(wantsPublishedModel('clip-image', big, true)).toBe(true);
    // Turned off, even a tiny one is not fetched.
    expect(wantsPublishedModel('clip-image', 1_000_000, false)).toBe(false);
  });

  it('faces, tags and OCR are wanted whatever their size and the setting', () => {
    for (const t of ['face-detection', 'face-embedding', 'object-detection', 'ocr-recognition'] as const)
      for (const optIn of [undefined, false, true]) expect(wantsPublishedModel(t, big, optIn)).toBe(true);
  });
});

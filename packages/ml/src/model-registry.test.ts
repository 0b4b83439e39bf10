import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODELS, MODELS, modelKey, modelSpec } from './model-registry.ts';
import { defaultModelsDir } from './model-store.fs.ts';

const dir = defaultModelsDir();

describe('model registry', () => {
  it('has a model for every task, and the default face embedder is one users may be given', () => {
    for (const [task, id] of Object.entries(DEFAULT_MODELS)) expect(modelSpec(id)?.task, task).toBe(task);
    expect(modelSpec(DEFAULT_MODELS['face-embedding'])?.devOnly).toBeUndefined();
    expect(new Set(MODELS.map(modelKey)).size).toBe(MODELS.length);
  });

  it.skipIf(!existsSync(join(dir, 'face-detection/yunet_n_dynamic.onnx')))(
    'pins the sha256 and size of every shared model file',
    () => {
      const pinned = MODELS.filter((m) => m.sha256 && existsSync(join(dir, m.file)));
      expect(pinned.length).toBeGreaterThanOrEqual(8);
      for (const m of pinned) {
        const bytes = readFileSync(join(dir, m.file));
        expect(createHash('sha256').update(bytes).digest('hex'), m.file).toBe(m.sha256);
        expect(bytes.length, m.file).toBe(m.bytes);
      }
    },
  );
});

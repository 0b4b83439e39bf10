import { describe, expect, it } from 'vitest';
import { pendingDerivations, resultKey } from './derivation-keys.ts';
import { createOnnxNodeRuntime } from './inference-session.onnx-node.ts';
import { createModelLoader } from './model-loader.ts';
import { createMemoryModelStore } from './model-store.ts';

const bytes = new Uint8Array([1]);
const store = createMemoryModelStore(
  new Map([
    ['face-detection/yunet_n_dynamic.onnx', bytes],
    ['face-recognition/faceplugin_fr_feature_512d.onnx', bytes],
    ['face-recognition/mobilefacenet_128d.onnx', bytes],
    ['object-detection/yolox_nano_coco.onnx', bytes],
  ]),
);

describe('derivation keys', () => {
  it('asks for results whose models changed or are new, and reports disabled kinds', async () => {
    const loader = createModelLoader({ store, runtime: createOnnxNodeRuntime() });
    const faces = resultKey('faces', loader) as string;
    expect(faces).toBe('yunet-n@2023mar+faceplugin-512@0.0.1');
    const d = await pendingDerivations({ faces, tags: 'yolox-nano@old' }, loader);
    expect(d.todo).toEqual([{ kind: 'tags', key: 'yolox-nano@coco80-1' }]);
    expect(d.disabled.map((x) => x.kind)).toEqual(['ocr', 'clip']);
    expect(d.disabled[0]?.reason).toMatch(/hearth models install/);
    // Switching the embedder makes every face result stale.
    const other = createModelLoader({
      store,
      runtime: createOnnxNodeRuntime(),
      choose: { 'face-embedding': 'mobilefacenet-128' },
    });
    expect((await pendingDerivations({ faces }, other, ['faces'])).todo).toEqual([
      { kind: 'faces', key: 'yunet-n@2023mar+mobilefacenet-128@1' },
    ]);
  });
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from './decode-image.sharp.ts';
import { createOnnxNodeRuntime } from './inference-session.onnx-node.ts';
import { createModelLoader } from './model-loader.ts';
import { createFsModelStore, defaultModelsDir } from './model-store.fs.ts';
import { createObjectTagger } from './object-tagger.ts';

const dir = defaultModelsDir();

describe.skipIf(!existsSync(join(dir, 'object-detection/yolox_nano_coco.onnx')))(
  'YOLOX-Nano tags (skipped without the shared models)',
  () => {
    const loader = createModelLoader({ store: createFsModelStore(dir), runtime: createOnnxNodeRuntime() });
    const tagger = createObjectTagger(loader);
    afterAll(() => loader.stop());

    it('tags the dog/bicycle/car photo correctly', async () => {
      const r = await tagger.tag(await decodeImage(join(dir, 'test-images/dog-bicycle-car.jpg')));
      expect(r.model).toBe('yolox-nano@coco80-1');
      const tags = Object.fromEntries(r.tags.map((t) => [t.label, t.confidence]));
      for (const label of ['dog', 'bicycle', 'car']) expect(tags[label], label).toBeGreaterThan(0.6);
      expect(r.tags.find((t) => t.label === 'person')).toBeUndefined();
      // The dog is in the lower left of the photo.
      const dog = r.detections.find((d) => d.label === 'dog');
      expect(dog && dog.box.x + dog.box.width / 2).toBeLessThan(400);
      expect(dog && dog.box.y + dog.box.height / 2).toBeGreaterThan(288);
    });

    it('tags the four people of the group photo', async () => {
      const r = await tagger.tag(await decodeImage(join(dir, 'test-images/group-bbt1.jpg')));
      expect(r.detections.filter((d) => d.label === 'person' && d.score > 0.6)).toHaveLength(4);
    });
  },
);

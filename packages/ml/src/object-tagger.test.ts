import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from './decode-image.sharp.ts';
import { createOnnxNodeRuntime } from './inference-session.onnx-node.ts';
import { createModelLoader } from './model-loader.ts';
import { createFsModelStore, defaultModelsDir } from './model-store.fs.ts';
import { createObjectTagger, decodeYolox } from './object-tagger.ts';

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

describe('YOLOX decoding', () => {
  it('finds anchors by grid cell, skips weak objectness, takes the best class', () => {
    const rows = 52 * 52 + 26 * 26 + 13 * 13;
    const out = new Float32Array(rows * 85);
    const set = (row: number, vals: number[]) => out.set(vals, row * 85);
    // Stride 16, cell (gx 3, gy 2): x/y offsets 0.5, log size 0 (one cell), objectness 0.9.
    const r16 = 52 * 52 + 2 * 26 + 3;
    set(r16, [0.5, 0.5, 0, 0, 0.9]);
    out[r16 * 85 + 5 + 16] = 0.8; // dog
    out[r16 * 85 + 5 + 2] = 0.7; // car, lower
    // Strong class but weak objectness: never decoded.
    set(7, [0, 0, 0, 0, 0.2]);
    out[7 * 85 + 5] = 1;
    // Objectness passes, objectness × class does not.
    const r32 = rows - 1;
    set(r32, [0, 0, 0, 0, 0.5]);
    out[r32 * 85 + 5] = 0.5;
    const found = decodeYolox(out, 85, 416, 0.3);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ cls: 16, cx: 3.5 * 16, cy: 2.5 * 16, w: 16, h: 16 });
    expect(found[0]?.score).toBeCloseTo(0.72, 6);
  });
});

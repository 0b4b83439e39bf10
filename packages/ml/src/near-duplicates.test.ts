import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from './decode-image.sharp.ts';
import { l2normalize } from './face-embedder.ts';
import { createOnnxNodeRuntime } from './inference-session.onnx-node.ts';
import { defaultModelsDir } from './model-store.fs.ts';
import { dHash, findNearDuplicates, hammingHex } from './near-duplicates.ts';
import { createVectorIndex } from './vector-index.ts';

const img = (f: string) => join(defaultModelsDir(), 'test-images', f);

describe.skipIf(!existsSync(img('dog-bicycle-car.jpg')))('near-duplicates on real photos', () => {
  it('groups a re-encoded, resized copy with its original and nothing else', async () => {
    const copy = await sharp(img('dog-bicycle-car.jpg')).resize(400).jpeg({ quality: 40 }).toBuffer();
    const items = [
      { id: 'dog', hash: dHash(await decodeImage(img('dog-bicycle-car.jpg'))) },
      { id: 'dog-copy', hash: dHash(await decodeImage(new Uint8Array(copy))) },
      { id: 'group', hash: dHash(await decodeImage(img('group-bbt1.jpg'))) },
      { id: 'text', hash: dHash(await decodeImage(img('synthetic-text.jpg'))) },
    ];
    expect(hammingHex(items[0]?.hash as string, items[1]?.hash as string)).toBeLessThanOrEqual(3);
    expect(await findNearDuplicates(items)).toEqual([['dog', 'dog-copy']]);
  });
});

describe('near-duplicates by embedding', () => {
  it('joins photos whose embeddings are nearly identical, transitively', async () => {
    const idx = createVectorIndex(createOnnxNodeRuntime(), 16);
    const base = l2normalize(Float32Array.from({ length: 16 }, (_, i) => Math.sin(i + 1)));
    const other = l2normalize(Float32Array.from({ length: 16 }, (_, i) => Math.cos(i * 3)));
    idx.add('a', base);
    idx.add('b', l2normalize(base.map((v, i) => v + (i === 0 ? 0.02 : 0))));
    idx.add('c', other);
    const groups = await findNearDuplicates([{ id: 'a' }, { id: 'b' }, { id: 'c' }], {
      index: idx,
      minSimilarity: 0.97,
    });
    expect(groups.map((g) => g.sort())).toEqual([['a', 'b']]);
    await idx.stop();
  });
});

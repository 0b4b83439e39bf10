import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClipEncoder } from './clip-encoder.ts';
import { createOnnxNodeRuntime } from './inference-session.onnx-node.ts';
import { createModelLoader } from './model-loader.ts';
import { defaultModelsDir } from './model-store.fs.ts';
import { createMemoryModelStore } from './model-store.ts';
import { modelSpec } from './model-registry.ts';
import { createSearchIndex, type SearchDocument } from './search-index.ts';
import { parseQuery } from './search-query.ts';
import { tinyClipImageModel, tinyClipTextModel } from './tiny-clip-model.ts';
import { createVectorIndex } from './vector-index.ts';

const docs: SearchDocument[] = [
  {
    id: 'dog19',
    takenAt: Date.UTC(2019, 6, 4),
    tags: ['dog', 'bicycle', 'car'],
    fileName: 'IMG_0001.jpg',
    place: 'Brighton, England',
    camera: 'Canon EOS 5D',
  },
  { id: 'receipt', takenAt: Date.UTC(2023, 6, 20), ocr: 'Invoice #12345 total 99.50', fileName: 'scan.png' },
  {
    id: 'amy',
    takenAt: Date.UTC(2023, 1, 2),
    people: ['Amy Farrah Fowler'],
    tags: ['person'],
    albums: ['Lab party'],
  },
  {
    id: 'beach',
    takenAt: Date.UTC(2023, 7, 1),
    description: 'Sunset at the beach with the dog',
    tags: ['dog'],
  },
];

describe('search query parsing', () => {
  it('takes years, seasons, months and year ranges out of the words', () => {
    expect(parseQuery('dog 2019')).toEqual({
      words: ['dog'],
      range: { from: Date.UTC(2019, 0, 1), to: Date.UTC(2020, 0, 1) },
    });
    expect(parseQuery('Summer 2023')).toEqual({
      words: [],
      range: { from: Date.UTC(2023, 5, 1), to: Date.UTC(2023, 8, 1) },
    });
    expect(parseQuery('winter 2022').range).toEqual({
      from: Date.UTC(2022, 11, 1),
      to: Date.UTC(2023, 2, 1),
    });
    expect(parseQuery('may 2021 café').range).toEqual({
      from: Date.UTC(2021, 4, 1),
      to: Date.UTC(2021, 5, 1),
    });
    expect(parseQuery('café').words).toEqual(['cafe']);
    expect(parseQuery('2018-2020').range).toEqual({ from: Date.UTC(2018, 0, 1), to: Date.UTC(2021, 0, 1) });
    expect(parseQuery('beach 2012 to 2022')).toEqual({
      words: ['beach'],
      range: { from: Date.UTC(2012, 0, 1), to: Date.UTC(2023, 0, 1) },
    });
  });
});

describe('search index', () => {
  const idx = createSearchIndex();
  for (const d of docs) idx.put(d);

  it('finds words in tags, OCR, people, places, camera, file names, descriptions and albums', async () => {
    const ids = async (q: string) => (await idx.search(q)).map((h) => h.id);
    expect(await ids('dog')).toEqual(expect.arrayContaining(['dog19', 'beach']));
    expect(await ids('12345')).toEqual(['receipt']);
    expect(await ids('invoice')).toEqual(['receipt']);
    expect(await ids('amy')).toEqual(['amy']);
    expect(await ids('lab party')).toEqual(['amy']);
    expect(await ids('brighton')).toEqual(['dog19']);
    expect(await ids('canon')).toEqual(['dog19']);
    expect(await ids('img_0001')).toEqual(['dog19']);
    expect(await ids('sunset')).toEqual(['beach']);
    expect(await ids('bicy')).toEqual(['dog19']);
    expect(await ids('giraffe')).toEqual([]);
  });

  it('combines words with date ranges', async () => {
    expect((await idx.search('dog 2019')).map((h) => h.id)).toEqual(['dog19']);
    expect((await idx.search('dog summer 2023')).map((h) => h.id)).toEqual(['beach']);
    expect((await idx.search('summer 2023')).map((h) => h.id).sort()).toEqual(['beach', 'receipt']);
    const [hit] = await idx.search('invoice');
    expect(hit?.matched).toEqual(['ocr']);
  });

  it('forgets removed and replaced documents', async () => {
    const i2 = createSearchIndex();
    for (const d of docs) i2.put(d);
    i2.put({ id: 'dog19', tags: ['cat'] });
    i2.remove('beach');
    expect((await i2.search('dog')).map((h) => h.id)).toEqual([]);
    expect((await i2.search('cat')).map((h) => h.id)).toEqual(['dog19']);
    expect(i2.size).toBe(3);
  });

  it('finds words put after a query, by prefix, in order with the older ones', async () => {
    const i3 = createSearchIndex();
    for (const d of docs) i3.put(d);
    expect((await i3.search('zebra')).map((h) => h.id)).toEqual([]);
    // New words land between known ones in the sorted vocabulary, not only at its end.
    i3.put({ id: 'z1', takenAt: Date.UTC(2020, 0, 1), tags: ['zebra', 'boat'], description: 'aardvark' });
    i3.put({ id: 'z2', takenAt: Date.UTC(2021, 0, 1), tags: ['zebu'] });
    expect((await i3.search('zeb')).map((h) => h.id)).toEqual(['z2', 'z1']);
    expect((await i3.search('aard')).map((h) => h.id)).toEqual(['z1']);
    expect((await i3.search('boa')).map((h) => h.id)).toEqual(['z1']);
    expect((await i3.search('bicy')).map((h) => h.id)).toEqual(['dog19']);
    // A word that lost every document and comes back is found once, not twice.
    i3.remove('z1');
    expect(await i3.search('zebra')).toEqual([]);
    i3.put({ id: 'z3', tags: ['zebra'] });
    expect(await i3.search('zebra')).toEqual([{ id: 'z3', score: 3, matched: ['tags'] }]);
    // Date ranges skip documents without a date.
    expect((await i3.search('zeb 2021')).map((h) => h.id)).toEqual(['z2']);
  });
});

const vocab = join(defaultModelsDir(), 'clip/bpe_simple_vocab_16e6.txt');
describe.skipIf(!existsSync(vocab))('semantic ranking with CLIP', () => {
  it('ranks by CLIP when words match nothing, and keeps date filters', async () => {
    const runtime = createOnnxNodeRuntime();
    const loader = createModelLoader({
      store: createMemoryModelStore(
        new Map([
          ['clip/visual.onnx', tinyClipImageModel()],
          ['clip/textual.onnx', tinyClipTextModel('int32')],
          ['clip/bpe_simple_vocab_16e6.txt', new Uint8Array(readFileSync(vocab))],
        ]),
      ),
      runtime,
    });
    const encoder = createClipEncoder(loader);
    const vectors = createVectorIndex(runtime, 512);
    const idx = createSearchIndex();
    const colours: [string, [number, number, number], number][] = [
      ['redcar', [230, 20, 20], 2019],
      ['greenfield', [20, 220, 30], 2019],
      ['redrose', [200, 10, 40], 2021],
    ];
    for (const [id, rgb, year] of colours) {
      const data = new Uint8Array(64 * 64 * 3);
      for (let i = 0; i < 64 * 64; i++) data.set(rgb, i * 3);
      vectors.add(id, (await encoder.embedImage({ width: 64, height: 64, data })).vector);
      idx.put({ id, takenAt: Date.UTC(year, 3, 1) });
    }
    const hits = await idx.search('something red', { semantic: { encoder, index: vectors } });
    expect(
      hits
        .slice(0, 2)
        .map((h) => h.id)
        .sort(),
    ).toEqual(['redcar', 'redrose']);
    expect(hits[0]?.matched).toEqual(['semantic']);
    expect((await idx.search('red 2019', { semantic: { encoder, index: vectors } }))[0]?.id).toBe('redcar');
    // With the model's threshold, green photos are no answer to "red", and a query about
    // nothing the model knows has no semantic results at all; word matches stay first.
    const minScore = modelSpec('clip-vit-b32-textual')?.minScore ?? NaN;
    expect(minScore).toBeGreaterThan(0);
    const scored = await idx.search('something red', { semantic: { encoder, index: vectors, minScore } });
    expect(scored.map((h) => h.id).sort()).toEqual(['redcar', 'redrose']);
    expect(scored.every((h) => h.score >= minScore)).toBe(true);
    expect(await idx.search('a cat on a sofa', { semantic: { encoder, index: vectors, minScore } })).toEqual(
      [],
    );
    idx.put({ id: 'named', fileName: 'green-door.jpg' });
    const blended = await idx.search('green', { semantic: { encoder, index: vectors, minScore, limit: 1 } });
    expect(blended.map((h) => h.id)).toEqual(['named', 'greenfield']);
    await vectors.stop();
    await loader.stop();
  });
});

// @vitest-environment node
// A device analyses its own import while its home node is unreachable: the node's published
// YuNet + face embedder + YOLOX, PP-OCRv4 (real files from HEARTH_MODELS_DIR) and a CLIP image
// tower (the tiny generated one) are fetched while the node is reachable and kept; offline, the
// device's photo gets faces, tags, OCR text and a CLIP shard recorded under this device with
// the node's model keys (what the node compares before adopting them), and removed once the
// node says it holds results of its own.
import 'fake-indexeddb/auto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  createMemoryModelStore,
  createModelLoader,
  modelKey,
  readStoredClip,
  readStoredFaces,
  readStoredOcr,
  readStoredTags,
  readVectorShardHeader,
  resultKey,
  type ModelTask,
  type RgbImage,
} from '@hearth/ml';
import { createOnnxWebRuntime, tinyClipImageModel } from '@hearth/ml/testing';
import { describe, expect, it, vi } from 'vitest';
import { createMemoryMlBlobCache } from '../search/ml-blob-cache.idb.ts';
import { hex, useMlTestHome, type MlTestHome } from '../search/ml-test-home.ts';
import { createDeviceAnalysis } from './device-analysis.ts';

const MODELS = process.env['HEARTH_MODELS_DIR'] ?? join(import.meta.dirname, '../../../../../shared/models');
const PHOTO = join(MODELS, 'test-images', 'group-bbt1.jpg');
const GROUP = hex(7);
const TEXT_PHOTO = join(MODELS, 'test-images', 'synthetic-text.jpg');
const TEXT = hex(8);
const t = useMlTestHome();

async function decode(b: Blob): Promise<RgbImage> {
  const { data, info } = await sharp(new Uint8Array(await b.arrayBuffer()))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

/** The node publishes its face and tag models (as ml-model-publish.ts does); returns its keys. */
async function publish(home: MlTestHome) {
  // The node's models dir (this project's vitest resolves `@hearth/ml/platform` to the browser build).
  const files = new Map<string, Uint8Array>();
  for (const dir of ['face-detection', 'face-recognition', 'object-detection'])
    for (const f of readdirSync(join(MODELS, dir)))
      if (f.endsWith('.onnx')) files.set(`${dir}/${f}`, new Uint8Array(readFileSync(join(MODELS, dir, f))));
  const loader = createModelLoader({ store: createMemoryModelStore(files), runtime: createOnnxWebRuntime() });
  for (const task of ['face-detection', 'face-embedding', 'object-detection'] as ModelTask[]) {
    const { spec, bytes } = await loader.file(task);
    home.ml.setModel(task, { key: modelKey(spec), hash: home.put(bytes), bytes: bytes.byteLength });
  }
  const keys = { faces: resultKey('faces', loader)!, tags: resultKey('tags', loader)! };
  await loader.stop();
  return keys;
}

describe.skipIf(!existsSync(PHOTO))(
  'device analysis of its own imports (no home node reachable)',
  { timeout: 120_000 },
  () => {
    it('fetches the models while the node is reachable, analyses offline, records faces and tags by the node’s model keys', async () => {
      const home = await t.home();
      const keys = await publish(home);
      const dev = await t.device(home);
      let online = true;
      const fetched: string[] = [];
      let pending: boolean | undefined = undefined; // not in the catalog yet
      const analysis = createDeviceAnalysis({
        repo: dev.repo,
        root: dev.root,
        deviceId: 'phone',
        photos: {
          held: async () => [GROUP],
          pending: async () => pending,
          original: async (id) => (id === GROUP ? new Blob([readFileSync(PHOTO)]) : undefined),
        },
        cache: createMemoryMlBlobCache(),
        fetchBlob: (h) => (online ? (fetched.push(h), home.fetch(h)) : Promise.reject(new Error('offline'))),
        nodeReachable: () => online,
        runtime: () => createOnnxWebRuntime(),
        decode,
        retryMs: 60_000,
        log: () => {},
      });
      t.stops.push(() => analysis.stop());
      await analysis.ready;
      // Online: the node analyses what it holds; the device only keeps the models for later.
      expect(fetched).toHaveLength(3);
      expect(analysis.analysed).toBe(0);

      online = false;
      await analysis.wake();
      expect(analysis.analysed).toBe(0); // its original is here before its catalog record: later
      pending = true;
      await analysis.wake();
      expect(analysis.analysed).toBe(1);
      const mine = home.ml; // the node's copy, once synced
      await vi.waitFor(() => expect(mine.read().deviceResults.get(GROUP)?.size).toBe(2));
      const r = mine.read().deviceResults.get(GROUP)!;
      const faces = r.get('faces')!.get('phone')!;
      const tags = r.get('tags')!.get('phone')!;
      expect(faces.model).toBe(keys.faces);
      expect(tags.model).toBe(keys.tags);
      expect(readStoredFaces(faces.json)?.faces.length).toBeGreaterThanOrEqual(3);
      expect(readStoredTags(tags.json)?.map((x) => x.label)).toContain('person');

      // Done once: a later look finds the results and runs nothing; a photo a node holds is skipped.
      await analysis.wake();
      expect(analysis.analysed).toBe(1);
      pending = false;
      home.ml.setDeviceResult('phone', GROUP, 'tags', undefined);
      await vi.waitFor(() => expect(mine.read().deviceResults.get(GROUP)?.size).toBe(1));
      await analysis.wake();
      expect(analysis.analysed).toBe(1);
    });

    it('reads the words of a text photo (OCR) and embeds it (CLIP) offline, by the node’s model keys', async () => {
      const home = await t.home();
      // The node's OCR files and a CLIP image tower, published as ml-model-publish.ts does.
      const files = new Map<string, Uint8Array>();
      for (const f of readdirSync(join(MODELS, 'ocr')))
        if (!f.endsWith('.md')) files.set(`ocr/${f}`, new Uint8Array(readFileSync(join(MODELS, 'ocr', f))));
      files.set('clip/visual.onnx', tinyClipImageModel());
      const loader = createModelLoader({
        store: createMemoryModelStore(files),
        runtime: createOnnxWebRuntime(),
      });
      const tasks: ModelTask[] = [
        'ocr-detection',
        'ocr-recognition',
        'ocr-direction',
        'ocr-keys',
        'clip-image',
      ];
      for (const task of tasks) {
        const { spec, bytes } = await loader.file(task);
        home.ml.setModel(task, { key: modelKey(spec), hash: home.put(bytes), bytes: bytes.byteLength });
      }
      const keys = { ocr: resultKey('ocr', loader)!, clip: resultKey('clip', loader)! };
      await loader.stop();

      const dev = await t.device(home);
      let online = true;
      const analysis = createDeviceAnalysis({
        repo: dev.repo,
        root: dev.root,
        deviceId: 'phone',
        photos: {
          held: async () => [TEXT],
          pending: async () => true,
          original: async (id) => (id === TEXT ? new Blob([readFileSync(TEXT_PHOTO)]) : undefined),
        },
        cache: createMemoryMlBlobCache(),
        fetchBlob: (h) => (online ? home.fetch(h) : Promise.reject(new Error('offline'))),
        nodeReachable: () => online,
        runtime: () => createOnnxWebRuntime(),
        decode,
        retryMs: 60_000,
        log: () => {},
      });
      t.stops.push(() => analysis.stop());
      await analysis.ready;
      online = false;
      await analysis.wake();
      expect(analysis.analysed).toBe(1);
      await vi.waitFor(() => expect(home.ml.read().deviceResults.get(TEXT)?.size).toBe(2), {
        timeout: 10_000,
      });
      const r = home.ml.read().deviceResults.get(TEXT)!;
      const ocr = r.get('ocr')!.get('phone')!;
      const clip = r.get('clip')!.get('phone')!;
      expect(ocr.model).toBe(keys.ocr);
      expect(readStoredOcr(ocr.json)?.text.replace(/\s/g, '')).toContain('Invoice#12345');
      expect(clip.model).toBe(keys.clip);
      const shard = readStoredClip(clip.json, TEXT)!;
      expect(readVectorShardHeader(shard)).toMatchObject({ dims: 512, ids: [TEXT], model: keys.clip });
      // Small in the ML document: the shard is ~0.6 KB, ~0.9 KB as base64 JSON.
      expect(clip.json.length).toBeLessThan(1000);

      // Pruning: the node says it holds OCR of its own (ml-recorded.ts); the device removes its
      // OCR result, keeps the CLIP one, and does not analyse the photo again.
      home.ml.setRecorded(TEXT, ['ocr']);
      await vi.waitFor(() =>
        expect([...(home.ml.read().deviceResults.get(TEXT)?.keys() ?? [])]).toEqual(['clip']),
      );
      home.ml.setRecorded(TEXT, ['clip', 'ocr']);
      await vi.waitFor(() => expect(home.ml.read().deviceResults.has(TEXT)).toBe(false), { timeout: 10_000 });
      await analysis.wake();
      expect(analysis.analysed).toBe(1);
      expect(home.ml.read().deviceResults.has(TEXT)).toBe(false);
    });

    it('fetches a large CLIP image model only once the user turns smart search on, and drops it when turned off', async () => {
      const home = await t.home();
      const bytes = tinyClipImageModel();
      const loader = createModelLoader({
        store: createMemoryModelStore(new Map([['clip/visual.onnx', bytes]])),
        runtime: createOnnxWebRuntime(),
      });
      const { spec } = await loader.file('clip-image');
      const clipKey = resultKey('clip', loader)!;
      await loader.stop();
      // Published with the size a real ViT-B/32 image tower has (the bytes are the tiny model's).
      const hash = home.put(bytes);
      home.ml.setModel('clip-image', { key: modelKey(spec), hash, bytes: 350_000_000 });

      const dev = await t.device(home);
      let online = true;
      let optIn: boolean | undefined;
      const told: number[] = [];
      const fetched: string[] = [];
      const cache = createMemoryMlBlobCache();
      const analysis = createDeviceAnalysis({
        repo: dev.repo,
        root: dev.root,
        deviceId: 'phone',
        photos: {
          held: async () => [TEXT],
          pending: async () => true,
          original: async (id) => (id === TEXT ? new Blob([readFileSync(TEXT_PHOTO)]) : undefined),
        },
        cache,
        fetchBlob: (h) => (online ? (fetched.push(h), home.fetch(h)) : Promise.reject(new Error('offline'))),
        nodeReachable: () => online,
        runtime: () => createOnnxWebRuntime(),
        decode,
        retryMs: 60_000,
        log: () => {},
        smartSearch: { on: async () => optIn, published: (b) => told.push(b) },
      });
      t.stops.push(() => analysis.stop());
      await analysis.ready;
      // Never chosen, 350 MB: not fetched; the size is told (Settings shows it).
      expect(told).toContain(350_000_000);
      expect(fetched).toEqual([]);
      online = false;
      await analysis.wake();
      expect(analysis.analysed).toBe(0);

      // Turned on: fetched while the node is reachable, run offline.
      optIn = true;
      online = true;
      await analysis.wake();
      expect(fetched).toEqual([hash]);
      online = false;
      await analysis.wake();
      expect(analysis.analysed).toBe(1);
      await vi.waitFor(() =>
        expect(home.ml.read().deviceResults.get(TEXT)?.get('clip')?.get('phone')?.model).toBe(clipKey),
      );

      // Turned off: the kept file is dropped and nothing is fetched again.
      optIn = false;
      await analysis.wake();
      expect(await cache.get(hash)).toBeUndefined();
      online = true;
      await analysis.wake();
      expect(fetched).toEqual([hash]);
    });
  },
);

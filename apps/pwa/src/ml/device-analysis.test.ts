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
  type DerivedKind,
  type ModelTask,
  type RgbImage,
} from '@hearth/ml';
import type { BlobHash } from '@hearth/sync';
import { createOnnxWebRuntime, tinyClipImageModel } from '@hearth/ml/testing';
import { describe, expect, it, vi } from 'vitest';
import { createMemoryMlBlobCache, type MlBlobCache } from '../search/ml-blob-cache.idb.ts';
import { hex, useMlTestHome, type MlTestHome } from '../search/ml-test-home.ts';
import { createDeviceAnalysis, type DeviceAnalysisOptions } from './device-analysis.ts';

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

/** Files from the models dir (`<dir>/<name>` → bytes) of `dirs`, those whose name `keep`s. */
function modelFiles(dirs: string[], keep: (name: string) => boolean): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const dir of dirs)
    for (const f of readdirSync(join(MODELS, dir)))
      if (keep(f)) files.set(`${dir}/${f}`, new Uint8Array(readFileSync(join(MODELS, dir, f))));
  return files;
}

/**
 * The node publishes `tasks` from `files` as ml-model-publish.ts does (`bytes`: the published
 * size, default the file's); returns the result keys of `kinds` and each task's blob hash.
 */
async function publish(
  home: MlTestHome,
  files: Map<string, Uint8Array>,
  tasks: ModelTask[],
  kinds: DerivedKind[],
  bytes?: number,
) {
  // This project's vitest resolves `@hearth/ml/platform` to the browser build: the web runtime.
  const loader = createModelLoader({ store: createMemoryModelStore(files), runtime: createOnnxWebRuntime() });
  const hashes = new Map<ModelTask, BlobHash>();
  for (const task of tasks) {
    const file = await loader.file(task);
    const hash = home.put(file.bytes);
    hashes.set(task, hash);
    home.ml.setModel(task, { key: modelKey(file.spec), hash, bytes: bytes ?? file.bytes.byteLength });
  }
  const keys = new Map(kinds.map((k) => [k, resultKey(k, loader)!]));
  await loader.stop();
  return { keys, hashes };
}

/**
 * The device's analysis of one held photo (`id`, the file at `path`), started and stopped
 * with the test; it reaches the node while `online()`, and `fetched` collects what it fetched.
 */
async function startAnalysis(
  home: MlTestHome,
  photo: { id: string; path: string; pending: () => boolean | undefined },
  o: {
    online: () => boolean;
    fetched?: string[];
    cache?: MlBlobCache;
    smartSearch?: DeviceAnalysisOptions['smartSearch'];
  },
) {
  const dev = await t.device(home);
  const analysis = createDeviceAnalysis({
    repo: dev.repo,
    root: dev.root,
    deviceId: 'phone',
    photos: {
      held: async () => [photo.id],
      pending: async () => photo.pending(),
      original: async (id) => (id === photo.id ? new Blob([readFileSync(photo.path)]) : undefined),
    },
    cache: o.cache ?? createMemoryMlBlobCache(),
    fetchBlob: (h) =>
      o.online() ? (o.fetched?.push(h), home.fetch(h)) : Promise.reject(new Error('offline')),
    nodeReachable: o.online,
    runtime: () => createOnnxWebRuntime(),
    decode,
    retryMs: 60_000,
    log: () => {},
    ...(o.smartSearch ? { smartSearch: o.smartSearch } : {}),
  });
  t.stops.push(() => analysis.stop());
  await analysis.ready;
  return analysis;
}

describe.skipIf(!existsSync(PHOTO))(
  'device analysis of its own imports (no home node reachable)',
  { timeout: 120_000 },
  () => {
    it('fetches the models while the node is reachable, analyses offline, records faces and tags by the node’s model keys', async () => {
      const home = await t.home();
      const { keys } = await publish(
        home,
        modelFiles(['face-detection', 'face-recognition', 'object-detection'], (f) => f.endsWith('.onnx')),
        ['face-detection', 'face-embedding', 'object-detection'],
        ['faces', 'tags'],
      );
      let online = true;
      const fetched: string[] = [];
      let pending: boolean | undefined = undefined; // not in the catalog yet
      const analysis = await startAnalysis(
        home,
        { id: GROUP, path: PHOTO, pending: () => pending },
        { online: () => online, fetched },
      );
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
      expect(faces.model).toBe(keys.get('faces'));
      expect(tags.model).toBe(keys.get('tags'));
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
      // The node's OCR files and a CLIP image tower.
      const files = modelFiles(['ocr'], (f) => !f.endsWith('.md'));
      files.set('clip/visual.onnx', tinyClipImageModel());
      const { keys } = await publish(
        home,
        files,
        ['ocr-detection', 'ocr-recognition', 'ocr-direction', 'ocr-keys', 'clip-image'],
        ['ocr', 'clip'],
      );
      let online = true;
      const analysis = await startAnalysis(
        home,
        { id: TEXT, path: TEXT_PHOTO, pending: () => true },
        { online: () => online },
      );
      online = false;
      await analysis.wake();
      expect(analysis.analysed).toBe(1);
      await vi.waitFor(() => expect(home.ml.read().deviceResults.get(TEXT)?.size).toBe(2), {
        timeout: 10_000,
      });
      const r = home.ml.read().deviceResults.get(TEXT)!;
      const ocr = r.get('ocr')!.get('phone')!;
      const clip = r.get('clip')!.get('phone')!;
      expect(ocr.model).toBe(keys.get('ocr'));
      expect(readStoredOcr(ocr.json)?.text.replace(/\s/g, '')).toContain('Invoice#12345');
      expect(clip.model).toBe(keys.get('clip'));
      const shard = readStoredClip(clip.json, TEXT)!;
      expect(readVectorShardHeader(shard)).toMatchObject({ dims: 512, ids: [TEXT], model: keys.get('clip') });
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
      // Published with the size a real ViT-B/32 image tower has (the bytes are the tiny model's).
      const published = await publish(
        home,
        new Map([['clip/visual.onnx', tinyClipImageModel()]]),
        ['clip-image'],
        ['clip'],
        350_000_000,
      );
      const hash = published.hashes.get('clip-image')!;
      let online = true;
      let optIn: boolean | undefined;
      const told: number[] = [];
      const fetched: string[] = [];
      const cache = createMemoryMlBlobCache();
      const analysis = await startAnalysis(
        home,
        { id: TEXT, path: TEXT_PHOTO, pending: () => true },
        {
          online: () => online,
          fetched,
          cache,
          smartSearch: { on: async () => optIn, published: (b) => told.push(b) },
        },
      );
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
        expect(home.ml.read().deviceResults.get(TEXT)?.get('clip')?.get('phone')?.model).toBe(
          published.keys.get('clip'),
        ),
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

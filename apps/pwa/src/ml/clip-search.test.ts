// @vitest-environment node
// CLIP text search in the worker: the home node's ML document names month CLIP shards and the
// published text model + vocabulary (blobs); the device embeds the query with the generated
// tiny CLIP (real signature, it encodes colour) and finds photos by what is in them — also
// offline from its cache — and says why when semantic search is unavailable.
import 'fake-indexeddb/auto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createClipEncoder,
  createModelLoader,
  createMemoryModelStore,
  createVectorIndex,
  mergeVectorShards,
  storedClip,
} from '@hearth/ml';
import { openDB } from 'idb';
import { createOnnxWebRuntime, tinyClipImageModel, tinyClipTextModel } from '@hearth/ml/testing';
import { createCatalog, openMlCatalog } from '@hearth/sync';
import { fakeDeviceId } from '@hearth/sync/testing';
import { describe, expect, it, vi } from 'vitest';
import { createCatalogLibrary } from '../catalog/catalog-library.ts';
import { openIdbMediaCache } from '../catalog/media-cache.idb.ts';
import { createLibrarySearch } from '../search/library-search.ts';
import { createMemoryMlBlobCache, openIdbMlBlobCache } from '../search/ml-blob-cache.idb.ts';
import { hex, sha, useMlTestHome, type MlTestHome } from '../search/ml-test-home.ts';
import { createClipSearch, type ClipSearchOptions } from './clip-search.ts';

const MODELS = process.env['HEARTH_MODELS_DIR'] ?? join(import.meta.dirname, '../../../../../shared/models');
const VOCAB = join(MODELS, 'clip/bpe_simple_vocab_16e6.txt');
const [RED, GREEN, BLUE] = [hex(1), hex(2), hex(3)];

const t = useMlTestHome();
const stops = t.stops;

/** The one-vector shard of a solid-colour photo by the tiny CLIP image tower, and its model key. */
async function colourShard(
  id: string,
  rgb: readonly number[],
): Promise<{ shard: Uint8Array; model: string }> {
  const runtime = createOnnxWebRuntime();
  const loader = createModelLoader({
    store: createMemoryModelStore(new Map([['clip/visual.onnx', tinyClipImageModel()]])),
    runtime,
  });
  const data = new Uint8Array(32 * 32 * 3);
  for (let i = 0; i < 32 * 32; i++) data.set(rgb, i * 3);
  const e = await createClipEncoder(loader).embedImage({ width: 32, height: 32, data });
  const one = createVectorIndex(runtime, 512, { scoring: 'js' });
  one.add(id, e.vector);
  const shard = one.toShard(e.model);
  await one.stop();
  await loader.stop();
  return { shard, model: e.model };
}

/** The device's CLIP search on `dev`'s documents: a memory cache, onnxruntime-web, fetching from `home`; `o` overrides. */
function clipSearchOf(
  home: Pick<MlTestHome, 'fetch'>,
  dev: Pick<ClipSearchOptions, 'repo' | 'root'>,
  o: Partial<ClipSearchOptions> = {},
) {
  return createClipSearch({
    repo: dev.repo,
    root: dev.root,
    cache: createMemoryMlBlobCache(),
    runtime: () => createOnnxWebRuntime(),
    fetchBlob: (h) => home.fetch(h),
    ...o,
  });
}

/** The home node: one CLIP shard for July (three solid-colour photos) in the ML document. */
async function homeNode() {
  const home = await t.home();
  const { ml, put } = home;
  const runtime = createOnnxWebRuntime();
  const encoder = createClipEncoder(
    createModelLoader({
      store: createMemoryModelStore(new Map([['clip/visual.onnx', tinyClipImageModel()]])),
      runtime,
    }),
  );
  const shards: Uint8Array[] = [];
  for (const [id, rgb] of [
    [RED, [220, 30, 30]],
    [GREEN, [30, 200, 40]],
    [BLUE, [20, 40, 210]],
  ] as const) {
    const data = new Uint8Array(32 * 32 * 3);
    for (let i = 0; i < 32 * 32; i++) data.set(rgb, i * 3);
    const e = await encoder.embedImage({ width: 32, height: 32, data });
    const one = createVectorIndex(runtime, 512, { scoring: 'js' });
    one.add(id, e.vector);
    shards.push(one.toShard(e.model));
  }
  const shard = put(mergeVectorShards(shards));
  ml.setMonth('clip', '2024-07', {
    hash: shard,
    models: 'clip-vit-b32-visual@openai',
    source: 's',
    assets: 3,
  });
  const publish = () => {
    const text = tinyClipTextModel();
    const vocab = new Uint8Array(readFileSync(VOCAB));
    ml.setModel('clip-text', { key: 'clip-vit-b32-textual@openai', hash: put(text), bytes: text.byteLength });
    ml.setModel('clip-vocab', { key: 'clip-bpe@16e6', hash: put(vocab), bytes: vocab.byteLength });
  };
  return { ...home, publish };
}

async function deviceLibrary(home: MlTestHome) {
  const { repo, root, link } = await t.device(home);
  const deviceId = fakeDeviceId(2);
  const lib = createCatalogLibrary({
    catalog: createCatalog({ repo, root, deviceId }),
    media: await openIdbMediaCache(`clip-media-${Math.random()}`),
    deviceId,
  });
  await lib.start();
  await lib.addAssets(
    [RED, GREEN, BLUE].map((id, i) => ({
      id,
      type: 'image' as const,
      mime: 'image/jpeg',
      size: 100 + i,
      capturedAt: Date.UTC(2024, 6, 10) + i,
      width: 4,
      height: 3,
      fileName: id === BLUE ? 'green_door.jpg' : `img_${i}.jpg`,
    })),
  );
  return { repo, root, lib, link };
}

describe.skipIf(!existsSync(VOCAB))('CLIP text search in the PWA worker', { timeout: 60_000 }, () => {
  it('finds a photo by what is in it, word matches first, nothing for an unrelated query; offline from the cache', async () => {
    const home = await homeNode();
    home.publish();
    const dev = await deviceLibrary(home);
    const cache = await openIdbMlBlobCache('clip-blobs');
    const fetched: string[] = [];
    const clip = clipSearchOf(home, dev, { cache, fetchBlob: (h) => (fetched.push(h), home.fetch(h)) });
    const s = createLibrarySearch(dev.lib, undefined, undefined, clip);
    stops.push(() => s.stop());
    await s.ready;
    // The shard comes when the ML document names it; the text model only when someone searches.
    await vi.waitFor(() => expect(fetched).toHaveLength(1));
    await clip.ready;
    expect(clip.status()).toEqual({ state: 'loading', progress: 0 });
    const first = await s.search('a photo of something red');
    expect(first.semantic).toMatchObject({ state: 'loading' });
    await vi.waitFor(() => expect(clip.status()).toEqual({ state: 'on', photos: 3 }), { timeout: 20_000 });
    const ids = async (q: string) => (await s.search(q)).items.map((i) => i.id);
    expect(await ids('a photo of something red')).toEqual([RED]);
    expect(await ids('blue')).toEqual([BLUE]);
    expect(await ids('a cat on a sofa')).toEqual([]);
    // A file name matching by word ranks above the photo CLIP finds.
    expect(await ids('green')).toEqual([BLUE, GREEN]);
    expect(await ids('img_1')).toEqual([GREEN]);
    expect((await s.search('green')).semantic).toMatchObject({ state: 'on', photos: 3 });
    expect((await s.search('blue')).semantic).toMatchObject({
      best: expect.closeTo(0.95, 1) as unknown as number,
    });
    expect(fetched).toHaveLength(3);

    // The home node goes away; a fresh start (a reload) answers from what was kept.
    dev.link.disconnect();
    s.stop();
    stops.pop();
    const offline = createLibrarySearch(
      dev.lib,
      undefined,
      undefined,
      clipSearchOf(home, dev, { cache, fetchBlob: () => Promise.reject(new Error('offline')) }),
    );
    stops.push(() => offline.stop());
    await offline.ready;
    // The first search asks for the model; it loads from the cache, with the node gone.
    await vi.waitFor(
      async () => expect((await offline.search('red')).items.map((i) => i.id)).toEqual([RED]),
      { timeout: 20_000 },
    );
  });

  it("a month's newer shard not fetched before going offline: the one before still answers, also after a reload", async () => {
    const home = await homeNode();
    home.publish();
    const dev = await deviceLibrary(home);
    const dbName = `clip-blobs-${Math.random()}`;
    const cache = await openIdbMlBlobCache(dbName);
    let offline = false;
    const asked: string[] = [];
    const fetchBlob = (h: string) => {
      asked.push(h);
      return offline ? Promise.reject(new Error('offline')) : home.fetch(h);
    };
    stops.push(() => cache.close());
    /** the worker's search over the device's library, with its CLIP search on `cache` */
    const start = async () => {
      const s = createLibrarySearch(
        dev.lib,
        undefined,
        undefined,
        clipSearchOf(home, dev, { cache, fetchBlob }),
      );
      stops.unshift(() => s.stop()); // before the cache closes
      await s.ready;
      return s;
    };
    const online = await start();
    const red = async (s: typeof online) =>
      (await s.search('a photo of something red')).items.map((i) => i.id);
    await vi.waitFor(async () => expect(await red(online)).toEqual([RED]), { timeout: 20_000 });

    // The node re-makes July's shard; the device hears of it but cannot fetch it any more.
    const older = asked[0]; // the shard comes first, the text model at the first search
    offline = true;
    const { shard } = await colourShard(RED, [220, 30, 30]);
    const newer = home.put(shard);
    home.ml.setMonth('clip', '2024-07', {
      hash: newer,
      models: 'clip-vit-b32-visual@openai',
      source: 's2',
      assets: 1,
    });
    await vi.waitFor(() => expect(asked).toContain(newer), { timeout: 20_000 });
    expect(await red(online)).toEqual([RED]);

    // A reload with the node gone: July's earlier shard was kept and answers.
    online.stop();
    dev.link.disconnect();
    const reloaded = await start();
    await vi.waitFor(async () => expect(await red(reloaded)).toEqual([RED]), { timeout: 20_000 });
    // The month record is not among the blobs (the clip-search e2e counts them): only hashes there.
    const db = await openDB(dbName);
    const keys = (await db.getAllKeys('blobs')).map(String);
    db.close();
    expect(keys).toContain(older);
    for (const k of keys) expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(await cache.monthHashes()).toEqual(new Map([['2024-07', older]]));
  });

  it('without a published text model, words still answer and the status says why; publishing turns it on', async () => {
    const home = await homeNode();
    const dev = await deviceLibrary(home);
    const clip = clipSearchOf(home, dev);
    const s = createLibrarySearch(dev.lib, undefined, undefined, clip);
    stops.push(() => s.stop());
    await s.ready;
    await vi.waitFor(async () => expect((await s.search('img_0')).items.map((i) => i.id)).toEqual([RED]));
    expect((await s.search('red')).semantic).toEqual({
      state: 'off',
      reason: expect.stringMatching(/publishes no CLIP text model/) as unknown as string,
    });
    home.publish();
    await vi.waitFor(async () => expect((await s.search('red')).items.map((i) => i.id)).toEqual([RED]), {
      timeout: 20_000,
    });
  });

  it('a model key this app does not know is refused with the reason', async () => {
    const home = await homeNode();
    const text = tinyClipTextModel();
    home.blobs.set(sha(text), text);
    home.ml.setModel('clip-text', {
      key: 'clip-vit-l14-textual@openai',
      hash: sha(text),
      bytes: text.byteLength,
    });
    home.ml.setModel('clip-vocab', { key: 'clip-bpe@16e6', hash: sha(text), bytes: text.byteLength });
    const dev = await deviceLibrary(home);
    const clip = clipSearchOf(home, dev);
    stops.push(() => clip.stop());
    await vi.waitFor(() =>
      expect(clip.status()).toMatchObject({
        state: 'off',
        reason: expect.stringMatching(/clip-vit-l14-textual@openai is not one this app knows/),
      }),
    );
  });

  it('a runtime that will not start, or a text model it cannot load, turns semantic search off with the reason; words still answer', async () => {
    const home = await homeNode();
    home.publish();
    const dev = await deviceLibrary(home);
    const web = createOnnxWebRuntime();
    const start = (createSession: typeof web.createSession) =>
      clipSearchOf(home, dev, { runtime: () => ({ ...web, createSession }) });
    // No wasm at all: found out when the model is loaded (its self-test), at the first search.
    const dead = start(() => Promise.reject(new Error('no wasm here')));
    stops.push(() => dead.stop());
    await dead.ready;
    // Bounds as the other waits here: under load the model fetch and self-test take over 1 s.
    await vi.waitFor(
      () =>
        expect((dead.semantic(), dead.status())).toEqual({
          state: 'off',
          reason: expect.stringMatching(
            /CLIP text model does not run here: .*no wasm here/,
          ) as unknown as string,
        }),
      { timeout: 20_000 },
    );
    // The runtime starts, but the text model (600 KB) does not load: found out at the first query.
    const clip = start((bytes, o) =>
      bytes.byteLength > 100_000 ? Promise.reject(new Error('out of memory')) : web.createSession(bytes, o),
    );
    const s = createLibrarySearch(dev.lib, undefined, undefined, clip);
    stops.push(() => s.stop());
    await s.ready;
    await vi.waitFor(() => expect((clip.semantic(), clip.status().state)).toBe('on'), { timeout: 20_000 });
    const r = await s.search('green');
    expect(r.items.map((i) => i.id)).toEqual([BLUE]); // its file name
    expect(r.semantic).toEqual({
      state: 'off',
      reason: expect.stringMatching(
        /CLIP text model does not run here: .*out of memory/,
      ) as unknown as string,
    });
    expect((await s.search('red')).items).toEqual([]);
  });

  it("a device's own CLIP vectors (the ML document's devices map) are searched until a month shard has the photo", async () => {
    const home = await homeNode();
    home.publish();
    const dev = await deviceLibrary(home);
    const NEW = hex(4);
    await dev.lib.addAssets([
      {
        id: NEW,
        type: 'image',
        mime: 'image/jpeg',
        size: 200,
        capturedAt: Date.UTC(2024, 7, 1),
        width: 4,
        height: 3,
        fileName: 'phone.jpg',
      },
    ]);
    const clip = clipSearchOf(home, dev);
    const s = createLibrarySearch(dev.lib, undefined, undefined, clip);
    stops.push(() => s.stop());
    await s.ready;
    const ids = async (q: string) => (await s.search(q)).items.map((i) => i.id).sort();
    await vi.waitFor(async () => expect(await ids('blue')).toEqual([BLUE]), { timeout: 20_000 });
    // The search index tells its listeners when vectors come and go (the page asks again).
    let told = 0;
    s.onChange(() => told++);

    // The device analysed its own blue photo (device-analysis.ts): its vector joins the search.
    const mine = await openMlCatalog({ repo: dev.repo, root: dev.root });
    const { shard, model } = await colourShard(NEW, [0, 0, 255]);
    mine.setDeviceResult('phone', NEW, 'clip', { model, json: JSON.stringify(storedClip(shard)) });
    // A shard of another asset under this one is refused.
    mine.setDeviceResult('phone', hex(5), 'clip', { model, json: JSON.stringify(storedClip(shard)) });
    await vi.waitFor(async () => expect(await ids('blue')).toEqual([BLUE, NEW].sort()), { timeout: 20_000 });
    expect(clip.status()).toEqual({ state: 'on', photos: 4 });
    expect(told).toBeGreaterThan(0);
    told = 0;
    expect(await ids('something red')).toEqual([RED]);

    // The result goes (the node's month has it, or the device pruned it): so does its vector.
    mine.setDeviceResult('phone', NEW, 'clip', undefined);
    await vi.waitFor(async () => expect(await ids('blue')).toEqual([BLUE]), { timeout: 20_000 });
    expect(clip.status()).toEqual({ state: 'on', photos: 3 });
    expect(told).toBeGreaterThan(0);
  });
});

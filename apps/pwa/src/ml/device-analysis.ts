/**
 * Faces, object tags, OCR text and CLIP image embeddings for this device's own imports while no
 * home node is reachable (runs in the peer worker). The node publishes its detector, embedder,
 * tagger, OCR models and CLIP image tower in the ML document's `models` map; this device fetches
 * them (~20 MB without CLIP; a real CLIP image tower adds ~350 MB) once it holds an original of
 * its own and the node is reachable, and keeps them, so it can analyse later imports offline.
 * A photo whose original is here, that no home node holds yet, and that has no result of this
 * device by the published models is decoded and analysed with the node's own pipeline code; the
 * result goes into the ML document's `devices` map under this device (model key + the node's
 * stored form as JSON; CLIP: its one-vector shard, base64). The node adopts it instead of
 * running the models again; search finds the tags and words, and CLIP search the photo, at once.
 * Once the node says it holds results of its own for the photo (the ML document's `recorded`
 * map), this device removes them from its entry: it is their only writer, and they would
 * otherwise stay in the synced document forever (~4 KB per face).
 * The CLIP image tower is fetched only as `wantsPublishedModel` says: up to 50 MB unless the user
 * turned "Smart search on this device" off, above only once they turned it on; turned off, its
 * kept file is dropped and CLIP is no longer run here (faces, tags and OCR go on regardless).
 */
import type { DocHandle, Repo } from '@automerge/automerge-repo';
import {
  createClipEncoder,
  createFacePipeline,
  createObjectTagger,
  createTextReader,
  createVectorIndex,
  createPublishedModelLoader,
  refusePublishedModel,
  resultKey,
  runtimeSelfTest,
  storedClip,
  storedFaces,
  storedOcr,
  storedTags,
  type ClipEncoder,
  type FacePipeline,
  type InferenceRuntime,
  type ObjectTagger,
  type ModelLoader,
  type ModelTask,
  type RgbImage,
  type TextReader,
  wantsPublishedModel,
} from '@hearth/ml';
import { openMlCatalog, type MlCatalog, type MlDeviceKind, type RootDoc } from '@hearth/sync';
import { followMlDocument } from '../search/follow-ml-document.ts';
import { cachedBlob } from '../search/cached-blob.ts';
import type { MlBlobCache } from '../search/ml-blob-cache.idb.ts';

const TASKS: Record<MlDeviceKind, readonly ModelTask[]> = {
  faces: ['face-detection', 'face-embedding'],
  tags: ['object-detection'],
  ocr: ['ocr-detection', 'ocr-recognition', 'ocr-direction', 'ocr-keys'],
  clip: ['clip-image'],
};

/** What the analysis needs to know of this device's photos. */
export interface DevicePhotos {
  /** assets whose original is held on this device */
  held(): Promise<string[]>;
  /** whether the asset is a photo no home node holds yet (undefined: not in the catalog yet) */
  pending(asset: string): Promise<boolean | undefined>;
  original(asset: string): Promise<Blob | undefined>;
}

export interface DeviceAnalysisOptions {
  repo: Repo;
  root: DocHandle<RootDoc>;
  deviceId: string;
  photos: DevicePhotos;
  /** the published model files, kept (IndexedDB) */
  cache: MlBlobCache;
  /** a blob from the home node, hash-checked (rejects offline) */
  fetchBlob(hash: string): Promise<Uint8Array>;
  nodeReachable(): boolean;
  runtime(): InferenceRuntime;
  decode(original: Blob): Promise<RgbImage>;
  retryMs?: number;
  log?(line: string): void;
  /**
   * "Smart search on this device" (`smart-search-setting.idb.ts`): the user's choice (undefined:
   * never chose), and where the published CLIP image model's size is told. Without it the
   * default applies (by size).
   */
  smartSearch?: { on(): Promise<boolean | undefined>; published(bytes: number): void };
}

export interface DeviceAnalysis {
  readonly ready: Promise<void>;
  /** look again now (a photo was imported, the node came or went) */
  wake(): Promise<void>;
  /** photos analysed here since start */
  readonly analysed: number;
  stop(): void;
}

export function createDeviceAnalysis(opts: DeviceAnalysisOptions): DeviceAnalysis {
  const log = opts.log ?? ((l: string) => console.info(l));
  let ml: MlCatalog | undefined;
  let runtime: InferenceRuntime | undefined;
  /** the loaded models: hashes they were made from, their loader and keys per kind */
  let models:
    | {
        hashes: string;
        loader: ModelLoader;
        keys: Partial<Record<MlDeviceKind, string>>;
        faces: FacePipeline;
        tagger: ObjectTagger;
        reader: TextReader;
        clip: ClipEncoder;
      }
    | undefined;
  let analysed = 0;
  /** the runtime ran once while the node was reachable (its wasm is then kept for offline) */
  let warm = false;
  const offs: (() => void)[] = [];
  /** assets that failed here (cannot decode) or that a home node holds: not looked at again this session */
  const failed = new Set<string>();

  /** a published file, kept here; fetched only when `fetch` (the node is reachable) */
  function blob(hash: string, fetch: boolean): Promise<Uint8Array | undefined> {
    return fetch ? cachedBlob(opts.cache, opts.fetchBlob, hash) : opts.cache.get(hash);
  }

  /** the unwanted files last dropped from the cache (so the cache is swept once per change) */
  let dropped = '';
  /** drops kept files the user no longer wants here (a real CLIP image tower is ~350 MB) */
  async function dropUnwanted(unwanted: string[], usable: ModelTask[]): Promise<void> {
    const key = unwanted.join(' ');
    if (key === dropped) return;
    // Once wanted again (turned back on), a later "off" sweeps again.
    dropped = key;
    if (!unwanted.length) return;
    const refs = ml!.read().models;
    // Keeps every wanted published file; older versions of them go too (never used again).
    await opts.cache.retain(new Set(usable.map((t) => refs.get(t)!.hash))).catch(() => {});
  }

  /** the published model files, from the cache (fetched first when `fetch`) */
  async function loadModels(fetch: boolean): Promise<boolean> {
    const refs = ml!.read().models;
    const tasks = Object.values(TASKS).flat();
    const clipRef = refs.get('clip-image');
    if (clipRef) opts.smartSearch?.published(clipRef.bytes);
    const optIn = await opts.smartSearch?.on();
    const published = tasks.filter((t) => refs.has(t) && !refusePublishedModel(t, refs.get(t)!.key));
    const usable = published.filter((t) => wantsPublishedModel(t, refs.get(t)!.bytes, optIn));
    await dropUnwanted(
      published.filter((t) => !usable.includes(t)).map((t) => refs.get(t)!.hash),
      usable,
    );
    // Every file published now is loaded already: nothing to read (they are MBs, looked at every poll).
    if (models && models.hashes === usable.map((t) => refs.get(t)!.hash).join(' ') && (warm || !fetch))
      return Object.keys(models.keys).length > 0;
    const files: Partial<Record<ModelTask, { key: string; bytes: Uint8Array }>> = {};
    const hashes: string[] = [];
    for (const task of usable) {
      const ref = refs.get(task)!;
      const bytes = await blob(ref.hash, fetch).catch(() => undefined);
      if (!bytes) continue;
      files[task] = { key: ref.key, bytes };
      hashes.push(ref.hash);
    }
    const key = hashes.join(' ');
    if (fetch && !warm && hashes.length) {
      // Start the runtime now, while the node is reachable: onnxruntime-web's wasm is fetched
      // from the app's origin (and kept by the service worker), so it runs offline later.
      runtime ??= opts.runtime();
      const check = await runtimeSelfTest(runtime);
      warm = check.ok;
      if (!check.ok)
        log(`device ML: the runtime does not start: ${check.checks.find((c) => !c.ok)?.detail ?? '?'}`);
    }
    if (models?.hashes === key) return Object.keys(models.keys).length > 0;
    await models?.loader.stop();
    models = undefined;
    if (!hashes.length) return false;
    runtime ??= opts.runtime();
    const { loader } = createPublishedModelLoader({ runtime, files });
    const keys: Partial<Record<MlDeviceKind, string>> = {};
    for (const kind of Object.keys(TASKS) as MlDeviceKind[])
      if (TASKS[kind].every((t) => files[t])) {
        const k = resultKey(kind, loader);
        if (k) keys[kind] = k;
      }
    models = {
      hashes: key,
      loader,
      keys,
      faces: createFacePipeline(loader),
      tagger: createObjectTagger(loader),
      reader: createTextReader(loader),
      clip: createClipEncoder(loader),
    };
    return Object.keys(keys).length > 0;
  }

  async function analyse(asset: string, todo: MlDeviceKind[]): Promise<void> {
    const m = models!;
    const original = await opts.photos.original(asset);
    if (!original) return;
    let img: RgbImage;
    try {
      img = await opts.decode(original);
    } catch (e) {
      failed.add(asset);
      log(`device ML: cannot decode ${asset.slice(0, 12)}: ${String(e)}`);
      return;
    }
    for (const kind of todo) {
      const json = JSON.stringify(await result(m, kind, asset, img));
      ml!.setDeviceResult(opts.deviceId, asset, kind, { model: m.keys[kind]!, json });
    }
    analysed++;
  }

  /** one kind's result in the node's stored form */
  async function result(m: NonNullable<typeof models>, kind: MlDeviceKind, asset: string, img: RgbImage) {
    if (kind === 'faces') return storedFaces(await m.faces.analyze(img));
    if (kind === 'tags') return storedTags(await m.tagger.tag(img));
    if (kind === 'ocr') return storedOcr(await m.reader.read(img));
    // The node's CLIP step writes this one-vector shard as its result blob: the same bytes.
    const e = await m.clip.embedImage(img);
    const index = createVectorIndex(runtime!, e.vector.length, { scoring: 'js' });
    try {
      index.add(asset, e.vector);
      return storedClip(index.toShard(e.model));
    } finally {
      await index.stop();
    }
  }

  /** removes this device's results the node now holds its own of; returns how many */
  function prune(): number {
    const state = ml!.read();
    let n = 0;
    for (const [asset, kinds] of state.recorded)
      for (const kind of kinds)
        if (state.deviceResults.get(asset)?.get(kind)?.has(opts.deviceId)) {
          ml!.setDeviceResult(opts.deviceId, asset, kind, undefined);
          failed.add(asset); // the node has it: never analysed here again
          n++;
        }
    return n;
  }

  const follower = followMlDocument({
    root: opts.root,
    label: 'device ML',
    ...(opts.retryMs !== undefined ? { retryMs: opts.retryMs } : {}),
    async step(self) {
      const held = await opts.photos.held();
      if (!held.length) return; // a device that imports nothing needs no models
      if (!ml)
        try {
          // Created here when the node never made one (deterministic: both copies merge).
          ml = await openMlCatalog({ repo: opts.repo, root: opts.root });
          offs.push(ml.onChange(() => void follower.wake()));
        } catch (e) {
          self.retryLater();
          log(`device ML: the ML document is not available yet: ${String(e)}`);
          return;
        }
      const pruned = prune();
      if (pruned) log(`device ML: removed ${pruned} results the home node now holds`);
      const online = opts.nodeReachable();
      if (!(await loadModels(online))) {
        // Nothing published (or not fetched yet): the node may publish, or come back, later.
        self.retryLater();
        return;
      }
      // The node analyses what it holds; this device only what no home node can reach yet.
      if (online) return self.retryLater();
      const state = ml.read().deviceResults;
      for (const asset of held) {
        if (failed.has(asset)) continue;
        const todo = (Object.keys(models!.keys) as MlDeviceKind[]).filter(
          (k) => state.get(asset)?.get(k)?.get(opts.deviceId)?.model !== models!.keys[k],
        );
        if (!todo.length) continue;
        const pending = await opts.photos.pending(asset);
        // A home node has it (or it is no photo): the node analyses it. Not listed yet: later.
        if (pending === false) failed.add(asset);
        if (!pending) continue;
        await analyse(asset, todo);
        if (opts.nodeReachable()) break; // the node is back: it takes over the rest
      }
      self.retryLater();
    },
  });

  return {
    ready: follower.ready,
    wake: () => follower.wake(),
    get analysed() {
      return analysed;
    },
    stop() {
      follower.stop();
      for (const off of offs.splice(0)) off();
      void models?.loader.stop();
    },
  };
}

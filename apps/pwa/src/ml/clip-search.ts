/**
 * CLIP text search on this device (runs in the peer worker). The synced ML document names the
 * month CLIP shards (image embeddings made by the home node) and the text model and vocabulary
 * the node publishes; both come as hash-checked blobs from the node, are kept in an
 * `MlBlobCache`, and so work offline after the first fetch. A query is tokenized, embedded by
 * the text encoder on onnxruntime-web (wasm) and scored against every shard's vectors.
 * Photos this device analysed itself while no home node was reachable (the ML document's
 * `devices` map, CLIP kind: a one-vector shard each) join the index until a month shard has them.
 * The shards are fetched as soon as the ML document lists them; the text model (a real one is
 * 64–250 MB) only once someone searches (`semantic()` is first asked), and `status()` says
 * how far its download is meanwhile. Once kept, it loads from the cache, offline too.
 * A month whose newer shard could not be fetched yet (offline) answers with the one it was
 * searched with before, also after a reload: the cache records each month's last shard.
 * Whatever is missing (no ML document, no shards, no published model, an unknown model, a
 * runtime that will not load) leaves `semantic()` undefined and `status()` says why: word
 * search goes on without it.
 */
import type { DocHandle, Repo } from '@automerge/automerge-repo';
import {
  createClipEncoder,
  createPublishedModelLoader,
  refusePublishedModel,
  createVectorIndex,
  loadVectorShard,
  readStoredClip,
  readVectorShardHeader,
  runtimeSelfTest,
  type ClipEncoder,
  type InferenceRuntime,
  type ModelLoader,
  type ModelTask,
  type SemanticOptions,
  type VectorIndex,
} from '@hearth/ml';
import { findMlCatalog, type MlCatalog, type MlState, type RootDoc } from '@hearth/sync';
import { cachedBlob } from '../search/cached-blob.ts';
import type { MlBlobCache } from '../search/ml-blob-cache.idb.ts';
import { followMlDocument } from '../search/follow-ml-document.ts';
import { createMonthBlobs } from '../search/month-blobs.ts';
import type { SemanticStatus } from '../search/search-types.ts';

/** Most semantic-only results one query adds (the best by similarity). */
export const SEMANTIC_LIMIT = 200;
/** After the runtime failed, semantic search is tried again this much later (the wasm may load then). */
export const FAIL_RETRY_MS = 60_000;
const TASKS: readonly ModelTask[] = ['clip-text', 'clip-vocab'];

export interface ClipSearch {
  /** resolves once the first read of the ML document (models and shards) is done */
  readonly ready: Promise<void>;
  /**
   * what a search passes to the index, or undefined while semantic search is unavailable; the
   * first call starts fetching the text model
   */
  semantic(): SemanticOptions | undefined;
  status(): SemanticStatus;
  /** a query failed in the runtime: semantic search is off (with `reason`), tried again later */
  fail(reason: string): void;
  /** `listener` runs after the vectors searched changed (a month shard or a device's own vector in or out) */
  onChange(listener: () => void): () => void;
  stop(): void;
}

export interface ClipSearchOptions {
  repo: Repo;
  root: DocHandle<RootDoc>;
  cache: MlBlobCache;
  /** a blob from the home node, hash-checked (rejects offline) */
  fetchBlob(hash: string): Promise<Uint8Array>;
  /** the inference runtime, made on first need (onnxruntime-web in the worker) */
  runtime(): InferenceRuntime;
  retryMs?: number;
}

export function createClipSearch(opts: ClipSearchOptions): ClipSearch {
  let ml: MlCatalog | undefined;
  let runtime: InferenceRuntime | undefined;
  const rt = () => (runtime ??= opts.runtime());
  /** the loaded text model: hashes it was made from, its loader, its threshold */
  let model: { hashes: string; loader: ModelLoader; encoder: ClipEncoder; minScore?: number } | undefined;
  let index: VectorIndex | undefined;
  /** month → [shard hash, the ids it added] */
  const months = new Map<string, { hash: string; ids: string[] }>();
  /** asset → the device result (JSON) its vector came from, for photos no month shard has yet */
  const deviceVectors = new Map<string, string>();
  let reason = 'the home node has published no ML results yet';
  let failed: { hashes: string; reason: string; at: number } | undefined;
  /** someone searched: the text model is fetched and loaded from now on */
  let wanted = false;
  /** the text model's download, bytes of its files kept so far of all (while `model` is not loaded) */
  let download: { done: number; total: number } | undefined;
  const offs: (() => void)[] = [];
  /** counts changes to the vectors searched; `listeners` hear of a step that made any */
  let vectorsChanged = 0;
  const listeners = new Set<() => void>();

  function blob(hash: string): Promise<Uint8Array> {
    return cachedBlob(opts.cache, opts.fetchBlob, hash);
  }
  /** the month shards, and which one each month was last searched with (offline reloads) */
  const shards = createMonthBlobs(opts.cache, opts.fetchBlob);

  async function loadModel(): Promise<string | undefined> {
    const refs = ml!.read().models;
    const text = refs.get('clip-text');
    const vocab = refs.get('clip-vocab');
    if (!text || !vocab)
      return 'the home node publishes no CLIP text model (it has no CLIP model, or an older version)';
    // An unknown model is refused before its download, not after.
    const unknown =
      refusePublishedModel('clip-text', text.key) ?? refusePublishedModel('clip-vocab', vocab.key);
    if (unknown) return unknown;
    if (!wanted) return undefined;
    const hashes = `${text.hash} ${vocab.hash}`;
    if (failed?.hashes === hashes && Date.now() - failed.at < FAIL_RETRY_MS) {
      follower.retryLater(); // the timer comes back once the wait is over
      return failed.reason;
    }
    if (model?.hashes === hashes) return undefined;
    let files;
    // Whole files from the node: the vocabulary (1.4 MB) first, so the figure moves early.
    download = { done: 0, total: vocab.bytes + text.bytes };
    try {
      const vocabBytes = await blob(vocab.hash);
      download.done = vocab.bytes;
      files = {
        'clip-text': { key: text.key, bytes: await blob(text.hash) },
        'clip-vocab': { key: vocab.key, bytes: vocabBytes },
      };
      download.done = download.total;
    } catch (e) {
      download = undefined;
      follower.retryLater();
      return `the CLIP text model (${(text.bytes / 1e6).toFixed(1)} MB) could not be fetched from the home node yet: ${String(e)}`;
    }
    const { loader, refused } = createPublishedModelLoader({ runtime: rt(), files });
    const no = TASKS.map((t) => refused.get(t)).find(Boolean);
    if (no) return no;
    // Start the runtime before the first query runs on it: a runtime without its wasm is found
    // here (with the reason) rather than by a failed query. Its wasm is then kept by the service worker.
    const check = await runtimeSelfTest(rt());
    if (!check.ok) {
      const why = check.checks.find((c) => !c.ok)?.detail ?? 'the runtime self-test failed';
      failed = { hashes, reason: `the CLIP text model does not run here: ${why}`, at: Date.now() };
      download = undefined;
      follower.retryLater();
      await loader.stop();
      return failed.reason;
    }
    failed = undefined;
    download = undefined;
    await model?.loader.stop();
    const spec = loader.spec('clip-text');
    model = {
      hashes,
      loader,
      // One encoder: it parses the vocabulary once.
      encoder: createClipEncoder(loader),
      ...(spec?.minScore !== undefined ? { minScore: spec.minScore } : {}),
    };
    return undefined;
  }

  async function loadShards(): Promise<string | undefined> {
    const state = ml!.read();
    const refs = state.clip;
    for (const [month, ref] of refs) {
      if (months.get(month)?.hash === ref.hash) continue;
      let shard, header, hash;
      try {
        const got = await shards.read(month, ref.hash, months.has(month));
        if (got.older) follower.retryLater(); // the listed one is fetched once the node is back
        hash = got.hash;
        if (months.get(month)?.hash === hash) continue;
        header = readVectorShardHeader(got.bytes);
        shard = loadVectorShard(rt(), got.bytes, { scoring: 'js' });
      } catch (e) {
        follower.retryLater(); // offline, or a bad blob: retried on the next change or timer
        console.info(`CLIP shard of ${month} not available now:`, e);
        continue;
      }
      if (index && index.dims !== shard.index.dims) {
        // Another image model: its vectors cannot be compared with the old ones.
        await index.stop();
        index = undefined;
        months.clear();
        deviceVectors.clear(); // read again below, against the new index
        vectorsChanged++;
      }
      index ??= createVectorIndex(rt(), shard.index.dims, { scoring: 'js' });
      for (const id of months.get(month)?.ids ?? []) index.remove(id);
      const ids: string[] = [];
      // Re-quantising a dequantised vector gives the same int8 values (same max, same scale).
      for (const id of header.ids) {
        const v = shard.index.vector(id);
        if (!v) continue;
        index.add(id, v);
        ids.push(id);
      }
      await shard.index.stop();
      months.set(month, { hash, ids });
      vectorsChanged++;
    }
    for (const [month, m] of [...months])
      if (!refs.has(month)) {
        for (const id of m.ids) index?.remove(id);
        months.delete(month);
        vectorsChanged++;
      }
    loadDeviceVectors(state.deviceResults);
    await shards.record(new Map([...months].map(([m, { hash }]) => [m, hash])));
    if (!index || index.size === 0)
      return refs.size === 0 && deviceVectors.size === 0
        ? 'the home node has no CLIP image embeddings (no CLIP model on the node)'
        : 'the CLIP embeddings have not been fetched from the home node yet';
    return undefined;
  }

  /** a device's own CLIP vectors of photos no month shard has (yet) */
  function loadDeviceVectors(results: MlState['deviceResults']): void {
    const inMonths = new Set([...months.values()].flatMap((m) => m.ids));
    const next = new Map<string, string>();
    for (const [asset, kinds] of results)
      for (const r of kinds.get('clip')?.values() ?? [])
        if (!inMonths.has(asset) && !next.has(asset) && readStoredClip(r.json, asset))
          next.set(asset, r.json);
    for (const [asset, json] of deviceVectors)
      if (next.get(asset) !== json) {
        deviceVectors.delete(asset);
        vectorsChanged++;
        if (!inMonths.has(asset)) index?.remove(asset); // a month's vector replaced it otherwise
      }
    for (const [asset, json] of next) {
      if (deviceVectors.has(asset)) continue;
      const shard = loadVectorShard(rt(), readStoredClip(json, asset)!, { scoring: 'js' });
      const v = shard.index.vector(asset);
      void shard.index.stop();
      index ??= createVectorIndex(rt(), shard.index.dims, { scoring: 'js' });
      // Another image model's vector cannot be compared with the index's.
      if (!v || index.dims !== shard.index.dims) continue;
      index.add(asset, v);
      deviceVectors.set(asset, json);
      vectorsChanged++;
    }
  }

  const follower = followMlDocument({
    root: opts.root,
    label: 'CLIP search',
    ...(opts.retryMs !== undefined ? { retryMs: opts.retryMs } : {}),
    async step() {
      try {
        if (!ml && opts.root.doc()?.ml) {
          ml = await findMlCatalog({ repo: opts.repo, root: opts.root });
          if (ml) offs.push(ml.onChange(() => void follower.wake()));
        }
      } catch (e) {
        follower.retryLater();
        console.info('ML document not available yet:', e);
      }
      if (!ml) return;
      const before = vectorsChanged;
      const noShards = await loadShards();
      if (vectorsChanged !== before) for (const l of listeners) l();
      const noModel = await loadModel();
      reason = noShards ?? noModel ?? '';
      const s = ml.read();
      // Until someone searched, the published model's files are kept if they are here already.
      const keep = new Set([...s.clip.values(), ...s.models.values()].map((r) => r.hash as string));
      // The shards searched now stay until their months' newer ones are here (offline reloads).
      for (const m of months.values()) keep.add(m.hash);
      if (!reason) await opts.cache.retain(keep).catch(() => {});
    },
  });
  const ready = follower.ready;

  return {
    ready,
    semantic() {
      if (!wanted && !reason && index) {
        wanted = true;
        void follower.wake();
      }
      if (reason || !model || !index) return undefined;
      return {
        encoder: model.encoder,
        index,
        limit: SEMANTIC_LIMIT,
        ...(model.minScore !== undefined ? { minScore: model.minScore } : {}),
      };
    },
    status() {
      if (reason) return { state: 'off', reason };
      if (!index) return { state: 'off', reason: 'loading the CLIP embeddings' };
      if (!model)
        return {
          state: 'loading',
          progress: download && download.total > 0 ? download.done / download.total : 0,
        };
      return { state: 'on', photos: index.size };
    },
    fail(why) {
      if (!model) return;
      failed = {
        hashes: model.hashes,
        reason: `the CLIP text model does not run here: ${why}`,
        at: Date.now(),
      };
      reason = failed.reason;
      follower.retryLater();
      const old = model;
      model = undefined;
      void old.loader.stop();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    stop() {
      listeners.clear();
      follower.stop();
      for (const off of offs.splice(0)) off();
      void model?.loader.stop();
      void index?.stop();
    },
  };
}

import { createHash } from 'node:crypto';
import type { MlAssetText } from '@hearth/ml';
import type { DocHandle, Repo } from '@automerge/automerge-repo';
import type { BlobHash, MlBlobKind, MlCatalog, RootDoc } from '@hearth/sync';
import { monthOf, type BlobStore } from '@hearth/sync';
import { toNewAsset } from './catalog-projection.ts';
import type { NodeCatalog } from './node-catalog.ts';
import type { DeviceMlResults } from './ml-steps.ts';
import { recordOwnResults } from './ml-recorded.ts';

/** The models keys of the enabled ML features (a kind without a key is off). */
export interface MlKeys {
  tags?: string | undefined;
  ocr?: string | undefined;
  clip?: string | undefined;
  /** faces are projected through the people document; the key only says their models are published */
  faces?: string | undefined;
}

/** Options of {@link projectMl}. */
export interface MlProjectionOptions {
  journal: Pick<NodeCatalog, 'assets' | 'derived'>;
  keys: MlKeys;
  readBlob(hash: BlobHash): Promise<Uint8Array>;
  putBlob(bytes: Uint8Array): Promise<BlobHash>;
  /** removes a month blob the ML document no longer points at */
  deleteBlob?(hash: BlobHash): Promise<unknown>;
  ml: MlCatalog;
}

const sha = (s: string | Uint8Array) => createHash('sha256').update(s).digest('hex');

interface Month {
  text: Record<string, MlAssetText>;
  /** asset id → its per-photo CLIP shard */
  clip: Map<string, BlobHash>;
}

/** Each photo's current results, grouped by capture month (as the catalog's shards). */
function byMonth(opts: MlProjectionOptions): Map<string, Month> {
  const months = new Map<string, Month>();
  const { keys } = opts;
  for (const a of opts.journal.assets()) {
    if (a.type !== 'photo') continue;
    const d = opts.journal.derived(a.id);
    const current = (kind: string, key: string | undefined) => {
      const r = key === undefined ? undefined : d.get(kind);
      return r && r.failed === undefined && r.values?.['model'] === key ? r : undefined;
    };
    const tags = current('tags', keys.tags);
    const ocr = current('ocr', keys.ocr);
    const clip = current('clip', keys.clip)?.blobs['clip'];
    if (!tags && !ocr && !clip) continue;
    const n = toNewAsset(a);
    const key = monthOf(n.capturedAt, n.tzOffsetMin ?? 0);
    let m = months.get(key);
    if (!m) months.set(key, (m = { text: {}, clip: new Map() }));
    const t: MlAssetText = {};
    const list = typeof tags?.values?.['tags'] === 'string' ? parseTags(tags.values['tags']) : [];
    if (list.length) t.tags = list;
    const text = ocr?.values?.['text'];
    if (typeof text === 'string' && text) t.ocr = text;
    if (t.tags || t.ocr || tags || ocr) m.text[a.id] = t;
    if (clip) m.clip.set(a.id, clip);
  }
  return months;
}

function parseTags(json: string): { label: string; confidence: number }[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v)
      ? v.filter(
          (t): t is { label: string; confidence: number } =>
            typeof t?.label === 'string' && typeof t?.confidence === 'number',
        )
      : [];
  } catch {
    return [];
  }
}

/**
 * Brings the synced ML document up to date with the node's results: per capture month, one
 * blob of tags + OCR text and one CLIP shard (the per-photo shards joined), each written only
 * when what it is built from changed (`source`, a digest of its inputs, is kept beside the
 * ref), and removed for a month left without results. Only results of the enabled models
 * count: a model change re-derives them, and the month blobs follow. Returns the refs written.
 */
export async function projectMl(opts: MlProjectionOptions): Promise<number> {
  const { encodeMlMonthText, mergeVectorShards } = await import('@hearth/ml');
  const months = byMonth(opts);
  const state = opts.ml.read();
  // Per-photo CLIP shards stay whatever happens to month blobs (a one-photo month's shard is
  // byte for byte its photo's shard, so the same blob).
  const perPhoto = new Set<string>();
  for (const m of months.values()) for (const h of m.clip.values()) perPhoto.add(h);
  /** a replaced month blob is garbage on the node (devices drop it from their caches too) */
  const replaced = async (old: BlobHash | undefined, now?: BlobHash) => {
    if (old && old !== now && !perPhoto.has(old)) await opts.deleteBlob?.(old);
  };
  let written = 0;
  const models: Record<string, string> = {};
  if (opts.keys.tags) models['tags'] = opts.keys.tags;
  if (opts.keys.ocr) models['ocr'] = opts.keys.ocr;
  const textModels = Object.entries(models)
    .map(([k, v]) => `${k}=${v}`)
    .join(';');
  for (const [month, m] of [...months].sort(([a], [b]) => (a < b ? 1 : -1))) {
    const ids = Object.keys(m.text).sort();
    if (ids.length) {
      // The digest of the inputs (cheap), so an unchanged month is not encoded again.
      const source = sha(JSON.stringify([textModels, ids.map((id) => [id, m.text[id]])]));
      const old = state.text.get(month);
      if (old?.source !== source) {
        const hash = await opts.putBlob(await encodeMlMonthText({ month, models, assets: m.text }));
        opts.ml.setMonth('text', month, { hash, models: textModels, source, assets: ids.length });
        await replaced(old?.hash, hash);
        written++;
      }
    }
    if (m.clip.size && opts.keys.clip) {
      const list = [...m.clip].sort(([a], [b]) => (a < b ? -1 : 1));
      const source = sha(`${opts.keys.clip}\n${list.map(([id, h]) => `${id}:${h}`).join('\n')}`);
      const old = state.clip.get(month);
      if (old?.source !== source) {
        const shards = await Promise.all(list.map(([, h]) => opts.readBlob(h)));
        const hash = await opts.putBlob(mergeVectorShards(shards));
        opts.ml.setMonth('clip', month, { hash, models: opts.keys.clip, source, assets: list.length });
        await replaced(old?.hash, hash);
        written++;
      }
    }
  }
  for (const kind of ['text', 'clip'] as MlBlobKind[])
    for (const [month, ref] of state[kind]) {
      const m = months.get(month);
      const has =
        kind === 'text' ? m && Object.keys(m.text).length > 0 : m && m.clip.size > 0 && opts.keys.clip;
      if (!has) {
        opts.ml.setMonth(kind, month, undefined);
        await replaced(ref.hash);
        written++;
      }
    }
  return written;
}

/** Reads a stored blob of the node's store (through the store: small blobs are packed). */
export const readStoredBlob = (store: Pick<BlobStore, 'open'>) => async (h: BlobHash) => {
  const parts: Uint8Array[] = [];
  for await (const c of (await store.open(h)).body) parts.push(c);
  return new Uint8Array(Buffer.concat(parts));
};

/** What {@link startNodeMlProjection} needs from the running daemon. */
export interface NodeMlProjectionOptions {
  lib: {
    catalog: NodeCatalog;
    blobs: {
      open: BlobStore['open'];
      put(b: Uint8Array): Promise<{ hash: BlobHash }>;
      delete(h: BlobHash): Promise<boolean>;
    };
  };
  peers: { repo: Repo; root: DocHandle<RootDoc> };
  keys: MlKeys;
  log: (line: string) => void;
  intervalMs?: number;
  /** the model files of the enabled features are published from here for devices */
  modelsDir?: string;
  /** the ML document once open (the ML steps adopt devices' own results from it) */
  onCatalog?(ml: MlCatalog): void;
}

/** Devices' own results for one asset and kind, as the ML steps adopt them. */
export function deviceResultsOf(ml: MlCatalog, caughtUpMs = 10_000): DeviceMlResults {
  return {
    find: (asset, kind) =>
      [...(ml.read().deviceResults.get(asset)?.get(kind) ?? [])].map(([device, r]) => ({
        device,
        model: r.model,
        json: r.json,
      })),
    // A device's upload and its ML document changes travel separately after a reconnect.
    caughtUp: () => ml.caughtUp(caughtUpMs),
  };
}

/**
 * The daemon's part: whenever the node's journal moved (polled, at most every `intervalMs`, 10 s),
 * project its ML results into the synced ML document. Runs never overlap.
 */
export function startNodeMlProjection(opts: NodeMlProjectionOptions): { stop(): Promise<void> } {
  let ml: Promise<MlCatalog> | undefined;
  let seen = -1;
  let published = false;
  let running: Promise<void> = Promise.resolve();
  let offMl: (() => void) | undefined;
  // A device removing its pruned entries changes only the ML document: the node then drops its records.
  const record = (m: MlCatalog) => {
    running = running
      .then(() => void recordOwnResults({ journal: opts.lib.catalog, keys: opts.keys, ml: m }))
      .catch((err: unknown) => opts.log(`ml sync: ${(err as Error).message}`));
  };
  const readBlob = readStoredBlob(opts.lib.blobs);
  const tick = () => {
    const v = opts.lib.catalog.version;
    if (v === seen) return;
    seen = v;
    running = running
      .then(async () => {
        ml ??= import('@hearth/sync')
          .then((s) => s.openMlCatalog({ repo: opts.peers.repo, root: opts.peers.root }))
          .then((m) => {
            opts.onCatalog?.(m);
            offMl?.();
            offMl = m.onChange(() => record(m));
            return m;
          });
        const n = await projectMl({
          journal: opts.lib.catalog,
          keys: opts.keys,
          readBlob,
          putBlob: async (b) => (await opts.lib.blobs.put(b)).hash,
          deleteBlob: (h) => opts.lib.blobs.delete(h),
          ml: await ml,
        });
        if (n > 0) opts.log(`ml sync: ${n} month blob refs written`);
        recordOwnResults({ journal: opts.lib.catalog, keys: opts.keys, ml: await ml });
        // Once per start (model files change only then): the CLIP text model devices embed
        // queries with, and the face, tag, OCR and CLIP image models for their own imports.
        if (!published && opts.modelsDir !== undefined) {
          const { publishMlModels } = await import('./ml-model-publish.ts');
          const k = opts.keys;
          const m = await publishMlModels({
            modelsDir: opts.modelsDir,
            putBlob: async (b) => (await opts.lib.blobs.put(b)).hash,
            ml: await ml,
            features: (['clip', 'faces', 'tags', 'ocr'] as const).filter((f) => k[f] !== undefined),
            log: opts.log,
          });
          published = true;
          if (m > 0) opts.log(`ml sync: ${m} model refs written`);
        }
      })
      .catch((err: unknown) => {
        ml = undefined;
        seen = -1;
        opts.log(`ml sync: ${(err as Error).message}`);
      });
  };
  tick();
  // Every 10 s at most: during an import each run rewrites the months that grew.
  const timer = setInterval(tick, opts.intervalMs ?? 10_000);
  return {
    async stop() {
      clearInterval(timer);
      offMl?.();
      await running;
    },
  };
}

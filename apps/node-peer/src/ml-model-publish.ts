/**
 * The model files devices need to search the CLIP shards themselves and to analyse their own
 * imports: the home node publishes them (e.g. the text encoder and the BPE vocabulary it embeds
 * with), as content-addressed blobs in its
 * store (served by the authenticated blob endpoint like any blob), and names them, with their
 * model key, size and SHA-256, in the synced ML document. A device fetches them by hash, so
 * what it runs is byte for byte what the node has. A file that is missing (or fails its
 * registry checksum) is withdrawn: devices then say semantic search is unavailable.
 */
import type { ModelTask } from '@hearth/ml';
import type { BlobHash, MlCatalog } from '@hearth/sync';

/**
 * Which model files devices get, per enabled ML feature: CLIP text search needs the text tower
 * and vocabulary; a device that analyses its own imports while no home node is reachable needs
 * the same detector, embedder, tagger, OCR models and CLIP image tower the node runs. Devices
 * fetch each file only when they need it (a search, an import of their own).
 */
export const PUBLISHED_TASKS = {
  clip: ['clip-text', 'clip-vocab', 'clip-image'],
  faces: ['face-detection', 'face-embedding'],
  tags: ['object-detection'],
  ocr: ['ocr-detection', 'ocr-recognition', 'ocr-direction', 'ocr-keys'],
} as const satisfies Record<string, readonly ModelTask[]>;

/** Options of {@link publishMlModels}. */
export interface PublishMlModelsOptions {
  /** where the node's model files are (config `modelsDir`) */
  modelsDir: string;
  putBlob(bytes: Uint8Array): Promise<BlobHash>;
  ml: MlCatalog;
  /** the features the node runs (default: CLIP only) */
  features?: readonly (keyof typeof PUBLISHED_TASKS)[];
  log?: (line: string) => void;
}

/** Publishes the files of the enabled features (and withdraws the others'); returns the refs changed. */
export async function publishMlModels(opts: PublishMlModelsOptions): Promise<number> {
  const ml = await import('@hearth/ml');
  const { createFsModelStore, createDefaultRuntime } = await import('@hearth/ml/platform');
  // `file()` reads bytes only: the runtime is never asked to load a session here.
  const loader = ml.createModelLoader({
    store: createFsModelStore(opts.modelsDir),
    runtime: createDefaultRuntime(),
  });
  const state = opts.ml.read().models;
  let changed = 0;
  const wanted = new Set<string>((opts.features ?? ['clip']).flatMap((f) => PUBLISHED_TASKS[f]));
  for (const task of Object.values(PUBLISHED_TASKS).flat()) {
    const old = state.get(task);
    let ref: { key: string; hash: BlobHash; bytes: number } | undefined;
    if (wanted.has(task))
      try {
        const { spec, bytes } = await loader.file(task);
        const hash = await opts.putBlob(bytes);
        if (spec.sha256 !== undefined && spec.sha256 !== hash)
          opts.log?.(`ml models: ${spec.file} is not the registry's file (sha256 ${hash}); not published`);
        else ref = { key: ml.modelKey(spec), hash, bytes: bytes.byteLength };
      } catch (err) {
        opts.log?.(`ml models: ${task} not published: ${(err as Error).message}`);
      }
    if (ref?.hash === old?.hash && ref?.key === old?.key) continue;
    opts.ml.setModel(task, ref);
    changed++;
  }
  await loader.stop();
  return changed;
}

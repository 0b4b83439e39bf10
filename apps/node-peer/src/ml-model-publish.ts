/**
 * The model files devices need to search the CLIP shards themselves: the home node publishes
 * the text encoder and the BPE vocabulary it embeds with, as content-addressed blobs in its
 * store (served by the authenticated blob endpoint like any blob), and names them, with their
 * model key, size and SHA-256, in the synced ML document. A device fetches them by hash, so
 * what it runs is byte for byte what the node has. A file that is missing (or fails its
 * registry checksum) is withdrawn: devices then say semantic search is unavailable.
 */
import type { BlobHash, MlCatalog } from '@hearth/sync';

/** The tasks whose files devices need for CLIP text search. */
export const PUBLISHED_TASKS = ['clip-text', 'clip-vocab'] as const;

/** Options of {@link publishMlModels}. */
export interface PublishMlModelsOptions {
  /** where the node's model files are (config `modelsDir`) */
  modelsDir: string;
  putBlob(bytes: Uint8Array): Promise<BlobHash>;
  ml: MlCatalog;
  log?: (line: string) => void;
}

/** Publishes (or withdraws) the CLIP text model and vocabulary; returns the refs changed. */
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
  for (const task of PUBLISHED_TASKS) {
    const old = state.get(task);
    let ref: { key: string; hash: BlobHash; bytes: number } | undefined;
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

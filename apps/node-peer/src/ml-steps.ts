import type { DerivedKind, ModelLoader, RgbImage } from '@hearth/ml';
import { StepFailedError } from './errors.ts';
import type { PipelineStep } from './pipeline-step.ts';
import { createSharedDecode } from './shared-decode.ts';

/** Whether one ML feature runs on this node, and why not when it does not. */
export interface MlFeature {
  kind: DerivedKind;
  enabled: boolean;
  /** The models key results carry (`id@version+…`) when enabled. */
  key?: string;
  /** Why the feature is off (missing model file, `ml: false`). */
  reason?: string;
}

/** The kinds a device records for its own imports, and the node adopts. */
export type AdoptedKind = 'faces' | 'tags' | 'ocr' | 'clip';

/** A device's own result for one asset and kind (from the ML document's `devices` map). */
export interface DeviceMlResult {
  device: string;
  model: string;
  json: string;
}

/** Where the steps look for results devices made themselves (the ML document, once open). */
export interface DeviceMlResults {
  find(asset: string, kind: AdoptedKind): DeviceMlResult[];
  /**
   * Resolves once the document has what connected devices are known to hold (bounded): asked
   * when nothing is found, since a device's results may still be on their way.
   */
  caughtUp?(): Promise<unknown>;
}

/** ML steps plus what `hearth status` shows about them. */
export interface MlSteps {
  steps: PipelineStep[];
  features: MlFeature[];
  /**
   * From now on, a faces, tags, OCR or CLIP job first looks for a device's result made by the
   * same models (key equal to the step's) and well formed: it is adopted as the node's own, the
   * model is not run. Faces adopted so join the node's clustering like any others.
   */
  adoptDeviceResults(source: DeviceMlResults): void;
  stop(): Promise<void>;
}

/** Options of {@link createMlSteps}. */
export interface MlStepOptions {
  /** Where the model files are (config `modelsDir`, env HEARTH_MODELS_DIR). */
  modelsDir: string;
  /** Kinds to try, in order (default faces, tags, ocr, clip). */
  kinds?: readonly DerivedKind[];
}

/** Bumped when this file changes how results are stored (model changes are tracked by `key`). */
const ML_STEP_VERSION = 1;
const KINDS: readonly DerivedKind[] = ['faces', 'tags', 'ocr', 'clip'];

/**
 * Faces, object tags, OCR and CLIP image embeddings as reconcile-loop steps. Which kinds run and the key their
 * results carry come from `pendingDerivations` once at start (a missing model disables its
 * kind with a reason instead of failing). Sessions load on first use; each kind runs one
 * job at a time because inference already uses every core.
 */
export async function createMlSteps(opts: MlStepOptions): Promise<MlSteps> {
  const ml = await import('@hearth/ml');
  const platform = await import('@hearth/ml/platform');
  const runtime = platform.createDefaultRuntime();
  const loader: ModelLoader = ml.createModelLoader({
    store: platform.createFsModelStore(opts.modelsDir),
    runtime,
  });
  const plan = await ml.pendingDerivations({}, loader, opts.kinds ?? KINDS);
  const features: MlFeature[] = [
    ...plan.todo.map((t) => ({ kind: t.kind, enabled: true, key: t.key })),
    ...plan.disabled.map((d) => ({ kind: d.kind, enabled: false, reason: d.reason })),
  ];
  const faces = ml.createFacePipeline(loader);
  const tagger = ml.createObjectTagger(loader);
  const reader = ml.createTextReader(loader);
  const clip = ml.createClipEncoder(loader);

  // One decode per photo for all ML kinds; at most 2 decoded photos held (a 24 MP one is ~72 MB).
  const pixels = createSharedDecode((path) => platform.decodeImage(path), {
    users: plan.todo.length,
    max: 2,
  });

  async function decode(fileName: string, kind: string, path: string): Promise<RgbImage> {
    try {
      return await pixels.get(path);
    } catch (err) {
      // sharp cannot read this file (RAW, HEIC without codec, corrupt): a verdict, not worth retrying.
      throw new StepFailedError(kind, fileName, `cannot decode the image: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  let deviceResults: DeviceMlResults | undefined;
  /** a device's result made by `key` that reads well, as its stored JSON (CLIP: its shard, base64) */
  function found(asset: string, kind: AdoptedKind, key: string): string | undefined {
    for (const r of deviceResults?.find(asset, kind) ?? []) {
      if (r.model !== key) continue;
      const okay =
        kind === 'faces'
          ? ml.readStoredFaces(r.json)
          : kind === 'tags'
            ? ml.readStoredTags(r.json)
            : kind === 'ocr'
              ? ml.readStoredOcr(r.json)
              : ml.readStoredClip(r.json, asset) && JSON.parse(r.json);
      if (okay) return JSON.stringify(okay);
    }
    return undefined;
  }
  async function adopted(asset: string, kind: AdoptedKind, key: string): Promise<string | undefined> {
    const now = found(asset, kind, key);
    if (now || !deviceResults?.caughtUp) return now;
    await deviceResults.caughtUp();
    return found(asset, kind, key);
  }

  const steps: PipelineStep[] = [];
  for (const t of plan.todo) {
    const base = {
      kind: t.kind,
      version: ML_STEP_VERSION,
      key: t.key,
      concurrency: 1,
      appliesTo: (a: { type: string }) => a.type === 'photo',
    };
    if (t.kind === 'faces')
      steps.push({
        ...base,
        async run(a, { originalPath }) {
          const mine = await adopted(a.id, 'faces', t.key);
          const doc = mine
            ? ml.readStoredFaces(mine)!
            : ml.storedFaces(await faces.analyze(await decode(a.fileName, t.kind, originalPath)));
          return {
            blobs: { faces: new TextEncoder().encode(JSON.stringify(doc)) },
            values: { model: t.key, count: doc.faces.length, ...(mine ? { by: 'device' } : {}) },
          };
        },
      });
    else if (t.kind === 'tags')
      steps.push({
        ...base,
        async run(a, { originalPath }) {
          const mine = await adopted(a.id, 'tags', t.key);
          const tags =
            mine ??
            JSON.stringify(ml.storedTags(await tagger.tag(await decode(a.fileName, t.kind, originalPath))));
          return { blobs: {}, values: { model: t.key, tags, ...(mine ? { by: 'device' } : {}) } };
        },
      });
    else if (t.kind === 'ocr')
      steps.push({
        ...base,
        async run(a, { originalPath }) {
          const mine = await adopted(a.id, 'ocr', t.key);
          const text = mine
            ? ml.readStoredOcr(mine)!.text
            : (await reader.read(await decode(a.fileName, t.kind, originalPath))).text;
          return { blobs: {}, values: { model: t.key, text, ...(mine ? { by: 'device' } : {}) } };
        },
      });
    else if (t.kind === 'clip')
      steps.push({
        ...base,
        async run(a, { originalPath }) {
          const mine = await adopted(a.id, 'clip', t.key);
          if (mine) {
            // The device's shard is the one this step would write (one vector, this asset's id).
            const shard = ml.readStoredClip(mine, a.id)!;
            const { dims } = ml.readVectorShardHeader(shard);
            return { blobs: { clip: shard }, values: { model: t.key, dims, by: 'device' } };
          }
          const e = await clip.embedImage(await decode(a.fileName, t.kind, originalPath));
          // A one-vector embedding shard (the format devices load into their vector index),
          // so search on any device needs no model: only these blobs and the text encoder.
          const index = ml.createVectorIndex(runtime, e.vector.length, { scoring: 'js' });
          index.add(a.id, e.vector);
          const shard = index.toShard(e.model);
          await index.stop();
          return { blobs: { clip: shard }, values: { model: t.key, dims: e.vector.length } };
        },
      });
  }
  return {
    steps,
    features,
    adoptDeviceResults(source) {
      deviceResults = source;
    },
    stop: () => loader.stop(),
  };
}

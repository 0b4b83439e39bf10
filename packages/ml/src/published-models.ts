/**
 * Model files a device received from its home node (the ML document names them by task with
 * their model key; the bytes come as hash-checked blobs), turned into a `ModelLoader`, so the
 * browser runs exactly the node's models with the same pipeline code. A key this app version
 * does not know (another model id, or another version of a known one) is not used: its task
 * stays missing, with the reason, rather than running a model under the wrong spec.
 */
import type { InferenceRuntime, SessionOptions } from './inference-session.ts';
import { createModelLoader, type ModelLoader } from './model-loader.ts';
import { MODELS, modelKey, modelSpec, type ModelTask } from './model-registry.ts';
import { createMemoryModelStore } from './model-store.ts';

/** One received model file. */
export interface PublishedModelFile {
  /** `id@version` as the node published it */
  readonly key: string;
  readonly bytes: Uint8Array;
}

export interface PublishedModelLoader {
  readonly loader: ModelLoader;
  /** task → why its file is not used (unknown key, wrong task) */
  readonly refused: ReadonlyMap<ModelTask, string>;
}

/**
 * Why a published `key` for `task` would not be used (undefined when this app knows it):
 * checked before a device fetches the file, which may be hundreds of MB.
 */
export function refusePublishedModel(task: ModelTask, key: string): string | undefined {
  const spec = modelSpec(key.slice(0, key.lastIndexOf('@')), MODELS);
  if (spec && modelKey(spec) === key && spec.task === task) return undefined;
  return `the home node's ${task} model ${key} is not one this app knows${spec ? ` (it knows ${modelKey(spec)})` : ''}; update the app`;
}

/**
 * Published files a device fetches only with its user's consent once they are large: the CLIP
 * image tower (a real one is ~350 MB; it serves only semantic search of the device's own new
 * photos, while the detectors, tagger and OCR together are ~20 MB).
 */
export const OPT_IN_MODEL_TASKS: readonly ModelTask[] = ['clip-image'];

/** Up to this size an opt-in file is fetched unless the user turned it off (a tiny model costs nothing). */
export const OPT_IN_AUTO_MAX_BYTES = 50_000_000;

/**
 * Whether a device fetches and uses the published `task` file of `bytes`. `optIn` is its user's
 * choice (the PWA's "Smart search on this device"), undefined while they never chose: then a
 * file of an opt-in task is wanted only up to {@link OPT_IN_AUTO_MAX_BYTES}. Other tasks are
 * always wanted.
 */
export function wantsPublishedModel(task: ModelTask, bytes: number, optIn?: boolean): boolean {
  if (!OPT_IN_MODEL_TASKS.includes(task)) return true;
  return optIn ?? bytes <= OPT_IN_AUTO_MAX_BYTES;
}

/** See the file comment. Tasks without a file stay missing in `loader.status()`. */
export function createPublishedModelLoader(opts: {
  runtime: InferenceRuntime;
  files: Partial<Record<ModelTask, PublishedModelFile>>;
  sessionOptions?: SessionOptions;
}): PublishedModelLoader {
  const bytes = new Map<string, Uint8Array>();
  const choose: Partial<Record<ModelTask, string>> = {};
  const refused = new Map<ModelTask, string>();
  for (const [task, file] of Object.entries(opts.files) as [ModelTask, PublishedModelFile][]) {
    const no = refusePublishedModel(task, file.key);
    if (no) {
      refused.set(task, no);
      continue;
    }
    const id = file.key.slice(0, file.key.lastIndexOf('@'));
    choose[task] = id;
    bytes.set(modelSpec(id, MODELS)!.file, file.bytes);
  }
  const loader = createModelLoader({
    store: createMemoryModelStore(bytes),
    runtime: opts.runtime,
    choose,
    ...(opts.sessionOptions ? { sessionOptions: opts.sessionOptions } : {}),
  });
  return { loader, refused };
}

/**
 * Loads the model chosen for a task into a session. A missing model gives a `missing`
 * status (its feature is disabled and says why) instead of an exception.
 */
import type { InferenceRuntime, InferenceSession, SessionOptions } from './inference-session.ts';
import { ModelMissingError } from './errors.ts';
import { DEFAULT_MODELS, MODELS, modelSpec, type ModelSpec, type ModelTask } from './model-registry.ts';
import type { ModelStore } from './model-store.ts';

/** The state of one task's model. */
export type ModelStatus =
  | { readonly task: ModelTask; readonly state: 'ready'; readonly spec: ModelSpec }
  | {
      readonly task: ModelTask;
      readonly state: 'missing';
      readonly spec: ModelSpec | undefined;
      readonly reason: string;
    };

/** A loaded session with the spec that produced it. */
export interface LoadedModel {
  readonly spec: ModelSpec;
  readonly session: InferenceSession;
}

/** Gives sessions and raw files for tasks; caches sessions. Long-lived: `stop()` releases them. */
export interface ModelLoader {
  /** The spec chosen for a task (after overrides). */
  spec(task: ModelTask): ModelSpec | undefined;
  /** A session for the task's model; throws ModelMissingError when absent. */
  session(task: ModelTask): Promise<LoadedModel>;
  /** Raw bytes of a non-ONNX asset (vocab, keys); throws ModelMissingError when absent. */
  file(task: ModelTask): Promise<{ spec: ModelSpec; bytes: Uint8Array }>;
  /** Whether each task's model is present. */
  status(tasks?: readonly ModelTask[]): Promise<ModelStatus[]>;
  stop(): Promise<void>;
}

export interface ModelLoaderOptions {
  readonly store: ModelStore;
  readonly runtime: InferenceRuntime;
  /** Override the model per task (e.g. `{ 'face-embedding': 'mobilefacenet-128' }`). */
  readonly choose?: Partial<Record<ModelTask, string>>;
  readonly models?: readonly ModelSpec[];
  readonly sessionOptions?: SessionOptions;
}

export function createModelLoader(options: ModelLoaderOptions): ModelLoader {
  const models = options.models ?? MODELS;
  const sessions = new Map<string, Promise<LoadedModel>>();
  const spec = (task: ModelTask) => modelSpec(options.choose?.[task] ?? DEFAULT_MODELS[task], models);
  async function file(task: ModelTask) {
    const s = spec(task);
    if (!s)
      throw new ModelMissingError(options.choose?.[task] ?? DEFAULT_MODELS[task], '(not in the registry)');
    const bytes = await options.store.read(s.file);
    if (!bytes) throw new ModelMissingError(s.id, s.file, s.url !== undefined);
    return { spec: s, bytes };
  }
  return {
    spec,
    file,
    session(task) {
      const s = spec(task);
      const key = s?.id ?? task;
      let p = sessions.get(key);
      if (!p) {
        p = file(task).then(async ({ spec: sp, bytes }) => ({
          spec: sp,
          session: await options.runtime.createSession(bytes, options.sessionOptions),
        }));
        // A failed load is not cached, so installing the model later makes it work without a restart.
        p.catch(() => sessions.delete(key));
        sessions.set(key, p);
      }
      return p;
    },
    async status(tasks = Object.keys(DEFAULT_MODELS) as ModelTask[]) {
      const out: ModelStatus[] = [];
      for (const task of tasks) {
        const s = spec(task);
        const bytes = s ? await options.store.read(s.file) : undefined;
        if (s && bytes) out.push({ task, state: 'ready', spec: s });
        else
          out.push({
            task,
            state: 'missing',
            spec: s,
            reason: s
              ? new ModelMissingError(s.id, s.file, s.url !== undefined).message
              : `no model registered for ${task}`,
          });
      }
      return out;
    },
    async stop() {
      const all = [...sessions.values()];
      sessions.clear();
      for (const p of all) {
        const m = await p.catch(() => undefined);
        await m?.session.release();
      }
    },
  };
}

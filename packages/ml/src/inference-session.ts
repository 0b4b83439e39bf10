/**
 * The one runtime interface the ML pipelines talk to. Backends: onnxruntime-node
 * (`inference-session.onnx-node.ts`) and onnxruntime-web (`inference-session.onnx-web.ts`),
 * selected by the package's conditional exports; both load the same model bytes.
 */

import { InferenceError } from './errors.ts';

/** Element types the pipelines use. */
export type TensorType = 'float32' | 'int32' | 'int64' | 'int8' | 'uint8';

/** A dense tensor, backend-neutral. */
export type Tensor =
  | { readonly type: 'float32'; readonly data: Float32Array; readonly dims: readonly number[] }
  | { readonly type: 'int32'; readonly data: Int32Array; readonly dims: readonly number[] }
  | { readonly type: 'int64'; readonly data: BigInt64Array; readonly dims: readonly number[] }
  | { readonly type: 'int8'; readonly data: Int8Array; readonly dims: readonly number[] }
  | { readonly type: 'uint8'; readonly data: Uint8Array; readonly dims: readonly number[] };

/** A loaded model, ready to run. Long-lived: call `release()` when done. */
export interface InferenceSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Run the model; feeds and results are keyed by the model's input/output names. */
  run(feeds: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>>;
  release(): Promise<void>;
}

/** Options for creating a session. */
export interface SessionOptions {
  /** Threads for one session (onnxruntime intra-op). Default: the backend's choice. */
  readonly threads?: number;
  /** Execution providers in order of preference, e.g. ['cuda', 'cpu'] or ['webgpu', 'wasm']. */
  readonly executionProviders?: readonly string[];
}

/** Makes sessions from ONNX model bytes. */
export interface InferenceRuntime {
  /** Name of the backend, e.g. 'onnxruntime-node' or 'onnxruntime-web'. */
  readonly name: string;
  createSession(model: Uint8Array, options?: SessionOptions): Promise<InferenceSession>;
}

/** A float32 tensor helper. */
export function float32Tensor(data: Float32Array, dims: readonly number[]): Tensor {
  return { type: 'float32', data, dims };
}

/** The float32 data of a named output, or an error naming what was missing. */
export function outputFloat32(
  out: Record<string, Tensor>,
  name: string,
): { data: Float32Array; dims: readonly number[] } {
  const t = out[name];
  if (!t || t.type !== 'float32')
    throw new InferenceError(
      `model output ${name} missing or not float32 (have ${Object.keys(out).join(', ')})`,
    );
  return t;
}

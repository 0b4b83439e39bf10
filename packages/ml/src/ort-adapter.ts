/**
 * Shared glue between the backend-neutral `Tensor` and onnxruntime's own session/tensor
 * classes. onnxruntime-node and onnxruntime-web expose the same API (onnxruntime-common),
 * so both backends wrap their module with this.
 */
import type { InferenceSession as OrtSession, Tensor as OrtTensor, TypedTensor } from 'onnxruntime-common';
import { InferenceError } from './errors.ts';
import type { InferenceRuntime, InferenceSession, SessionOptions, Tensor } from './inference-session.ts';

/** The part of an onnxruntime module the adapter uses. */
export interface OrtModule {
  readonly InferenceSession: {
    create(model: Uint8Array, options?: OrtSession.SessionOptions): Promise<OrtSession>;
  };
  readonly Tensor: new (type: Tensor['type'], data: Tensor['data'], dims: readonly number[]) => OrtTensor;
}

function fromOrt(t: OrtTensor, name: string): Tensor {
  const dims = [...t.dims];
  switch (t.type) {
    case 'float32':
      return { type: 'float32', data: (t as TypedTensor<'float32'>).data, dims };
    case 'int32':
      return { type: 'int32', data: (t as TypedTensor<'int32'>).data, dims };
    case 'int64':
      return { type: 'int64', data: (t as TypedTensor<'int64'>).data, dims };
    case 'int8':
      return { type: 'int8', data: (t as TypedTensor<'int8'>).data, dims };
    case 'uint8':
      return { type: 'uint8', data: (t as TypedTensor<'uint8'>).data, dims };
    default:
      throw new InferenceError(`output ${name} has unsupported element type ${t.type}`);
  }
}

/** Wrap an onnxruntime module as an `InferenceRuntime`. */
export function ortRuntime(
  name: string,
  ort: OrtModule,
  defaults: (options: SessionOptions) => OrtSession.SessionOptions,
): InferenceRuntime {
  return {
    name,
    async createSession(model: Uint8Array, options: SessionOptions = {}): Promise<InferenceSession> {
      let session: OrtSession;
      try {
        session = await ort.InferenceSession.create(model, defaults(options));
      } catch (cause) {
        throw new InferenceError(
          `${name} could not load the model (${model.byteLength} bytes): ${String(cause)}`,
          { cause },
        );
      }
      return {
        inputNames: session.inputNames,
        outputNames: session.outputNames,
        async run(feeds) {
          const ortFeeds: Record<string, OrtTensor> = {};
          for (const [k, t] of Object.entries(feeds)) ortFeeds[k] = new ort.Tensor(t.type, t.data, t.dims);
          let out: OrtSession.ReturnType;
          try {
            out = await session.run(ortFeeds);
          } catch (cause) {
            throw new InferenceError(`${name} run failed: ${String(cause)}`, { cause });
          }
          const result: Record<string, Tensor> = {};
          for (const [k, t] of Object.entries(out)) result[k] = fromOrt(t, k);
          return result;
        },
        async release() {
          await session.release();
        },
      };
    },
  };
}

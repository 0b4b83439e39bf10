/**
 * Browser entry point (`@hearth/ml/platform`): onnxruntime-web (wasm, WebGPU when listed),
 * models fetched over HTTP. Pixels come from canvas ImageData via `fromRgba`.
 */
import { createOnnxWebRuntime } from './inference-session.onnx-web.ts';
import type { InferenceRuntime } from './inference-session.ts';

export { createOnnxWebRuntime, type OnnxWebOptions } from './inference-session.onnx-web.ts';
export { createFetchModelStore } from './model-store.ts';

/** The platform's default runtime. */
export function createDefaultRuntime(): InferenceRuntime {
  return createOnnxWebRuntime();
}
export { createOnnxWasmRuntime, type OnnxWasmOptions } from './inference-session.onnx-wasm.ts';

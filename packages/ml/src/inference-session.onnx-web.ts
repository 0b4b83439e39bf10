/**
 * onnxruntime-web backend: wasm everywhere (also under Node, which the contract test
 * uses), WebGPU when the caller lists it and the browser has it.
 */
import * as ort from 'onnxruntime-web';
import type { InferenceRuntime } from './inference-session.ts';
import { ortRuntime, type OrtModule } from './ort-adapter.ts';

export interface OnnxWebOptions {
  /** Where the ort-wasm*.wasm files are served from (a URL prefix); default: next to the bundle. */
  readonly wasmPaths?: string;
}

export function createOnnxWebRuntime(options: OnnxWebOptions = {}): InferenceRuntime {
  if (options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = options.wasmPaths;
  return ortRuntime('onnxruntime-web', ort as unknown as OrtModule, (o) => {
    if (o.threads !== undefined) ort.env.wasm.numThreads = o.threads;
    return { executionProviders: [...(o.executionProviders ?? ['wasm'])], graphOptimizationLevel: 'all' };
  });
}

/**
 * onnxruntime-web's wasm-only build (`onnxruntime-web/wasm`): the browser backend for the
 * PWA's worker. Its one wasm file (14 MB) is half the size of the default build's, which
 * carries WebGPU (JSEP, 28 MB); a bundler emits it beside the bundle, so it is served by the
 * app's own origin. One thread by default: the worker embeds one short query at a time, and
 * threads would need the page to be cross-origin isolated.
 */
import * as ort from 'onnxruntime-web/wasm';
import type { InferenceRuntime } from './inference-session.ts';
import { ortRuntime, type OrtModule } from './ort-adapter.ts';

export interface OnnxWasmOptions {
  /** Where the ort-wasm*.wasm file is served from (a URL prefix); default: next to the bundle. */
  readonly wasmPaths?: string;
  /** wasm threads (default 1) */
  readonly threads?: number;
  /**
   * The wasm file's bytes, when the caller keeps them itself (the PWA: in the Cache API, so an
   * offline start does not depend on the service worker answering the fetch): nothing is fetched.
   */
  readonly wasmBinary?: ArrayBuffer;
}

export function createOnnxWasmRuntime(options: OnnxWasmOptions = {}): InferenceRuntime {
  if (options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = options.wasmPaths;
  ort.env.wasm.numThreads = options.threads ?? 1;
  if (options.wasmBinary !== undefined) ort.env.wasm.wasmBinary = options.wasmBinary;
  return ortRuntime('onnxruntime-web/wasm', ort as unknown as OrtModule, (o) => {
    if (o.threads !== undefined) ort.env.wasm.numThreads = o.threads;
    return { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
  });
}

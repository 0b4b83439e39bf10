import { runInferenceSessionContract } from './inference-session.contract.ts';
import { createOnnxWasmRuntime } from './inference-session.onnx-wasm.ts';

// The PWA worker's build (wasm only) also runs under Node; the Chromium e2e runs it in the worker.
runInferenceSessionContract('onnxruntime-web/wasm', () => createOnnxWasmRuntime());

import { runInferenceSessionContract } from './inference-session.contract.ts';
import { createOnnxWebRuntime } from './inference-session.onnx-web.ts';

// onnxruntime-web's wasm backend also runs under Node; Chromium runs this same suite in the PWA e2e.
runInferenceSessionContract('onnxruntime-web (wasm)', () => createOnnxWebRuntime());

/**
 * Test helpers for other workspaces (the PWA's Chromium e2e runs the runtime contract and
 * compares face results with onnxruntime-web against the expectations here).
 */
export { runInferenceSessionContract } from './inference-session.contract.ts';
export { buildOnnxModel, type OnnxGraph } from './onnx-model-builder.ts';

/** Faces YuNet must find in `test-images/` (from the models README; checked in face-pipeline.test.ts). */
export const EXPECTED_FACE_COUNTS: Readonly<Record<string, number>> = {
  'group-bbt1.jpg': 4,
  'ultraface-13.jpg': 2,
  'dog-bicycle-car.jpg': 0,
};
export { tinyClipImageModel, tinyClipTextModel, COLOUR_TOKENS } from './tiny-clip-model.ts';
/** onnxruntime-web also runs under Node (wasm): tests and benches compare it with onnxruntime-node. */
export { createOnnxWebRuntime } from './inference-session.onnx-web.ts';
export { createTimingRuntime, type TimingRuntime } from './timing-runtime.ts';

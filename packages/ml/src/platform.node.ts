/**
 * Node entry point (`@hearth/ml/platform`): onnxruntime-node, models from a directory,
 * sharp decode, the model installer.
 */
import { createOnnxNodeRuntime } from './inference-session.onnx-node.ts';
import type { InferenceRuntime } from './inference-session.ts';

export { createFsModelStore, defaultModelsDir } from './model-store.fs.ts';
export { decodeImage } from './decode-image.sharp.ts';
export { createOnnxNodeRuntime } from './inference-session.onnx-node.ts';

/** The platform's default runtime. */
export function createDefaultRuntime(): InferenceRuntime {
  return createOnnxNodeRuntime();
}
export {
  installModels,
  partialBytes,
  type InstallOptions,
  type InstallOutcome,
} from './model-installer.node.ts';

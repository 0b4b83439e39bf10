/**
 * onnxruntime-node backend: CPU by default, CUDA first when asked for and available.
 */
import * as ort from 'onnxruntime-node';
import type { InferenceRuntime } from './inference-session.ts';
import { ortRuntime, type OrtModule } from './ort-adapter.ts';

export function createOnnxNodeRuntime(): InferenceRuntime {
  return ortRuntime('onnxruntime-node', ort as unknown as OrtModule, (o) => ({
    executionProviders: [...(o.executionProviders ?? ['cpu'])],
    ...(o.threads !== undefined ? { intraOpNumThreads: o.threads, interOpNumThreads: 1 } : {}),
    graphOptimizationLevel: 'all',
  }));
}

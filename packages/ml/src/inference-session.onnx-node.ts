/**
 * onnxruntime-node backend: CPU by default; CUDA first when the machine has an NVIDIA GPU
 * and the CUDA provider was installed (`ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild
 * onnxruntime-node`), or when the caller lists it.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { InferenceRuntime } from './inference-session.ts';
import { ortRuntime, type OrtModule } from './ort-adapter.ts';

/** ['cuda', 'cpu'] when a GPU device and the provider library are both present, else ['cpu']. */
export function defaultNodeProviders(): string[] {
  if (process.platform !== 'linux' || !existsSync('/dev/nvidia0')) return ['cpu'];
  try {
    const pkg = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
    const lib = join(pkg, 'bin/napi-v6/linux', process.arch, 'libonnxruntime_providers_cuda.so');
    return existsSync(lib) ? ['cuda', 'cpu'] : ['cpu'];
  } catch {
    return ['cpu'];
  }
}

export function createOnnxNodeRuntime(): InferenceRuntime {
  const providers = defaultNodeProviders();
  return ortRuntime('onnxruntime-node', ort as unknown as OrtModule, (o) => ({
    executionProviders: [...(o.executionProviders ?? providers)],
    ...(o.threads !== undefined ? { intraOpNumThreads: o.threads, interOpNumThreads: 1 } : {}),
    graphOptimizationLevel: 'all',
  }));
}

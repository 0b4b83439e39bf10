import { runInferenceSessionContract } from './inference-session.contract.ts';
import { createOnnxNodeRuntime } from './inference-session.onnx-node.ts';

runInferenceSessionContract('onnxruntime-node', () => createOnnxNodeRuntime());

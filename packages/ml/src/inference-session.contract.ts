/**
 * Contract every InferenceRuntime backend passes (run by each backend's test, and by the
 * PWA's browser e2e for onnxruntime-web in Chromium). Models are generated, so the suite
 * needs no files.
 */
import { describe, expect, it } from 'vitest';
import { InferenceError } from './errors.ts';
import type { InferenceRuntime } from './inference-session.ts';
import { buildOnnxModel } from './onnx-model-builder.ts';

const matmul = () =>
  buildOnnxModel({
    inputs: [{ name: 'x', type: 'float32', dims: ['n', 3] }],
    outputs: [{ name: 'y', type: 'float32', dims: ['n', 2] }],
    initializers: [{ name: 'W', dims: [3, 2], float32: new Float32Array([1, 0, 0, 1, 1, 1]) }],
    nodes: [{ op: 'MatMul', inputs: ['x', 'W'], outputs: ['y'] }],
  });

const gather = (type: 'int32' | 'int64') =>
  buildOnnxModel({
    inputs: [{ name: 'ids', type, dims: [1, 4] }],
    outputs: [{ name: 'emb', type: 'float32', dims: [1, 4, 2] }],
    initializers: [
      { name: 'E', dims: [5, 2], float32: new Float32Array([0, 0, 1, 10, 2, 20, 3, 30, 4, 40]) },
    ],
    nodes: [{ op: 'Gather', inputs: ['E', 'ids'], outputs: ['emb'], attributes: [{ name: 'axis', int: 0 }] }],
  });

export function runInferenceSessionContract(
  name: string,
  setup: () => Promise<InferenceRuntime> | InferenceRuntime,
): void {
  describe(`InferenceRuntime contract: ${name}`, () => {
    it('runs a float32 graph and names its inputs and outputs', async () => {
      const rt = await setup();
      const s = await rt.createSession(matmul());
      expect(s.inputNames).toEqual(['x']);
      expect(s.outputNames).toEqual(['y']);
      const out = await s.run({
        x: { type: 'float32', data: new Float32Array([1, 2, 3, -1, 0, 1]), dims: [2, 3] },
      });
      const y = out['y'];
      expect(y?.type).toBe('float32');
      expect(y?.dims).toEqual([2, 2]);
      expect(Array.from(y?.data as Float32Array)).toEqual([4, 5, 0, 1]);
      await s.release();
    });

    it.each(['int32', 'int64'] as const)('feeds %s token ids', async (type) => {
      const rt = await setup();
      const s = await rt.createSession(gather(type));
      const ids =
        type === 'int64'
          ? { type, data: BigInt64Array.from([4n, 0n, 2n, 1n]), dims: [1, 4] }
          : { type, data: Int32Array.from([4, 0, 2, 1]), dims: [1, 4] };
      const out = await s.run({ ids });
      expect(Array.from(out['emb']?.data as Float32Array)).toEqual([4, 40, 0, 0, 2, 20, 1, 10]);
      await s.release();
    });

    it('rejects bytes that are not a model with InferenceError', async () => {
      const rt = await setup();
      await expect(rt.createSession(new TextEncoder().encode('not an onnx model'))).rejects.toBeInstanceOf(
        InferenceError,
      );
    });

    it('rejects a feed with the wrong shape with InferenceError', async () => {
      const rt = await setup();
      const s = await rt.createSession(matmul());
      await expect(
        s.run({ x: { type: 'float32', data: new Float32Array(4), dims: [1, 4] } }),
      ).rejects.toBeInstanceOf(InferenceError);
      await s.release();
    });
  });
}

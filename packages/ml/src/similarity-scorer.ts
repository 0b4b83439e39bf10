/**
 * Batch cosine similarities (queries × rows) on the InferenceRuntime: one Gemm, so the
 * clusterer can compare 1,000 new faces with thousands of people in a few milliseconds
 * instead of a JavaScript loop.
 */
import type { InferenceRuntime, InferenceSession } from './inference-session.ts';
import { buildOnnxModel } from './onnx-model-builder.ts';

/** sims[b·rows + r] = queries[b] · matrix[r] for row-major [count, dims] inputs. */
export type SimilarityScorer = (
  queries: Float32Array,
  queryCount: number,
  matrix: Float32Array,
  rows: number,
  dims: number,
) => Promise<Float32Array>;

export function createRuntimeScorer(runtime: InferenceRuntime): SimilarityScorer & { stop(): Promise<void> } {
  const sessions = new Map<number, Promise<InferenceSession>>();
  const scorer = async (
    queries: Float32Array,
    queryCount: number,
    matrix: Float32Array,
    rows: number,
    dims: number,
  ) => {
    let s = sessions.get(dims);
    if (!s) {
      s = runtime.createSession(
        buildOnnxModel({
          inputs: [
            { name: 'Q', type: 'float32', dims: ['b', dims] },
            { name: 'M', type: 'float32', dims: ['r', dims] },
          ],
          outputs: [{ name: 'S', type: 'float32', dims: ['b', 'r'] }],
          nodes: [
            { op: 'Gemm', inputs: ['Q', 'M'], outputs: ['S'], attributes: [{ name: 'transB', int: 1 }] },
          ],
        }),
      );
      sessions.set(dims, s);
    }
    const out = await (
      await s
    ).run({
      Q: { type: 'float32', data: queries.subarray(0, queryCount * dims), dims: [queryCount, dims] },
      M: { type: 'float32', data: matrix.subarray(0, rows * dims), dims: [rows, dims] },
    });
    return out['S']?.data as Float32Array;
  };
  return Object.assign(scorer, {
    async stop() {
      for (const s of sessions.values()) await (await s).release();
      sessions.clear();
    },
  });
}

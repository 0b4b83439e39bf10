import { describe, expect, it } from 'vitest';
import { l2normalize } from './face-embedder.ts';
import { createOnnxNodeRuntime } from './inference-session.onnx-node.ts';
import { createOnnxWebRuntime } from './inference-session.onnx-web.ts';
import type { InferenceRuntime } from './inference-session.ts';
import { InvalidInputError } from './errors.ts';
import { createVectorIndex, loadVectorShard } from './vector-index.ts';

function randomUnit(dims: number, seed: { s: number }): Float32Array {
  const rnd = () => {
    seed.s = (seed.s + 0x6d2b79f5) | 0;
    let t = Math.imul(seed.s ^ (seed.s >>> 15), 1 | seed.s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2147483648 - 1;
  };
  return l2normalize(Float32Array.from({ length: dims }, rnd));
}
function exactTop(vs: Float32Array[], q: Float32Array, k: number): number[] {
  return vs
    .map((v, i) => ({ i, s: v.reduce((a, x, d) => a + x * (q[d] as number), 0) }))
    .sort((a, b) => b.s - a.s)
    .slice(0, k)
    .map((x) => x.i);
}

describe.each([
  ['onnxruntime-node', createOnnxNodeRuntime, 'runtime'],
  ['onnxruntime-web', createOnnxWebRuntime, 'runtime'],
  ['JavaScript scoring', createOnnxNodeRuntime, 'js'],
] as [string, () => InferenceRuntime, 'runtime' | 'js'][])(
  'vector index on %s',
  (_name, makeRuntime, scoring) => {
    it('finds nearly the exact top 10 with int8 quantisation, with cosine scores', async () => {
      const seed = { s: 1 };
      const vs = Array.from({ length: 3000 }, () => randomUnit(64, seed));
      const idx = createVectorIndex(makeRuntime(), 64, { scoring });
      vs.forEach((v, i) => idx.add(`v${i}`, v));
      expect(idx.size).toBe(3000);
      let recall = 0;
      for (let t = 0; t < 10; t++) {
        const q = vs[t * 97] as Float32Array;
        const hits = await idx.search(q, 10);
        expect(hits[0]?.id).toBe(`v${t * 97}`);
        expect(hits[0]?.score).toBeCloseTo(1, 1);
        const exact = new Set(exactTop(vs, q, 10).map((i) => `v${i}`));
        recall += hits.filter((h) => exact.has(h.id)).length / 10;
      }
      expect(recall / 10).toBeGreaterThanOrEqual(0.9);
      await idx.stop();
    });

    it('upserts, removes, filters, and survives a shard round trip', async () => {
      const seed = { s: 5 };
      const rt = makeRuntime();
      const idx = createVectorIndex(rt, 32, { scoring });
      const vs = Array.from({ length: 2100 }, () => randomUnit(32, seed)); // crosses a growth step
      vs.forEach((v, i) => idx.add(`v${i}`, v));
      idx.add('v1', vs[2] as Float32Array);
      expect(idx.size).toBe(2100);
      expect(idx.remove('v2')).toBe(true);
      expect(idx.remove('v2')).toBe(false);
      const hits = await idx.search(vs[2] as Float32Array, 3);
      expect(hits[0]?.id).toBe('v1');
      expect(hits.map((h) => h.id)).not.toContain('v2');
      const only = await idx.search(vs[7] as Float32Array, 5, (id) => id.endsWith('0'));
      expect(only.every((h) => h.id.endsWith('0'))).toBe(true);
      expect(only).toHaveLength(5);
      const { index: copy, model } = loadVectorShard(rt, idx.toShard('clip@1'));
      expect(model).toBe('clip@1');
      expect(copy.size).toBe(2099);
      expect((await copy.search(vs[9] as Float32Array, 1))[0]?.id).toBe('v9');
      expect(() => loadVectorShard(rt, idx.toShard('x').subarray(0, 100))).toThrow(InvalidInputError);
      await idx.stop();
      await copy.stop();
    });
  },
);

import { describe, expect, it } from 'vitest';
import { InvalidInputError } from './errors.ts';
import { l2normalize } from './face-embedder.ts';
import { createOnnxNodeRuntime } from './inference-session.onnx-node.ts';
import { createVectorIndex, loadVectorShard } from './vector-index.ts';
import { mergeVectorShards, readVectorShardHeader } from './vector-shard-merge.ts';

const runtime = createOnnxNodeRuntime();
const unit = (...xs: number[]) => l2normalize(Float32Array.from(xs));

function shardOf(model: string, entries: [string, Float32Array][]): Uint8Array {
  const idx = createVectorIndex(runtime, entries[0]?.[1].length ?? 4, { scoring: 'js' });
  for (const [id, v] of entries) idx.add(id, v);
  return idx.toShard(model);
}

describe('mergeVectorShards', () => {
  it('joins per-photo shards into one that searches like an index built from all vectors', async () => {
    const vs: [string, Float32Array][] = [
      ['a', unit(1, 0, 0, 0)],
      ['b', unit(0, 1, 0, 0)],
      ['c', unit(0, 0, 1, 0.2)],
      ['d', unit(0.1, 0, 0, 1)],
    ];
    const month = mergeVectorShards([shardOf('clip@1', vs.slice(0, 1)), shardOf('clip@1', vs.slice(1))]);
    expect(readVectorShardHeader(month)).toEqual({ dims: 4, model: 'clip@1', ids: ['a', 'b', 'c', 'd'] });
    // Byte for byte what one index holding all four would write.
    expect(month).toEqual(shardOf('clip@1', vs));
    const { index, model } = loadVectorShard(runtime, month, { scoring: 'js' });
    expect(model).toBe('clip@1');
    const [hit] = await index.search(unit(0, 0, 1, 0), 1);
    expect(hit?.id).toBe('c');
    expect(hit?.score).toBeGreaterThan(0.95);
  });

  it('keeps the last vector of an id found twice; an empty list makes an empty shard', () => {
    const old = shardOf('m@1', [['a', unit(1, 0, 0, 0)]]);
    const now = shardOf('m@1', [['a', unit(0, 1, 0, 0)]]);
    const merged = mergeVectorShards([old, shardOf('m@1', [['b', unit(0, 0, 1, 0)]]), now]);
    expect(readVectorShardHeader(merged).ids).toEqual(['b', 'a']);
    const { index } = loadVectorShard(runtime, merged);
    expect(index.vector('a')?.[1]).toBeGreaterThan(0.99);
    expect(readVectorShardHeader(mergeVectorShards([], 'm@1'))).toEqual({ dims: 0, model: 'm@1', ids: [] });
  });

  it('refuses shards of different models or dims, and corrupt shards, with a typed error', () => {
    const a = shardOf('m@1', [['a', unit(1, 0, 0, 0)]]);
    expect(() => mergeVectorShards([a, shardOf('m@2', [['b', unit(1, 0, 0, 0)]])])).toThrow(
      InvalidInputError,
    );
    expect(() => mergeVectorShards([a, shardOf('m@1', [['b', unit(1, 0)]])])).toThrow(/differ/);
    expect(() => mergeVectorShards([a.subarray(0, a.length - 1)])).toThrow(InvalidInputError);
    expect(() => mergeVectorShards([new Uint8Array(12)])).toThrow(/magic/);
  });
});

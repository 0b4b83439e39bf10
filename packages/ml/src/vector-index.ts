/**
 * Brute-force vector index for unit embeddings (faces, CLIP), int8-quantised per vector.
 * Scoring runs as one small ONNX graph (MatMulInteger → scale → TopK) on the same
 * InferenceRuntime as the models, so it uses SIMD and threads on Node and wasm SIMD in the
 * browser. Vectors are stored dimension-major ([D, capacity]); that layout measured ~7×
 * faster for MatMulInteger than row-major (see docs/benchmarks.md, ml-search).
 */
import { InvalidInputError } from './errors.ts';
import type { InferenceRuntime, InferenceSession, Tensor } from './inference-session.ts';
import { buildOnnxModel } from './onnx-model-builder.ts';
import { topK } from './top-k.ts';

export interface VectorHit {
  readonly id: string;
  /** Approximate cosine similarity (int8 quantisation error ≈ 1e-2). */
  readonly score: number;
}

export interface VectorIndex {
  readonly dims: number;
  readonly size: number;
  /** Insert or replace. */
  add(id: string, vector: Float32Array): void;
  remove(id: string): boolean;
  has(id: string): boolean;
  /** The stored (dequantised) vector of an id. */
  vector(id: string): Float32Array | undefined;
  /** The `k` most similar vectors; `filter` restricts to allowed ids (combined searches). */
  search(query: Float32Array, k: number, filter?: (id: string) => boolean): Promise<VectorHit[]>;
  /** Serialise as an embedding shard blob (portable; see `loadVectorShard`). */
  toShard(model: string): Uint8Array;
  stop(): Promise<void>;
}

const MAGIC = 0x31585648; // 'HVX1'
const Q_SCALE = 127;

function scoringGraph(dims: number, topK: boolean): Uint8Array {
  return buildOnnxModel({
    inputs: [
      { name: 'q', type: 'uint8', dims: [1, dims] },
      { name: 'M', type: 'int8', dims: [dims, 'n'] },
      { name: 'inv', type: 'float32', dims: [1, 'n'] },
      { name: 'bias', type: 'float32', dims: [1, 'n'] },
      ...(topK ? [{ name: 'k', type: 'int64' as const, dims: [1] }] : []),
    ],
    outputs: topK
      ? [
          { name: 'values', type: 'float32', dims: [1, 'k'] },
          { name: 'indices', type: 'int64', dims: [1, 'k'] },
        ]
      : [{ name: 'scores', type: 'float32', dims: [1, 'n'] }],
    initializers: [{ name: 'qzp', dims: [], uint8: [128] }],
    nodes: [
      { op: 'MatMulInteger', inputs: ['q', 'M', 'qzp'], outputs: ['dot'] },
      { op: 'Cast', inputs: ['dot'], outputs: ['dotf'], attributes: [{ name: 'to', int: 1 }] },
      { op: 'Mul', inputs: ['dotf', 'inv'], outputs: ['scaled'] },
      { op: 'Add', inputs: ['scaled', 'bias'], outputs: ['scores'] },
      ...(topK ? [{ op: 'TopK', inputs: ['scores', 'k'], outputs: ['values', 'indices'] }] : []),
    ],
  });
}

export interface VectorIndexOptions {
  readonly threads?: number;
  /**
   * 'runtime' (default): the ONNX graph — fastest on onnxruntime-node (SIMD int8 GEMM).
   * 'js': a JavaScript scan of the same int8 data — faster than onnxruntime-web's wasm
   * MatMulInteger in the browser (measured: see docs/benchmarks.md, ml-search).
   */
  readonly scoring?: 'runtime' | 'js';
}

export function createVectorIndex(
  runtime: InferenceRuntime,
  dims: number,
  options: VectorIndexOptions = {},
): VectorIndex {
  let cap = 1024;
  let n = 0;
  let data = new Int8Array(dims * cap);
  let inv = new Float32Array(cap);
  // Empty slots score -1e9 so they never enter the top k.
  let bias = new Float32Array(cap).fill(-1e9);
  const ids: string[] = [];
  const slot = new Map<string, number>();
  let topSession: Promise<InferenceSession> | undefined;
  let allSession: Promise<InferenceSession> | undefined;
  const sessionOptions = options.threads !== undefined ? { threads: options.threads } : {};

  function grow() {
    const nc = cap * 2;
    const nd = new Int8Array(dims * nc);
    for (let d = 0; d < dims; d++) nd.set(data.subarray(d * cap, d * cap + n), d * nc);
    const ni = new Float32Array(nc);
    ni.set(inv);
    const nb = new Float32Array(nc).fill(-1e9);
    nb.set(bias.subarray(0, n));
    data = nd;
    inv = ni;
    bias = nb;
    cap = nc;
  }
  function write(s: number, v: Float32Array) {
    let m = 0;
    for (let d = 0; d < dims; d++) m = Math.max(m, Math.abs(v[d] as number));
    const scale = m > 0 ? Q_SCALE / m : 1;
    for (let d = 0; d < dims; d++) data[d * cap + s] = Math.round((v[d] as number) * scale);
    inv[s] = 1 / (scale * Q_SCALE);
    bias[s] = 0;
  }
  function feeds(query: Float32Array): Record<string, Tensor> {
    if (query.length !== dims)
      throw new InvalidInputError(`query has ${query.length} dims, the index holds ${dims}`);
    let m = 0;
    for (let d = 0; d < dims; d++) m = Math.max(m, Math.abs(query[d] as number));
    const q = new Uint8Array(dims);
    // The query scale is the same for every row, so it does not change the ranking; scores are rescaled below.
    for (let d = 0; d < dims; d++) q[d] = 128 + Math.round(((query[d] as number) / (m || 1)) * Q_SCALE);
    return {
      q: { type: 'uint8', data: q, dims: [1, dims] },
      M: { type: 'int8', data, dims: [dims, cap] },
      inv: { type: 'float32', data: inv, dims: [1, cap] },
      bias: { type: 'float32', data: bias, dims: [1, cap] },
    };
  }
  /** Scores of every slot, dimension-major so the inner loop walks contiguous memory. */
  function jsScores(query: Float32Array): Float32Array {
    if (query.length !== dims)
      throw new InvalidInputError(`query has ${query.length} dims, the index holds ${dims}`);
    const acc = new Float32Array(n);
    for (let d = 0; d < dims; d++) {
      const q = query[d] as number;
      if (q === 0) continue;
      const base = d * cap;
      for (let i = 0; i < n; i++) acc[i] = (acc[i] as number) + q * (data[base + i] as number);
    }
    for (let i = 0; i < n; i++) acc[i] = (acc[i] as number) * (inv[i] as number) * Q_SCALE;
    return acc;
  }
  const qNorm = (query: Float32Array) => {
    let m = 0;
    for (let d = 0; d < dims; d++) m = Math.max(m, Math.abs(query[d] as number));
    return m || 1;
  };

  return {
    dims,
    get size() {
      return n;
    },
    add(id, vector) {
      if (vector.length !== dims)
        throw new InvalidInputError(`vector ${id} has ${vector.length} dims, the index holds ${dims}`);
      let s = slot.get(id);
      if (s === undefined) {
        if (n === cap) grow();
        s = n++;
        slot.set(id, s);
        ids[s] = id;
      }
      write(s, vector);
    },
    remove(id) {
      const s = slot.get(id);
      if (s === undefined) return false;
      const last = n - 1;
      // Move the last column into the hole so the live slots stay dense.
      if (s !== last) {
        for (let d = 0; d < dims; d++) data[d * cap + s] = data[d * cap + last] as number;
        inv[s] = inv[last] as number;
        const lastId = ids[last] as string;
        ids[s] = lastId;
        slot.set(lastId, s);
      }
      bias[last] = -1e9;
      ids.length = last;
      slot.delete(id);
      n = last;
      return true;
    },
    has(id) {
      return slot.has(id);
    },
    vector(id) {
      const s = slot.get(id);
      if (s === undefined) return undefined;
      const v = new Float32Array(dims);
      const k = (inv[s] as number) * Q_SCALE;
      for (let d = 0; d < dims; d++) v[d] = (data[d * cap + s] as number) * k;
      return v;
    },
    async search(query, k, filter) {
      if (n === 0 || k <= 0) return [];
      if (options.scoring === 'js') {
        const scores = jsScores(query);
        return topK(scores, n, k, filter ? (i) => filter(ids[i] as string) : undefined).map((i) => ({
          id: ids[i] as string,
          score: scores[i] as number,
        }));
      }
      const f = feeds(query);
      const m = qNorm(query);
      if (!filter) {
        topSession ??= runtime.createSession(scoringGraph(dims, true), sessionOptions);
        const kk = Math.min(k, n);
        const out = await (
          await topSession
        ).run({ ...f, k: { type: 'int64', data: BigInt64Array.of(BigInt(kk)), dims: [1] } });
        const values = out['values']?.data as Float32Array;
        const indices = out['indices']?.data as BigInt64Array;
        const hits: VectorHit[] = [];
        for (let i = 0; i < kk; i++)
          hits.push({ id: ids[Number(indices[i])] as string, score: (values[i] as number) * m });
        return hits;
      }
      allSession ??= runtime.createSession(scoringGraph(dims, false), sessionOptions);
      const scores = (await (await allSession).run(f))['scores']?.data as Float32Array;
      return topK(scores, n, k, (i) => filter(ids[i] as string)).map((i) => ({
        id: ids[i] as string,
        score: (scores[i] as number) * m,
      }));
    },
    toShard(model) {
      const header = new TextEncoder().encode(JSON.stringify({ dims, model, ids: ids.slice(0, n) }));
      const out = new Uint8Array(8 + header.length + n * 4 + n * dims);
      const view = new DataView(out.buffer);
      view.setUint32(0, MAGIC, true);
      view.setUint32(4, header.length, true);
      out.set(header, 8);
      let o = 8 + header.length;
      for (let i = 0; i < n; i++, o += 4) view.setFloat32(o, inv[i] as number, true);
      for (let i = 0; i < n; i++)
        for (let d = 0; d < dims; d++) out[o++] = (data[d * cap + i] as number) & 0xff;
      return out;
    },
    async stop() {
      for (const p of [topSession, allSession]) await (await p?.catch(() => undefined))?.release();
      topSession = allSession = undefined;
    },
  };
}

/**
 * Read an embedding shard into a new index on `runtime` (`options` as createVectorIndex's:
 * `scoring: 'js'` in the browser). Returns the model key it was made with.
 */
export function loadVectorShard(
  runtime: InferenceRuntime,
  shard: Uint8Array,
  options: VectorIndexOptions = {},
): { index: VectorIndex; model: string } {
  const view = new DataView(shard.buffer, shard.byteOffset, shard.byteLength);
  if (shard.byteLength < 8 || view.getUint32(0, true) !== MAGIC)
    throw new InvalidInputError('not a Hearth embedding shard (bad magic); re-sync the shard from a peer');
  const hlen = view.getUint32(4, true);
  let header: { dims: number; model: string; ids: string[] };
  try {
    header = JSON.parse(new TextDecoder().decode(shard.subarray(8, 8 + hlen))) as typeof header;
  } catch {
    throw new InvalidInputError(
      'embedding shard header is unreadable (truncated or corrupt); re-sync the shard from a peer',
    );
  }
  if (!Number.isInteger(header.dims) || !Array.isArray(header.ids))
    throw new InvalidInputError('embedding shard header lacks dims/ids; re-sync the shard from a peer');
  const n = header.ids.length;
  if (shard.byteLength !== 8 + hlen + n * 4 + n * header.dims)
    throw new InvalidInputError(
      `embedding shard is ${shard.byteLength} bytes, its header needs ${8 + hlen + n * 4 + n * header.dims}; it is truncated or corrupt`,
    );
  const index = createVectorIndex(runtime, header.dims, options);
  let o = 8 + hlen + n * 4;
  const v = new Float32Array(header.dims);
  for (let i = 0; i < n; i++) {
    const invScale = view.getFloat32(8 + hlen + i * 4, true) * Q_SCALE;
    for (let d = 0; d < header.dims; d++) v[d] = view.getInt8(o++) * invScale;
    index.add(header.ids[i] as string, v);
  }
  return { index, model: header.model };
}

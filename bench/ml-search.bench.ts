/**
 * ml-search: top-50 over 100,000 CLIP-size (512-d) unit embeddings.
 * - node_ms: the int8 VectorIndex on onnxruntime-node (MatMulInteger + TopK graph).
 * - wasm_ms: the same index on onnxruntime-web's wasm backend, run under Node: a stand-in
 *   for Chromium (same wasm; the Chromium figure itself belongs to the PWA e2e).
 * - anchor: a plain float32 JavaScript scan + top-k selection in the same run.
 * Medians of 7 queries after 2 warm-ups. `npm run bench -- ml-search [count]`
 */
import { createVectorIndex, l2normalize, topK } from '@hearth/ml';
import { createOnnxNodeRuntime } from '@hearth/ml/platform';
import { createOnnxWebRuntime } from '@hearth/ml/testing';
import { median, report } from './report.ts';

const N = Number(process.argv[2] ?? 100_000);
const D = 512;
const K = 50;
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
const flat = new Float32Array(N * D);
for (let i = 0; i < N; i++) flat.set(l2normalize(Float32Array.from({ length: D }, rnd)), i * D);
const queries = Array.from({ length: 9 }, () => l2normalize(Float32Array.from({ length: D }, rnd)));

function jsScan(q: Float32Array): number[] {
  const scores = new Float32Array(N);
  for (let n = 0; n < N; n++) {
    let s = 0;
    const o = n * D;
    for (let d = 0; d < D; d++) s += (q[d] as number) * (flat[o + d] as number);
    scores[n] = s;
  }
  return topK(scores, N, K);
}

async function timeIndex(name: string, runtime: ReturnType<typeof createOnnxNodeRuntime>): Promise<{ ms: number; recall: number }> {
  const idx = createVectorIndex(runtime, D);
  for (let i = 0; i < N; i++) idx.add(String(i), flat.subarray(i * D, (i + 1) * D));
  const times: number[] = [];
  let recall = 0;
  for (const [i, q] of queries.entries()) {
    const t = performance.now();
    const hits = await idx.search(q, K);
    if (i >= 2) times.push(performance.now() - t);
    if (i === 0) {
      const exact = new Set(jsScan(q).map(String));
      recall = hits.filter((h) => exact.has(h.id)).length / K;
    }
  }
  await idx.stop();
  process.stderr.write(`${name}: recall@${K} vs exact float32 = ${recall}\n`);
  return { ms: median(times), recall };
}

const jsTimes: number[] = [];
for (const [i, q] of queries.entries()) {
  const t = performance.now();
  jsScan(q);
  if (i >= 2) jsTimes.push(performance.now() - t);
}
const anchor = { name: 'float32 JS scan+topk', value: median(jsTimes) };
const node = await timeIndex('onnxruntime-node', createOnnxNodeRuntime());
report({ bench: 'ml-search', metric: 'node_ms', value: node.ms, unit: 'ms', anchor, ratio: node.ms / anchor.value });
report({ bench: 'ml-search', metric: 'node_recall_at_50', value: node.recall, unit: 'fraction' });
const wasm = await timeIndex('onnxruntime-web wasm', createOnnxWebRuntime());
report({ bench: 'ml-search', metric: 'wasm_ms', value: wasm.ms, unit: 'ms', anchor, ratio: wasm.ms / anchor.value });

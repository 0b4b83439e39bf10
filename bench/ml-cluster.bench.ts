/**
 * ml-cluster: incremental clustering of 1,000 new face embeddings into a library that
 * already holds 100,000 (512-d, the default embedder's size; ~5,000 synthetic people of
 * 20 faces, cos(face, person) ≈ 0.8). Metric `ms_per_1000` (goal ≤ 1000): the clusterer with
 * its runtime scorer; anchor: the bare similarity Gemm that batch needs, same run.
 * `npm run bench -- ml-cluster [faces] [dims]`
 */
import { createFaceClusterer, createRuntimeScorer, l2normalize, type FaceEmbedding } from '@hearth/ml';
import { createOnnxNodeRuntime } from '@hearth/ml/platform';
import { median, report } from './report.ts';

const TOTAL = Number(process.argv[2] ?? 100_000);
const D = Number(process.argv[3] ?? 512);
const PER = 20;
let seed = 3;
// mulberry32: a full-period 32-bit generator (an LCG in doubles loses precision and repeats).
const rnd = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2147483648 - 1;
};
const centres = Array.from({ length: Math.ceil((TOTAL + 3000) / PER) }, () =>
  l2normalize(Float32Array.from({ length: D }, rnd)),
);
function face(i: number): FaceEmbedding {
  // Interleaved people, as photos of many people arrive over time.
  const c = centres[i % centres.length] as Float32Array;
  const noise = l2normalize(Float32Array.from({ length: D }, rnd));
  return { key: `f${i}`, embedding: l2normalize(c.map((v, d) => 0.8 * v + 0.6 * (noise[d] as number))) };
}
const base = Array.from({ length: TOTAL }, (_, i) => face(i));
const batches = Array.from({ length: 3 }, (_, b) =>
  Array.from({ length: 1000 }, (_, i) => face(TOTAL + b * 1000 + i)),
);

const scorer = createRuntimeScorer(createOnnxNodeRuntime());
const c = createFaceClusterer({ scorer });
const t0 = performance.now();
for (let i = 0; i < base.length; i += 1000) await c.add(base.slice(i, i + 1000));
process.stderr.write(`built ${TOTAL} faces in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
const people = new Set(c.assignments().values()).size;
const times: number[] = [];
const bare: number[] = [];
for (const b of batches) {
  // Anchor: the bare similarity call the batch needs (1,000 faces × every person), same run.
  const centroids = Float32Array.from(
    { length: people * D },
    (_, i) => (base[i % base.length] as FaceEmbedding).embedding[i % D] as number,
  );
  const q = new Float32Array(b.length * D);
  b.forEach((f, i) => q.set(f.embedding, i * D));
  let t = performance.now();
  await scorer(q, b.length, centroids, people, D);
  bare.push(performance.now() - t);
  t = performance.now();
  await c.add(b);
  times.push(performance.now() - t);
}
const final = c.assignments();
const assigned = batches.flat().filter((f) => final.has(f.key)).length;
process.stderr.write(
  `${people} people, ${c.unassignedCount} faces waiting, new faces assigned ${assigned}/3000, batches ${times.map((t) => t.toFixed(0)).join('/')} ms\n`,
);
await scorer.stop();
const ms = median(times);
report({
  bench: 'ml-cluster',
  metric: 'ms_per_1000',
  value: ms,
  unit: 'ms',
  anchor: { name: 'bare Gemm 1000 x people', value: median(bare) },
  ratio: ms / median(bare),
});

/**
 * ml-search: top-50 over 100,000 CLIP-size (512-d) unit embeddings.
 * - node_ms: the int8 VectorIndex on onnxruntime-node (MatMulInteger + TopK graph).
 * - wasm_ms: the same index on onnxruntime-web's wasm backend, run under Node.
 * - chromium_ms: the index with `scoring: 'js'` in Debian's Chromium (skipped without it);
 *   anchor: the same index scored by the onnxruntime-web graph in that page (chromium_runtime_ms).
 * - anchor: a plain float32 JavaScript scan + top-k selection in the same run.
 * Medians of 7 queries after 2 warm-ups. `npm run bench -- ml-search [count]`
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVectorIndex, l2normalize, topK } from '@hearth/ml';
import { CHROMIUM, hasChromium, openChromiumPage } from '@hearth/ml/chromium-page';
import { createOnnxNodeRuntime } from '@hearth/ml/platform';
import { createOnnxWebRuntime } from '@hearth/ml/testing';
import { median, report } from './report.ts';

const N = Number(process.argv[2] ?? 100_000);
const D = 512;
const K = 50;
let seed = 42;
// mulberry32: a full-period 32-bit generator (an LCG in doubles loses precision and repeats).
const rnd = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2147483648 - 1;
};
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

async function timeIndex(
  name: string,
  runtime: ReturnType<typeof createOnnxNodeRuntime>,
): Promise<{ ms: number; recall: number }> {
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
report({
  bench: 'ml-search',
  metric: 'node_ms',
  value: node.ms,
  unit: 'ms',
  anchor,
  ratio: node.ms / anchor.value,
});
report({ bench: 'ml-search', metric: 'node_recall_at_50', value: node.recall, unit: 'fraction' });
const wasm = await timeIndex('onnxruntime-web wasm', createOnnxWebRuntime());
report({
  bench: 'ml-search',
  metric: 'wasm_ms',
  value: wasm.ms,
  unit: 'ms',
  anchor,
  ratio: wasm.ms / anchor.value,
});

// --- Chromium: the same index on onnxruntime-web (wasm) in Debian's Chromium, driven by playwright-core.
if (!hasChromium) {
  process.stderr.write(`chromium_ms skipped: no Chromium at ${CHROMIUM} (set HEARTH_CHROMIUM)\n`);
} else {
  const chromium = await chromiumSearch(N);
  report({
    bench: 'ml-search',
    metric: 'chromium_ms',
    value: chromium.js,
    unit: 'ms',
    anchor: { name: 'onnxruntime-web graph in Chromium', value: chromium.runtime },
    ratio: chromium.js / chromium.runtime,
  });
  report({ bench: 'ml-search', metric: 'chromium_runtime_ms', value: chromium.runtime, unit: 'ms' });
}

/** A tiny page (vector index + onnxruntime-web), bundled and served by openChromiumPage, timed in Chromium. */
async function chromiumSearch(count: number): Promise<{ js: number; runtime: number }> {
  const repo = fileURLToPath(new URL('..', import.meta.url));
  const name = 'hearth-ml-search';
  // Inside node_modules so bare imports resolve from the repo; never committed.
  const work = join(repo, 'node_modules/.cache', name);
  mkdirSync(work, { recursive: true });
  writeFileSync(
    join(work, 'entry.ts'),
    `import { createVectorIndex } from '${repo}packages/ml/src/vector-index.ts';
import { createOnnxWebRuntime } from '${repo}packages/ml/src/inference-session.onnx-web.ts';
export async function run(n: number, d: number, k: number, scoring: 'js' | 'runtime'): Promise<number[]> {
  const idx = createVectorIndex(createOnnxWebRuntime({ wasmPaths: '/ort/' }), d, { scoring });
  let seed = 42;
  const rnd = () => { seed = (seed + 0x6d2b79f5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 2147483648 - 1; };
  const v = new Float32Array(d);
  for (let i = 0; i < n; i++) { for (let j = 0; j < d; j++) v[j] = rnd(); idx.add(String(i), v); }
  const times: number[] = [];
  for (let r = 0; r < 9; r++) { for (let j = 0; j < d; j++) v[j] = rnd(); const t = performance.now(); await idx.search(v, k); if (r >= 2) times.push(performance.now() - t); }
  return times;
}
(globalThis as unknown as { hearthRun: typeof run }).hearthRun = run;
`,
  );
  const { page, close } = await openChromiumPage({ entry: join(work, 'entry.ts'), name });
  try {
    page.setDefaultTimeout(600_000);
    await page.waitForFunction(() => 'hearthRun' in globalThis);
    type Run = (n: number, d: number, k: number, s: 'js' | 'runtime') => Promise<number[]>;
    const js = await page.evaluate(
      ([n, d, k]) => (globalThis as unknown as { hearthRun: Run }).hearthRun(n, d, k, 'js'),
      [count, D, K] as const,
    );
    const runtime = await page.evaluate(
      ([n, d, k]) => (globalThis as unknown as { hearthRun: Run }).hearthRun(n, d, k, 'runtime'),
      [count, D, K] as const,
    );
    return { js: median(js), runtime: median(runtime) };
  } finally {
    await close();
  }
}

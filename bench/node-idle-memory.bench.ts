/**
 * node-idle-memory: RSS of `hearth start` idle (reconcile loop has checked every asset and
 * found nothing to do, 3 s settle) with a 100,000-asset library. Anchor: the same with an
 * empty library, in the same run. Medians of 3 fresh processes. Goal: rss_mb ≤ 300.
 * Usage: npm run bench -- node-idle-memory [assets]
 */
import { median, report } from './report.ts';
import { makeLibraries, startOnce } from './node-cold-start.bench.ts';

const assets = Number(process.argv[2] ?? 100_000);
const libs = await makeLibraries(assets);
try {
  const big: number[] = [];
  const empty: number[] = [];
  for (let i = 0; i < 3; i++) {
    empty.push((await startOnce(libs.empty, true)).rssMb);
    big.push((await startOnce(libs.big, true)).rssMb);
  }
  const v = median(big);
  const a = median(empty);
  report({
    bench: 'node-idle-memory',
    metric: 'rss_mb',
    value: v,
    unit: 'MiB',
    anchor: { name: 'empty library', value: a },
    ratio: v / a,
  });
} finally {
  libs.cleanup();
}

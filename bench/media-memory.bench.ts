/**
 * media-memory: peak RSS while ingesting 200 large photos (12–24 MP JPEGs, the generated set
 * cycled) with the default concurrency (2), sampled every 20 ms. Goal: peak_rss_mb ≤ 600.
 *   npm run bench -- media-memory [photos=200] [distinct=12]
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processImage } from '@hearth/media';
import { makePhotoCorpus } from '@hearth/media/bench';
import { createExiftoolReader, createSharpCodec } from '@hearth/media/platform';
import { report } from './report.ts';

const [photos = 200, distinct = 12] = process.argv.slice(2).map(Number);
const CONCURRENCY = 2;
const { jpegs } = await makePhotoCorpus(
  join(process.env['HEARTH_BENCH_DIR'] ?? tmpdir(), 'hearth-bench-photos'),
  distinct,
);
const baseline = process.memoryUsage().rss;
let peak = baseline;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
const reader = createExiftoolReader({ maxProcs: CONCURRENCY });
const codec = createSharpCodec();
let next = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < photos) {
      const f = jpegs[next++ % jpegs.length] as string;
      await processImage({ reader, codec }, { path: f });
    }
  }),
);
const seconds = (performance.now() - t0) / 1000;
clearInterval(timer);
peak = Math.max(peak, process.memoryUsage().rss);
await reader.stop();
report({
  bench: 'media-memory',
  metric: 'peak_rss_mb',
  value: peak / 2 ** 20,
  unit: 'MB',
  anchor: { name: 'rss_before_mb', value: baseline / 2 ** 20 },
});
report({ bench: 'media-memory', metric: 'photos_per_s', value: photos / seconds, unit: 'photos/s' });

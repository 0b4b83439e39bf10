/**
 * catalog-memory: RSS of a peer holding a 100,000-asset library, idle, after loading it
 * from storage (all shards and albums open, as a running peer has them). Anchor: RSS of
 * the same process setup with an empty library, measured in the same run. Each figure is
 * the median of 3 fresh child processes.  Usage: npm run bench -- catalog-memory [assets]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { catalogFixture, openFixture, type CatalogFixture } from './catalog-fixture.ts';
import { median, report } from './report.ts';

async function child(fixture: CatalogFixture | undefined): Promise<void> {
  const t = performance.now();
  const lib = fixture ? await openFixture(fixture) : undefined;
  const loadS = (performance.now() - t) / 1000;
  const count = lib ? lib.catalog.months().reduce((n, m) => n + lib.catalog.monthAssets(m).length, 0) : 0;
  // Idle: let timers and the storage debounce run out, then collect garbage twice.
  await new Promise((r) => setTimeout(r, 1500));
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
  const rss = process.memoryUsage().rss / 2 ** 20;
  process.stdout.write(JSON.stringify({ rss, loadS, count }) + '\n');
  await lib?.catalog.stop();
  await lib?.repo.shutdown();
}

if (process.argv[2] === 'child') {
  await child(process.argv[3] ? (JSON.parse(process.argv[3]) as CatalogFixture) : undefined);
} else {
  const assets = Number(process.argv[2] ?? 100_000);
  const fixture = await catalogFixture(assets);
  const run = (arg?: string) => {
    const r = spawnSync(
      process.execPath,
      ['--expose-gc', fileURLToPath(import.meta.url), 'child', ...(arg ? [arg] : [])],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { rss: number; loadS: number; count: number };
  };
  const empty = [run(), run(), run()];
  const full = [run(JSON.stringify(fixture)), run(JSON.stringify(fixture)), run(JSON.stringify(fixture))];
  if (full.some((f) => f.count !== assets))
    throw new Error(`loaded ${full.map((f) => f.count)} assets, expected ${assets}`);
  const rss = median(full.map((f) => f.rss));
  const base = median(empty.map((f) => f.rss));
  report({
    bench: 'catalog-memory',
    metric: 'rss_mb',
    value: rss,
    unit: 'MiB',
    anchor: { name: 'empty_library_rss_mb', value: base },
    ratio: rss / base,
  });
  report({ bench: 'catalog-memory', metric: 'load_s', value: median(full.map((f) => f.loadS)), unit: 's' });
}

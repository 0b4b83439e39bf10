/**
 * catalog-memory: RSS of a peer holding a 100,000-asset library, idle, after loading it
 * from storage the way a peer runs it: a lazy catalog (root, albums and every shard's
 * summary loaded; shards open on demand, idle ones evicted) with the newest month opened
 * and read, as a timeline refresh would. Anchor: RSS of the same process setup with an
 * empty library, measured in the same run. Each figure is the median of 3 fresh child
 * processes. `eager` as a second argument opens every shard instead (the old way).
 * Usage: npm run bench -- catalog-memory [assets] [eager]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { catalogFixture, openFixture, type CatalogFixture } from './catalog-fixture.ts';
import { median, report } from './report.ts';

async function child(fixture: CatalogFixture | undefined, eager: boolean): Promise<void> {
  const t = performance.now();
  const lib = fixture ? await openFixture(fixture, eager ? false : {}) : undefined;
  const newest = lib?.catalog.months()[0];
  if (lib && newest) await lib.catalog.openMonths([newest]);
  const newestRows = lib && newest ? lib.catalog.monthAssets(newest).length : 0;
  const loadS = (performance.now() - t) / 1000;
  const count = lib?.catalog.assetCount() ?? 0;
  if (lib && newestRows === 0) throw new Error('the newest month read no rows');
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
  const arg = process.argv[3];
  await child(
    arg && arg !== '-' ? (JSON.parse(arg) as CatalogFixture) : undefined,
    process.argv[4] === 'eager',
  );
} else {
  const assets = Number(process.argv[2] ?? 100_000);
  const mode = process.argv[3] === 'eager' ? 'eager' : 'lazy';
  const fixture = await catalogFixture(assets);
  const run = (arg?: string) => {
    const r = spawnSync(
      process.execPath,
      ['--expose-gc', fileURLToPath(import.meta.url), 'child', arg ?? '-', mode],
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
  process.stderr.write(`catalog-memory: ${mode} catalog, ${assets} assets\n`);
}

/**
 * pwa-first-paint: cold start (reload) of the built PWA in headless Chromium with a synthetic
 * 100,000-item library, to the first frame with timeline tiles (thumbhash placeholders)
 * painted. Goal ≤ 1000 ms. Two pages, same library:
 * - `first_paint_ms`: an unpaired device, the library in the local IndexedDB replica;
 * - `first_paint_paired_ms`: a paired device, the rows read from the timeline index (the
 *   peer worker's IndexedDB databases) with no home node and no catalog opened: the page must
 *   not wait for the worker. `catalog_opened` counts reloads where the worker's catalog opened
 *   before the first tiles (expected 0).
 * Anchor, same run: the page's first contentful paint (the app shell, before any library data).
 *
 * `npm run bench -- pwa-first-paint [count] [runs] [local|paired|both]`
 */
import { hasChromium, openPairedIndexApp, openSeededApp, type BenchApp } from '@hearth/pwa/e2e';
import { median, report } from './report.ts';

const count = Number(process.argv[2] ?? 100_000);
const runs = Number(process.argv[3] ?? 5);
const mode = process.argv[4] ?? 'both';

if (!hasChromium) {
  console.error('pwa-first-paint: skipped, no Chromium at /usr/bin/chromium (apt-get install chromium)');
  process.exit(0);
}

async function measure(app: BenchApp) {
  const firstTiles: number[] = [];
  const shell: number[] = [];
  let catalogFirst = 0;
  try {
    for (let i = 0; i < runs; i++) {
      await app.page.reload();
      await app.page.waitForFunction(
        () => performance.getEntriesByName('hearth:first-tiles').length > 0,
        null,
        { timeout: 30_000 },
      );
      const t = await app.page.evaluate(() => ({
        tiles: performance.getEntriesByName('hearth:first-tiles')[0]!.startTime,
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        catalog: performance.getEntriesByName('hearth:catalog-open')[0]?.startTime,
      }));
      firstTiles.push(t.tiles);
      shell.push(t.fcp);
      if (t.catalog !== undefined && t.catalog < t.tiles) catalogFirst++;
    }
  } finally {
    await app.close();
  }
  return { value: median(firstTiles), anchor: median(shell), catalogFirst };
}

function emit(metric: string, r: { value: number; anchor: number }) {
  report({
    bench: 'pwa-first-paint',
    metric,
    value: r.value,
    unit: 'ms',
    anchor: { name: 'shell_first_contentful_paint_ms', value: r.anchor },
    ratio: r.value / r.anchor,
  });
}

if (mode !== 'paired') emit('first_paint_ms', await measure(await openSeededApp(count)));
if (mode !== 'local') {
  const r = await measure(await openPairedIndexApp(count));
  emit('first_paint_paired_ms', r);
  report({ bench: 'pwa-first-paint', metric: 'catalog_opened', value: r.catalogFirst, unit: 'reloads' });
}
report({ bench: 'pwa-first-paint', metric: 'library_items', value: count, unit: 'items' });

/**
 * pwa-first-paint: cold start (reload) of the built PWA in headless Chromium with a synthetic
 * 100,000-item library in IndexedDB, to the first frame with timeline tiles (thumbhash
 * placeholders) painted. Goal ≤ 1000 ms. Anchor, same run: the page's first contentful paint
 * (the app shell, before any library data), so the ratio shows what the library read costs.
 *
 * `npm run bench -- pwa-first-paint [count] [runs]`
 */
import { hasChromium, openSeededApp } from '@hearth/pwa/e2e';
import { median, report } from './report.ts';

const count = Number(process.argv[2] ?? 100_000);
const runs = Number(process.argv[3] ?? 5);

if (!hasChromium) {
  console.error('pwa-first-paint: skipped, no Chromium at /usr/bin/chromium (apt-get install chromium)');
  process.exit(0);
}

const app = await openSeededApp(count);
const firstTiles: number[] = [];
const shell: number[] = [];
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
    }));
    firstTiles.push(t.tiles);
    shell.push(t.fcp);
  }
} finally {
  await app.close();
}
const value = median(firstTiles);
const anchor = median(shell);
report({
  bench: 'pwa-first-paint',
  metric: 'first_paint_ms',
  value,
  unit: 'ms',
  anchor: { name: 'shell_first_contentful_paint_ms', value: anchor },
  ratio: value / anchor,
});
report({ bench: 'pwa-first-paint', metric: 'library_items', value: count, unit: 'items' });

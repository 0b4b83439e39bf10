/**
 * pwa-memory: JS heap of the page after scrolling the whole synthetic 100,000-item library
 * top to bottom in headless Chromium (garbage collected first, via the DevTools protocol).
 * Goal heap_mb ≤ 200. Anchor, same page and run: the heap right after the first paint.
 *
 * `npm run bench -- pwa-memory [count] [paired]`
 */
import { hasChromium, openPairedIndexApp, openSeededApp } from '@hearth/pwa/e2e';
import { report } from './report.ts';

// `paired`: the page of a paired device, painting from the timeline index (see pwa-first-paint).
const paired = process.argv.includes('paired');
const args = process.argv.slice(2).filter((a) => a !== 'paired');
const count = Number(args[0] ?? 100_000);
if (!hasChromium) {
  console.error('pwa-memory: skipped, no Chromium at /usr/bin/chromium (apt-get install chromium)');
  process.exit(0);
}

const app = await (paired ? openPairedIndexApp : openSeededApp)(count);
try {
  await app.page.reload();
  await app.page.locator('.tile').first().waitFor();
  const cdp = await app.page.context().newCDPSession(app.page);
  const heapMb = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    return usedSize / 1e6;
  };
  const start = await heapMb();
  const steps = await app.page.evaluate(async () => {
    const frame = () => new Promise<number>((res) => requestAnimationFrame(res));
    const s = document.querySelector<HTMLElement>('[data-testid="timeline-scroller"]')!;
    let n = 0;
    // Two screens per frame, waiting a few frames every so often so months get read and laid out.
    while (s.scrollTop + s.clientHeight < s.scrollHeight - 1 && n < 200_000) {
      s.scrollTop += s.clientHeight * 2;
      await frame();
      if (++n % 20 === 0) for (let i = 0; i < 3; i++) await frame();
    }
    return n;
  });
  const end = await heapMb();
  report({
    bench: 'pwa-memory',
    metric: 'heap_mb',
    value: end,
    unit: 'MB',
    anchor: { name: 'heap_after_first_paint_mb', value: start },
    ratio: end / start,
  });
  report({ bench: 'pwa-memory', metric: 'scroll_steps', value: steps, unit: 'frames' });
  report({ bench: 'pwa-memory', metric: 'library_items', value: count, unit: 'items' });
  report({ bench: 'pwa-memory', metric: 'paired_device', value: paired ? 1 : 0, unit: 'bool' });
} finally {
  await app.close();
}

/**
 * pwa-scroll: in headless Chromium with a synthetic 100,000-item library, a scripted fling
 * through 20 months (scrollTop advanced every animation frame) and a scrubber jump five
 * years back. Metrics: p95_frame_ms (goal ≤ 16.7; anchor: p95 of idle frames, same page, same
 * run), long_tasks over 50 ms during the fling (goal 0), jump_ms from the key press to tiles
 * (thumbhash placeholders) painted in the viewport (goal ≤ 100).
 *
 * `npm run bench -- pwa-scroll [count] [runs] [paired]`
 */
import { hasChromium, openPairedIndexApp, openSeededApp } from '@hearth/pwa/e2e';
import { median, report } from './report.ts';

// `paired`: the page of a paired device, painting from the timeline index (see pwa-first-paint).
const paired = process.argv.includes('paired');
const args = process.argv.slice(2).filter((a) => a !== 'paired');
const count = Number(args[0] ?? 100_000);
const runs = Number(args[1] ?? 3);

if (!hasChromium) {
  console.error('pwa-scroll: skipped, no Chromium at /usr/bin/chromium (apt-get install chromium)');
  process.exit(0);
}

interface Run {
  p95: number;
  idleP95: number;
  longTasks: number;
  monthsPassed: number;
  jump: number;
}

const app = await (paired ? openPairedIndexApp : openSeededApp)(count);
const results: Run[] = [];
try {
  for (let r = 0; r < runs; r++) {
    await app.page.reload();
    await app.page.locator('.tile').first().waitFor();
    results.push(
      await app.page.evaluate(async () => {
        const frame = () => new Promise<number>((res) => requestAnimationFrame(res));
        const p95 = (xs: number[]) =>
          [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(xs.length * 0.95) - 1)]!;
        const scroller = document.querySelector<HTMLElement>('[data-testid="timeline-scroller"]')!;
        const slider = document.querySelector<HTMLElement>('[role="slider"]')!;
        const monthNow = () => Number(slider.getAttribute('aria-valuenow'));

        const idle: number[] = [];
        let last = await frame();
        for (let i = 0; i < 60; i++) {
          const t = await frame();
          idle.push(t - last);
          last = t;
        }

        let longTasks = 0;
        const obs = new PerformanceObserver(
          (list) => (longTasks += list.getEntries().filter((e) => e.duration > 50).length),
        );
        obs.observe({ type: 'longtask' });
        const deltas: number[] = [];
        const start = monthNow();
        last = await frame();
        // A hard fling: half a screen per frame (~24,000 px/s at 60 Hz), until 20 months have passed.
        while (monthNow() - start < 20) {
          scroller.scrollTop += scroller.clientHeight * 0.5;
          const t = await frame();
          deltas.push(t - last);
          last = t;
          if (deltas.length > 5000) break;
        }
        await frame();
        obs.disconnect();

        // Jump five years back (PageDown = one year on the scrubber) and wait for tiles in view.
        slider.focus();
        const inView = () => {
          const box = scroller.getBoundingClientRect();
          return [...document.querySelectorAll('.tile')].some((t) => {
            const b = t.getBoundingClientRect();
            return b.bottom > box.top && b.top < box.bottom;
          });
        };
        for (let i = 0; i < 4; i++)
          slider.dispatchEvent(new KeyboardEvent('keydown', { key: 'PageDown', bubbles: true }));
        await frame();
        const t0 = performance.now();
        slider.dispatchEvent(new KeyboardEvent('keydown', { key: 'PageDown', bubbles: true }));
        do await frame();
        while (!inView() && performance.now() - t0 < 10_000);
        // The frame after the tiles are in the DOM is the one that paints them.
        await frame();
        const jump = performance.now() - t0;
        return { p95: p95(deltas), idleP95: p95(idle), longTasks, monthsPassed: monthNow() - start, jump };
      }),
    );
  }
} finally {
  await app.close();
}
const p95 = median(results.map((r) => r.p95));
const idle = median(results.map((r) => r.idleP95));
report({
  bench: 'pwa-scroll',
  metric: 'p95_frame_ms',
  value: p95,
  unit: 'ms',
  anchor: { name: 'idle_p95_frame_ms', value: idle },
  ratio: p95 / idle,
});
report({
  bench: 'pwa-scroll',
  metric: 'long_tasks',
  value: median(results.map((r) => r.longTasks)),
  unit: 'count',
});
report({ bench: 'pwa-scroll', metric: 'jump_ms', value: median(results.map((r) => r.jump)), unit: 'ms' });
report({ bench: 'pwa-scroll', metric: 'library_items', value: count, unit: 'items' });
report({ bench: 'pwa-scroll', metric: 'paired_device', value: paired ? 1 : 0, unit: 'bool' });

/**
 * Loaded into each blob peer by `blob-threads.ts` (`--import`): records every garbage
 * collection (end time, pause, kind) and writes them to `$HEARTH_GC_DIR/gc-<pid>.json` on exit.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';

const dir = process.env.HEARTH_GC_DIR;
if (dir) {
  const entries: [number, number, number][] = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      entries.push([
        performance.timeOrigin + e.startTime,
        e.duration,
        (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0,
      ]);
  }).observe({ entryTypes: ['gc'] });
  process.on('exit', () => writeFileSync(join(dir, `gc-${process.pid}.json`), JSON.stringify(entries)));
}

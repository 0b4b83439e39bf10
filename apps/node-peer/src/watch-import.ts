import { watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface WatchOptions {
  signal: AbortSignal;
  /** Import files that have settled. */
  run(files: string[]): Promise<void>;
  /** How long a file's size must stay the same before it counts as complete (ms). */
  settleMs?: number;
}

/**
 * Watch folders (recursively) and hand over files once they stop growing: a file copied
 * in slowly is imported whole, not as the partial bytes that arrived first.
 */
export async function watchImport(dirs: string[], opts: WatchOptions): Promise<void> {
  const settleMs = opts.settleMs ?? 1000;
  const seen = new Map<string, { size: number; mtimeMs: number; stableSince: number }>();
  const watchers = dirs.map((d) =>
    watch(d, { recursive: true }, (_event, name) => {
      if (name) seen.set(join(d, name.toString()), { size: -1, mtimeMs: -1, stableSince: Date.now() });
    }),
  );
  let busy = Promise.resolve();
  const tick = async () => {
    const ready: string[] = [];
    const now = Date.now();
    for (const [path, prev] of seen) {
      const st = await stat(path).catch(() => undefined);
      if (!st?.isFile()) {
        if (!st) seen.delete(path);
        if (st?.isDirectory()) seen.delete(path);
        continue;
      }
      if (st.size !== prev.size || st.mtimeMs !== prev.mtimeMs) {
        seen.set(path, { size: st.size, mtimeMs: st.mtimeMs, stableSince: now });
      } else if (now - prev.stableSince >= settleMs) {
        ready.push(path);
        seen.delete(path);
      }
    }
    if (ready.length) await opts.run(ready);
  };
  const timer = setInterval(
    () => {
      busy = busy.then(tick).catch(() => undefined);
    },
    Math.max(100, settleMs / 4),
  );
  await new Promise<void>((resolve) => {
    if (opts.signal.aborted) return resolve();
    opts.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  clearInterval(timer);
  for (const w of watchers) w.close();
  await busy;
}

import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { checkMonthKey, newestFirst, type TimelineIndexStore } from './timeline-index-store.ts';

const SUFFIX = '.timeline';

/**
 * TimelineIndexStore as one file per month in `dir` (`2024-07.timeline`). A write goes to a
 * temp file that is fsynced and renamed over the old one, so a crash leaves the old month or
 * the new one, never a torn file.
 */
export function createFsTimelineIndexStore(dir: string): TimelineIndexStore {
  let ready: Promise<unknown> | undefined;
  const ensureDir = () => (ready ??= mkdir(dir, { recursive: true }));
  const file = (m: string) => join(dir, `${checkMonthKey(m)}${SUFFIX}`);
  let seq = 0;

  return {
    async months() {
      await ensureDir();
      const names = await readdir(dir);
      return newestFirst(
        names
          .filter((n) => n.endsWith(SUFFIX) && /^\d{4}-\d\d\./.test(n))
          .map((n) => n.slice(0, -SUFFIX.length)),
      );
    },
    async read(m) {
      try {
        return new Uint8Array(await readFile(file(m)));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    async write(m, bytes) {
      const target = file(m);
      await ensureDir();
      const tmp = `${target}.${process.pid}.${seq++}.tmp`;
      const fh = await open(tmp, 'w');
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, target);
    },
    async delete(m) {
      await rm(file(m), { force: true });
    },
    async close() {},
  };
}

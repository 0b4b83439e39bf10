import { readFile, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImportProgress } from '@hearth/sync';
import { isAlive } from './daemon-lock.ts';

/**
 * `hearth import` runs in its own process, so it tells the daemon (and through it the app's
 * status panel) how far it is by a small file in the data dir, rewritten at most twice a
 * second and at the end. Not fsynced: it is a progress note, and a torn or stale one only
 * shows old progress (a dead writer's unfinished import reads as stopped).
 */
const FILE = 'import-progress.json';
const EVERY_MS = 500;

interface ProgressFile extends ImportProgress {
  pid: number;
}

/** The progress writer of one import. */
export interface ImportProgressWriter {
  /** `done` of `total` files handled, `current` the latest (written at most every 500 ms) */
  update(done: number, total: number, current: string): void;
  /** The import ended (`stopped`: before its end); waits for the write. */
  finish(stopped: boolean): Promise<void>;
}

export function createImportProgressWriter(dataDir: string): ImportProgressWriter {
  const path = join(dataDir, FILE);
  const state: ProgressFile = { pid: process.pid, done: 0, total: 0, startedAt: Date.now() };
  let writing: Promise<void> = Promise.resolve();
  let lastWrite = 0;
  const write = () => {
    lastWrite = Date.now();
    const body = JSON.stringify(state);
    const tmp = `${path}.${process.pid}.tmp`;
    writing = writing
      .then(() => writeFile(tmp, body))
      .then(() => rename(tmp, path))
      .catch(() => undefined); // a lost note, never a failed import
  };
  write();
  return {
    update(done, total, current) {
      Object.assign(state, { done, total, current: current.slice(-300) });
      if (Date.now() - lastWrite >= EVERY_MS) write();
    },
    async finish(stopped) {
      state.finishedAt = Date.now();
      delete state.current;
      if (stopped) state.stopped = true;
      write();
      await writing;
    },
  };
}

/** The latest import's progress, or null when there is none (or it cannot be read). */
export async function readImportProgress(dataDir: string): Promise<ImportProgress | null> {
  let v: Partial<ProgressFile>;
  try {
    v = JSON.parse(await readFile(join(dataDir, FILE), 'utf8')) as Partial<ProgressFile>;
  } catch {
    return null;
  }
  if (typeof v.done !== 'number' || typeof v.total !== 'number' || typeof v.startedAt !== 'number')
    return null;
  const p: ImportProgress = { done: v.done, total: v.total, startedAt: v.startedAt };
  if (typeof v.current === 'string') p.current = v.current;
  if (typeof v.finishedAt === 'number') p.finishedAt = v.finishedAt;
  if (v.stopped === true) p.stopped = true;
  // Killed mid-import: it will never say it finished.
  if (p.finishedAt === undefined && typeof v.pid === 'number' && !isAlive(v.pid)) {
    delete p.current;
    p.stopped = true;
  }
  return p;
}

/** The `hearth status` line of an import, or undefined when there was none. */
export function importLine(p: ImportProgress | null, now = Date.now()): string | undefined {
  if (!p) return undefined;
  if (p.finishedAt === undefined && !p.stopped)
    return `import: ${p.done} of ${p.total} files${p.current ? ` (${p.current})` : ''}`;
  const min = Math.round((now - (p.finishedAt ?? p.startedAt)) / 60_000);
  const when = min < 1 ? 'just now' : min < 90 ? `${min} min ago` : `${Math.round(min / 60)} h ago`;
  return `last import: ${p.done} of ${p.total} files, ${p.stopped ? 'stopped' : 'finished'} ${when}`;
}

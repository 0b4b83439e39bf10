import { readFile, unlink } from 'node:fs/promises';
import { DataDirError } from './errors.ts';
import { writeFileAtomic } from './write-file-atomic.ts';

/** What `daemon.json` says about the running daemon. */
export interface DaemonInfo {
  pid: number;
  url: string;
  startedAt: number;
}

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running daemon of a data dir, if any (a file left by a crashed one is ignored). */
export async function readDaemonInfo(path: string): Promise<DaemonInfo | undefined> {
  try {
    const info = JSON.parse(await readFile(path, 'utf8')) as DaemonInfo;
    return isAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One daemon per data dir. A file left by a crashed daemon (its pid is gone) is taken
 * over, so start-up after a crash needs no manual step.
 */
export async function acquireDaemonLock(
  path: string,
  info: DaemonInfo,
): Promise<{ release(): Promise<void> }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await writeFileAtomic(path, JSON.stringify(info) + '\n', { exclusive: true })) {
      return {
        async release() {
          const cur = await readDaemonInfo(path);
          if (!cur || cur.pid === info.pid) await unlink(path).catch(() => undefined);
        },
      };
    }
    const other = await readDaemonInfo(path);
    if (other && other.pid !== info.pid)
      throw new DataDirError(
        'LOCKED',
        `a hearth daemon (pid ${other.pid}) already runs on this data dir at ${other.url}; stop it first or use another --data-dir`,
      );
    await unlink(path).catch(() => undefined);
  }
  throw new DataDirError('LOCKED', `cannot take ${path}; remove it if no hearth daemon runs`);
}

/** Rewrite the info (e.g. once the HTTP address is known). */
export async function updateDaemonInfo(path: string, info: DaemonInfo): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(info) + '\n');
}

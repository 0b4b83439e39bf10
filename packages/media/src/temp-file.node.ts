import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extensionOf, inputName, type MediaInput } from './media-input.ts';

/**
 * Give a tool that only reads paths a path for any MediaInput: the path itself, or the bytes
 * written to a private temp dir (removed by `release`). Only the extension of the display name
 * is kept, so a hostile name (`../x`, NUL) never reaches the file system.
 */
export async function withInputPath<T>(input: MediaInput, fn: (path: string) => Promise<T>): Promise<T> {
  if ('path' in input) return fn(input.path);
  const dir = await mkdtemp(tempPrefix());
  const ext = extensionOf(inputName(input))
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 8);
  const path = join(dir, ext ? `input.${ext}` : 'input');
  try {
    await writeFile(path, input.bytes);
    return await fn(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A private temp dir for a tool's outputs, removed after `fn`. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(tempPrefix());
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Temp dirs carry the owner's pid, so a later process can tell a killed owner's leftovers. */
const PREFIX = 'hearth-media-';
const tempPrefix = (): string => join(tmpdir(), `${PREFIX}${process.pid}-`);

/**
 * Remove temp dirs left by processes that died without cleaning up (SIGKILL during an ffmpeg
 * job leaves its input copy and partial output). Only dirs whose owner pid is gone are removed;
 * unnamed ones from older versions once they are a day old. Returns how many were removed.
 */
export async function removeStaleTempDirs(dir = tmpdir(), now = Date.now()): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(PREFIX)) continue;
    const m = /^hearth-media-(\d+)-/.exec(name);
    const path = join(dir, name);
    let stale: boolean;
    if (m) stale = Number(m[1]) !== process.pid && !isAlive(Number(m[1]));
    else
      stale = await stat(path).then(
        (s) => now - s.mtimeMs > 86_400_000,
        () => false,
      );
    if (!stale) continue;
    await rm(path, { recursive: true, force: true }).then(
      () => removed++,
      () => undefined,
    );
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

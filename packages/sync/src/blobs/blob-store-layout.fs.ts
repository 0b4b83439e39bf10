/**
 * Where the filesystem store keeps things under its root, and the start-up housekeeping of
 * those directories: `sha256/ab/cd/<hash>` (one file per large blob), `pack/` (small blobs,
 * blob-pack-set.fs.ts), `tmp/` (writes in progress, `<pid>-<uuid>`), `partial/` (resumable
 * fetches, blob-partial.fs.ts), `quarantine/` (blobs scrub found corrupt), `log/` (an earlier
 * version's small-blob log, replayed once), `manifest/ab/<hash>` (chunk manifests, derived).
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { BlobHash } from '../ids.ts';
import { fsyncDir } from './blob-store-log.fs.ts';

/** The store's directories and where a blob's own file is. */
export interface StoreLayout {
  root: string;
  blobsDir: string;
  tmpDir: string;
  quarantineDir: string;
  partialDir: string;
  packDir: string;
  logDir: string;
  /** Chunk manifests kept per blob (blob-manifest-files.fs.ts). */
  manifestDir: string;
  /** `sha256/ab/cd/<hash>`. */
  pathOf(hash: BlobHash): string;
}

export function storeLayout(root: string): StoreLayout {
  const blobsDir = join(root, 'sha256');
  return {
    root,
    blobsDir,
    tmpDir: join(root, 'tmp'),
    quarantineDir: join(root, 'quarantine'),
    partialDir: join(root, 'partial'),
    packDir: join(root, 'pack'),
    logDir: join(root, 'log'),
    manifestDir: join(root, 'manifest'),
    pathOf: (hash) => join(blobsDir, hash.slice(0, 2), hash.slice(2, 4), hash),
  };
}

/**
 * Makes the store's directories (those missing), durably: a directory made is synced in its
 * parent, as publish does for fan-out directories. Without that, a crash (ext4 without a
 * journal orders nothing) after a first put could lose `sha256/` itself with the blob in it.
 * Nothing is synced when they all exist (every start but the first).
 */
export async function makeStoreDirs(layout: StoreLayout): Promise<void> {
  const parents = new Set<string>();
  for (const d of [layout.blobsDir, layout.quarantineDir, layout.tmpDir, layout.partialDir]) {
    const fresh = await mkdir(d, { recursive: true });
    // Each directory from the first one made down to `d`'s parent gained an entry.
    for (let p = d; fresh !== undefined && p !== dirname(fresh); p = dirname(p)) parents.add(dirname(p));
  }
  // A directory above the store may not be ours to open (read permission): best effort there.
  const inside = (d: string) => d === layout.root || d.startsWith(layout.root + sep);
  await Promise.all([...parents].map((d) => (inside(d) ? fsyncDir(d) : fsyncDir(d).catch(() => undefined))));
}

/**
 * Removes temp files of writers that are gone: interrupted writes, never visible as blobs,
 * safe to drop. A live writer's are left alone (a daemon and a CLI import may share a store).
 */
export async function dropTempLeftovers(tmpDir: string): Promise<void> {
  for (const name of await readdir(tmpDir)) {
    if (!isLiveWriter(Number(/^(\d+)-/.exec(name)?.[1])))
      await rm(join(tmpDir, name), { recursive: true, force: true });
  }
}

/** Partials nobody came back for in this long are dropped at start. */
export const PARTIAL_MAX_AGE_MS = 7 * 24 * 3600_000;

/** Temp files and logs are named `<pid>-<uuid>`, partials `<hash>.<pid>`; a writer is live while its process exists. */
export function isLiveWriter(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false; // this process is starting: none of its puts are running yet
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Which partial files a fetch may resume from, without reading the partial directory on every
 * fetch: a fetch of a new blob used to list `partial/` and try to open its own file before
 * writing anything (six file-system calls through the thread pool per blob, for a directory
 * that is nearly always empty). The directory is listed once, and again only when that
 * listing is older than `rescanMs`, so a leftover of another process sharing the store (a CLI
 * import beside the daemon) that died since is picked up within that time; this process's own
 * partials (kept by `close` for a later attempt) are remembered as they are left.
 */
import { readdir } from 'node:fs/promises';
import type { BlobHash } from '../ids.ts';

/** The partials a store knows of. */
export interface PartialIndex {
  /** Partial file names (`<hash>.<pid>`) of other processes for `hash`, as last listed. */
  others(hash: BlobHash): Promise<string[]>;
  /** A file of another process was claimed (renamed) or removed. */
  forget(hash: BlobHash, name: string): void;
  /** Whether this process left its own partial of `hash` (to resume from). */
  ownKept(hash: BlobHash): boolean;
  /** This process's own partial of `hash` was kept (true) or is gone (false). */
  setOwn(hash: BlobHash, kept: boolean): void;
}

export function createPartialIndex(dir: string, rescanMs = 60_000): PartialIndex {
  let byHash = new Map<string, string[]>();
  /** When the directory was last listed (undefined: never). */
  let listedAt: number | undefined;
  let listing: Promise<void> | undefined;
  const own = new Set<string>();
  const mine = `.${process.pid}`;

  async function list(): Promise<void> {
    const next = new Map<string, string[]>();
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const dot = name.lastIndexOf('.');
      if (dot <= 0) continue;
      // Our own files are known by `own` (a name with our pid left by a dead process
      // whose pid we now have is claimed too: it is not being written).
      const hash = name.slice(0, dot);
      if (name.endsWith(mine)) {
        own.add(hash);
        continue;
      }
      const names = next.get(hash);
      if (names) names.push(name);
      else next.set(hash, [name]);
    }
    byHash = next;
    listedAt = performance.now();
  }

  return {
    async others(hash) {
      if (listedAt === undefined || performance.now() - listedAt > rescanMs) {
        listing ??= list().finally(() => (listing = undefined));
        await listing;
      }
      return byHash.get(hash) ?? [];
    },
    forget(hash, name) {
      const names = byHash.get(hash)?.filter((n) => n !== name);
      if (names?.length) byHash.set(hash, names);
      else byHash.delete(hash);
    },
    ownKept: (hash) => own.has(hash),
    setOwn(hash, kept) {
      if (kept) own.add(hash);
      else own.delete(hash);
    },
  };
}

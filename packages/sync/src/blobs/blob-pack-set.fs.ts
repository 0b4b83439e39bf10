/**
 * Small blobs of the filesystem store in append-only pack files (`<root>/pack/`), record
 * format in blob-pack.fs.ts.
 *
 * Creating, fsyncing and renaming one file per thumbnail, plus a directory fsync, was most
 * of the fs store's time on many small blobs. Here a put is hashed first, then appended
 * with every put waiting at that moment in one write and one `datasync` (group commit:
 * blob-pack-writer.fs.ts), and only then counts: a crash leaves whole verified records or
 * none (a scan re-hashes the records of a pack that has no index).
 *
 * Each process appends to packs of its own (`<pid>-<uuid>.pack`; a daemon and a CLI import
 * may share one store); a pack is sealed (its index written beside it) when it reaches
 * `maxPackBytes`, on `stop()`, or on the next start after its writer died. A lookup that
 * misses rescans the directory (one stat when nothing changed), so a blob another process
 * packed is found. Delete appends a tombstone naming the record; a sealed pack whose records
 * are all deleted is removed, and one more than half deleted is compacted on start.
 *
 * Split by concern: what is known (blob-pack-state.fs.ts, over the compact index of
 * blob-pack-index.ts), the files (blob-pack-files.fs.ts), compaction (blob-pack-compact.fs.ts),
 * appending (blob-pack-writer.fs.ts) and the record format (blob-pack.fs.ts).
 */
import { mkdir, readdir, rm, stat, type FileHandle } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { BlobHash } from '../ids.ts';
import { createPackWriter } from './blob-pack-writer.fs.ts';
import { HEADER, KIND_BLOB, KIND_TOMBSTONE, tombstoneBody } from './blob-pack.fs.ts';
import { createPackState, type PackEntry } from './blob-pack-state.fs.ts';
import { createPackFiles } from './blob-pack-files.fs.ts';
import { compactPacks } from './blob-pack-compact.fs.ts';

export type { PackEntry } from './blob-pack-state.fs.ts';

/** The packs of one store directory, as this process sees them. */
export interface PackSet {
  start(): Promise<void>;
  /** Seals this process's pack. */
  stop(): Promise<void>;
  lookup(hash: BlobHash): PackEntry | undefined;
  /** Picks up what other processes packed or deleted since (cheap when nothing changed). */
  refresh(): Promise<void>;
  /** Appends a verified blob; resolves once it is durable (false: it was already packed). */
  put(hash: BlobHash, bytes: Uint8Array): Promise<boolean>;
  /** Reads bytes of a packed blob (undefined: its pack is gone, i.e. the blob was deleted). */
  read(entry: PackEntry, start: number, length: number): Promise<Uint8Array | undefined>;
  /** The file and byte range of a packed blob, for streaming. */
  location(entry: PackEntry): { path: string; start: number };
  /** Tombstones every packed copy of `hash`; false when none was packed. */
  remove(hash: BlobHash): Promise<boolean>;
  /** Each packed blob once, with its entries. */
  entries(): IterableIterator<[BlobHash, PackEntry[]]>;
}

/** Options of the pack set. */
export interface PackSetOptions {
  dir: string;
  /** A pack is sealed and a new one begun past this size (default 256 MiB). */
  maxPackBytes?: number;
  /** Opens a new pack for writing (the store's `openTemp` seam: e.g. a full disk). */
  openWrite?: (path: string) => Promise<FileHandle>;
  isLiveWriter: (pid: number) => boolean;
}

export function createPackSet(options: PackSetOptions): PackSet {
  const { dir, isLiveWriter } = options;
  const state = createPackState(dir);
  const { packs } = state;
  const files = createPackFiles(state, isLiveWriter);
  let dirStamp = -1n;
  const pending = new Map<BlobHash, Promise<boolean>>();
  let refreshing: Promise<void> | undefined;
  let again: Promise<void> | undefined;

  async function doRefresh(): Promise<void> {
    // Synchronous: one local stat, on every lookup that misses (see looseSize in blob-store.fs.ts).
    const s = statSync(dir, { bigint: true, throwIfNoEntry: false });
    const stamp = s ? s.mtimeNs ^ (s.ctimeNs << 1n) : -1n;
    if (stamp !== dirStamp) {
      dirStamp = stamp;
      for (const name of await readdir(dir).catch(() => [] as string[]))
        if (name.endsWith('.pack') && !packs.has(name))
          await files.load(name, false).catch(async () => {
            const pack = packs.get(name);
            packs.delete(name);
            if (pack) await files.closeReader(pack); // a scan that failed may have opened it
          });
    }
    for (const pack of packs.values()) {
      if (pack.own || pack.sealed) continue;
      const size = (await stat(pack.path).catch(() => undefined))?.size;
      if (size !== undefined && size > pack.end) await files.scanMore(pack);
      if (
        await stat(`${pack.path}.idx`).then(
          () => true,
          () => false,
        )
      )
        pack.sealed = true;
    }
  }

  function refresh(): Promise<void> {
    if (!refreshing) {
      refreshing = doRefresh().finally(() => (refreshing = undefined));
      return refreshing;
    }
    // One already running may have missed what the caller looks for: one more after it.
    again ??= refreshing
      .catch(() => undefined)
      .then(() => {
        again = undefined;
        return refresh();
      });
    return again;
  }

  const writer = createPackWriter({
    dir,
    maxPackBytes: options.maxPackBytes ?? 256 << 20,
    ...(options.openWrite ? { openWrite: options.openWrite } : {}),
    begun: (name) => void state.add(name, true),
    written(name, records, end) {
      const pack = packs.get(name);
      if (!pack) return;
      pack.end = end;
      for (const r of records) state.apply(pack, r);
    },
    async retired(name, end, records) {
      const pack = packs.get(name);
      if (!pack) return;
      pack.own = false;
      if (end === 0) return files.dropEmpty(pack);
      await files.seal(pack, records);
      await files.dropIfDead(pack);
    },
  });

  return {
    async start() {
      await mkdir(dir, { recursive: true });
      // Lookups before start (commands that never call it) may have opened packs: closed, not dropped open.
      await Promise.all([...packs.values()].map((p) => files.closeReader(p)));
      state.clear();
      const names = await readdir(dir);
      for (const name of names.sort()) if (name.endsWith('.pack')) await files.load(name, true);
      for (const name of names) {
        // An index whose pack is gone, or an index write a crash interrupted.
        const idxOf = /^(.*\.pack)\.idx(?:\.(\d+)-.*)?$/.exec(name);
        if (!idxOf) continue;
        if (idxOf[2] ? !isLiveWriter(Number(idxOf[2])) : !names.includes(idxOf[1]!))
          await rm(join(dir, name), { force: true });
      }
      // Until nothing changes: a pack of tombstones goes once the packs they name are gone.
      for (let dropped = true; dropped;) {
        dropped = false;
        for (const pack of [...packs.values()]) if (await files.dropIfDead(pack)) dropped = true;
      }
      await compactPacks(state, files, writer, isLiveWriter);
      dirStamp = -1n;
    },
    async stop() {
      await writer.close();
      await Promise.all([...packs.values()].map((p) => files.closeReader(p)));
    },
    lookup: (hash) => state.first(hash),
    refresh,
    put(hash, bytes) {
      const held = pending.get(hash);
      if (held) return held.then(() => false);
      if (state.first(hash)) return Promise.resolve(false);
      const p = writer.append(hash, KIND_BLOB, bytes).then(() => true);
      pending.set(hash, p);
      void p.then(
        () => pending.delete(hash),
        () => pending.delete(hash),
      );
      return p;
    },
    read: (entry, start, length) => files.read(entry, start, length),
    location: (entry) => ({ path: join(dir, entry.pack), start: entry.offset + HEADER }),
    async remove(hash) {
      const list = state.all(hash);
      if (list.length === 0) return false;
      await Promise.all(
        list.map((e) =>
          writer.append(hash, KIND_TOMBSTONE, tombstoneBody(e), { pack: e.pack, offset: e.offset }),
        ),
      );
      for (const e of list) {
        const pack = packs.get(e.pack);
        if (pack) await files.dropIfDead(pack);
      }
      return true;
    },
    entries: () => state.entries(),
  };
}

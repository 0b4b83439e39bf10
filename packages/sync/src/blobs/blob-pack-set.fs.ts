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
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { BlobHash } from '../ids.ts';
import { fsyncDir } from './blob-store-log.fs.ts';
import { createPackWriter, isWriting } from './blob-pack-writer.fs.ts';
import {
  decodeIndex,
  encodeIndex,
  HEADER,
  KIND_BLOB,
  KIND_TOMBSTONE,
  scanPack,
  tombstoneBody,
  type PackRecord,
} from './blob-pack.fs.ts';

/** Where a packed blob's bytes are. */
export interface PackEntry {
  pack: string;
  /** The record's header; the bytes follow it. */
  offset: number;
  size: number;
}

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

interface Pack {
  name: string;
  path: string;
  /** Where the next scan starts (or, for this process's pack, the next record). */
  end: number;
  sealed: boolean;
  /** Written by this store instance. */
  own: boolean;
  reader: Promise<FileHandle> | undefined;
  live: number;
  /** Its tombstones of records in other packs: needed while those packs exist. */
  tombs: { hash: BlobHash; target: { pack: string; offset: number } }[];
}

const pidOf = (name: string) => Number(/^(\d+)-/.exec(name)?.[1]);
const key = (pack: string, offset: number) => `${pack}:${offset}`;
/** Compaction leaves a pack alone below this many dead bytes. */
const COMPACT_MIN_DEAD = 1 << 20;

export function createPackSet(options: PackSetOptions): PackSet {
  const { dir, isLiveWriter } = options;
  const packs = new Map<string, Pack>();
  const index = new Map<BlobHash, PackEntry[]>();
  const dead = new Set<string>();
  let dirStamp = -1n;
  const pending = new Map<BlobHash, Promise<boolean>>();
  let refreshing: Promise<void> | undefined;
  let again: Promise<void> | undefined;

  function apply(pack: Pack, r: PackRecord): void {
    if (r.kind === KIND_BLOB) {
      if (dead.has(key(pack.name, r.offset))) return;
      const list = index.get(r.hash) ?? [];
      list.push({ pack: pack.name, offset: r.offset, size: r.size });
      index.set(r.hash, list);
      pack.live++;
      return;
    }
    if (r.target.pack !== pack.name) pack.tombs.push({ hash: r.hash, target: r.target });
    const k = key(r.target.pack, r.target.offset);
    if (dead.has(k)) return;
    dead.add(k);
    const list = index.get(r.hash);
    const i = list?.findIndex((e) => e.pack === r.target.pack && e.offset === r.target.offset) ?? -1;
    if (!list || i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) index.delete(r.hash);
    const p = packs.get(r.target.pack);
    if (p) p.live--;
  }

  /** Loads a pack found on disk: from its index when sealed, else by a verifying scan. */
  async function load(name: string, atStart: boolean): Promise<void> {
    const path = join(dir, name);
    const pack: Pack = {
      name,
      path,
      end: 0,
      sealed: false,
      own: false,
      reader: undefined,
      live: 0,
      tombs: [],
    };
    const idx = await readFile(`${path}.idx`).catch(() => undefined);
    const records = idx && decodeIndex(idx);
    packs.set(name, pack);
    if (records) {
      pack.sealed = true;
      for (const r of records) apply(pack, r);
      return;
    }
    const all = await scanMore(pack);
    // The writer is gone: nothing more will be appended, so the scan's result is final.
    if (atStart && !isWriting(path) && !isLiveWriter(pidOf(name)))
      await writeIndex(pack, all).catch(() => undefined); // unsealed is still correct, only slower
  }

  /** Applies the records appended since the last scan; returns them. */
  async function scanMore(pack: Pack): Promise<PackRecord[]> {
    const fh = await reader(pack);
    const { records, end } = await scanPack(fh, pack.end);
    pack.end = end;
    for (const r of records) apply(pack, r);
    return records;
  }

  function reader(pack: Pack): Promise<FileHandle> {
    pack.reader ??= open(pack.path, 'r');
    const r = pack.reader;
    r.catch(() => pack.reader === r && (pack.reader = undefined));
    return r;
  }

  async function writeIndex(pack: Pack, records: readonly PackRecord[]): Promise<void> {
    const tmp = `${pack.path}.idx.${process.pid}-${randomUUID()}`;
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writev(encodeIndex(records));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, `${pack.path}.idx`);
    await fsyncDir(dir);
    pack.sealed = true;
  }

  /** A sealed pack with nothing live in it is removed (its records' tombstones then name nothing). */
  async function dropIfDead(pack: Pack): Promise<boolean> {
    if (!pack.sealed || pack.live > 0 || isWriting(pack.path)) return false;
    // Its tombstones keep blobs deleted while the packs holding them exist.
    if (pack.tombs.some((t) => packs.has(t.target.pack))) return false;
    packs.delete(pack.name);
    const r = pack.reader;
    pack.reader = undefined;
    await r?.then((fh) => fh.close()).catch(() => undefined);
    await rm(pack.path, { force: true });
    await rm(`${pack.path}.idx`, { force: true });
    return true;
  }

  async function doRefresh(): Promise<void> {
    // Synchronous: one local stat, on every lookup that misses (see looseSize in blob-store.fs.ts).
    const s = statSync(dir, { bigint: true, throwIfNoEntry: false });
    const stamp = s ? s.mtimeNs ^ (s.ctimeNs << 1n) : -1n;
    if (stamp !== dirStamp) {
      dirStamp = stamp;
      for (const name of await readdir(dir).catch(() => [] as string[]))
        if (name.endsWith('.pack') && !packs.has(name))
          await load(name, false).catch(() => packs.delete(name));
    }
    for (const pack of packs.values()) {
      if (pack.own || pack.sealed) continue;
      const size = (await stat(pack.path).catch(() => undefined))?.size;
      if (size !== undefined && size > pack.end) await scanMore(pack);
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
    begun(name, path) {
      packs.set(name, {
        name,
        path,
        end: 0,
        sealed: false,
        own: true,
        reader: undefined,
        live: 0,
        tombs: [],
      });
    },
    written(name, records, end) {
      const pack = packs.get(name);
      if (!pack) return;
      pack.end = end;
      for (const r of records) apply(pack, r);
    },
    async retired(name, end, records) {
      const pack = packs.get(name);
      if (!pack) return;
      pack.own = false;
      if (end === 0) {
        packs.delete(name);
        await pack.reader?.then((fh) => fh.close()).catch(() => undefined);
        await rm(pack.path, { force: true });
        return;
      }
      await writeIndex(pack, records);
      await dropIfDead(pack);
    },
  });

  async function readEntry(entry: PackEntry, start: number, length: number): Promise<Uint8Array | undefined> {
    const pack = packs.get(entry.pack);
    if (!pack) return undefined;
    const fh = await reader(pack).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    });
    if (!fh) return undefined;
    const n = Math.min(Math.max(0, length), entry.size - start);
    // Not zero-filled first: every byte is read over (or the read fails).
    const bytes = Buffer.allocUnsafe(n);
    let at = 0;
    while (at < n) {
      const { bytesRead } = await fh.read(bytes, at, n - at, entry.offset + HEADER + start + at);
      if (bytesRead === 0) return undefined;
      at += bytesRead;
    }
    return new Uint8Array(bytes.buffer, bytes.byteOffset, n);
  }

  /**
   * Compaction, on start: a sealed pack of a writer that is gone, more than half of it (and
   * at least 1 MiB) deleted records, has its live blobs appended again (re-hashed first: a
   * rotten one is not copied but left for scrub) and then tombstoned, so it holds nothing
   * live and is removed. A crash in between leaves a blob twice, never none.
   */
  async function compact(): Promise<void> {
    const byPack = new Map<string, [BlobHash, PackEntry][]>();
    for (const [h, list] of index)
      for (const e of list) {
        const l = byPack.get(e.pack) ?? [];
        l.push([h, e]);
        byPack.set(e.pack, l);
      }
    for (const pack of [...packs.values()]) {
      if (!pack.sealed || pack.own || isWriting(pack.path) || isLiveWriter(pidOf(pack.name))) continue;
      const size = (await stat(pack.path).catch(() => undefined))?.size ?? 0;
      const live = byPack.get(pack.name) ?? [];
      const liveBytes = live.reduce((n, [, e]) => n + HEADER + e.size, 0);
      if (size - liveBytes < COMPACT_MIN_DEAD || liveBytes * 2 > size) continue;
      for (let i = 0; i < live.length; i += 256) {
        const group = live.slice(i, i + 256);
        const copied = await Promise.all(
          group.map(async ([h, e]) => {
            const bytes = await readEntry(e, 0, e.size);
            if (!bytes || createHash('sha256').update(bytes).digest('hex') !== h) return false;
            await writer.append(h, KIND_BLOB, bytes);
            return true;
          }),
        );
        await Promise.all(
          group
            .filter((_, k) => copied[k])
            .map(([h, e]) =>
              writer.append(h, KIND_TOMBSTONE, tombstoneBody(e), { pack: e.pack, offset: e.offset }),
            ),
        );
      }
      // Its tombstones of records that still exist move too, or those blobs would come back.
      const tombs = pack.tombs.filter((t) => packs.has(t.target.pack) && t.target.pack !== pack.name);
      await Promise.all(
        tombs.map((t) => writer.append(t.hash, KIND_TOMBSTONE, tombstoneBody(t.target), t.target)),
      );
      pack.tombs = [];
      await dropIfDead(pack);
    }
  }

  return {
    async start() {
      await mkdir(dir, { recursive: true });
      packs.clear();
      index.clear();
      dead.clear();
      const names = await readdir(dir);
      for (const name of names.sort()) if (name.endsWith('.pack')) await load(name, true);
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
        for (const pack of [...packs.values()]) if (await dropIfDead(pack)) dropped = true;
      }
      await compact();
      dirStamp = -1n;
    },
    async stop() {
      await writer.close();
      await Promise.all(
        [...packs.values()].map(async (p) => {
          const r = p.reader;
          p.reader = undefined;
          await r?.then((fh) => fh.close()).catch(() => undefined);
        }),
      );
    },
    lookup: (hash) => index.get(hash)?.[0],
    refresh,
    put(hash, bytes) {
      const held = pending.get(hash);
      if (held) return held.then(() => false);
      if (index.has(hash)) return Promise.resolve(false);
      const p = writer.append(hash, KIND_BLOB, bytes).then(() => true);
      pending.set(hash, p);
      void p.then(
        () => pending.delete(hash),
        () => pending.delete(hash),
      );
      return p;
    },
    read: readEntry,
    location: (entry) => ({ path: join(dir, entry.pack), start: entry.offset + HEADER }),
    async remove(hash) {
      const list = [...(index.get(hash) ?? [])];
      if (list.length === 0) return false;
      await Promise.all(
        list.map((e) =>
          writer.append(hash, KIND_TOMBSTONE, tombstoneBody(e), { pack: e.pack, offset: e.offset }),
        ),
      );
      for (const e of list) {
        const pack = packs.get(e.pack);
        if (pack) await dropIfDead(pack);
      }
      return true;
    },
    entries: () => index.entries(),
  };
}

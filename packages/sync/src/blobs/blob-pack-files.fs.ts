/**
 * The file side of the pack set (blob-pack-set.fs.ts): loading a pack found on disk (from
 * its index when sealed, else by a verifying scan), sealing one (writing its index),
 * removing one with nothing live, and reading a packed blob's bytes.
 */
import { randomUUID } from 'node:crypto';
import { open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { fsyncDir } from './blob-store-log.fs.ts';
import { isWriting } from './blob-pack-writer.fs.ts';
import { encodeIndex, HEADER, scanPack, walkIndex, type PackRecord } from './blob-pack.fs.ts';
import type { Pack, PackEntry, PackState } from './blob-pack-state.fs.ts';
import { createPackReadBatcher } from './blob-pack-read-batch.fs.ts';

/** The pid in a pack's name (`<pid>-<uuid>.pack`): whose writer made it. */
export const pidOf = (name: string): number => Number(/^(\d+)-/.exec(name)?.[1]);

/** File operations on the packs of a pack state. */
export interface PackFiles {
  /** Loads a pack found on disk; at start, a dead writer's unsealed pack is sealed. */
  load(name: string, atStart: boolean): Promise<void>;
  /** Applies the records appended since the last scan; returns them. */
  scanMore(pack: Pack): Promise<PackRecord[]>;
  /** Writes a pack's index beside it: the pack is sealed. */
  seal(pack: Pack, records: readonly PackRecord[]): Promise<void>;
  /** Removes a sealed pack with nothing live in it; true when it went. */
  dropIfDead(pack: Pack): Promise<boolean>;
  /** Removes a pack of this process that holds no record. */
  dropEmpty(pack: Pack): Promise<void>;
  /** Bytes of a packed blob (undefined: its pack is gone, i.e. the blob was deleted). */
  read(entry: PackEntry, start: number, length: number): Promise<Uint8Array | undefined>;
  closeReader(pack: Pack): Promise<void>;
}

export function createPackFiles(state: PackState, isLiveWriter: (pid: number) => boolean): PackFiles {
  const { dir, packs } = state;
  const readRange = createPackReadBatcher();

  function reader(pack: Pack): Promise<FileHandle> {
    pack.reader ??= open(pack.path, 'r');
    const r = pack.reader;
    r.catch(() => pack.reader === r && (pack.reader = undefined));
    return r;
  }

  async function closeReader(pack: Pack): Promise<void> {
    const r = pack.reader;
    pack.reader = undefined;
    await r?.then((fh) => fh.close()).catch(() => undefined);
  }

  async function scanMore(pack: Pack): Promise<PackRecord[]> {
    const fh = await reader(pack);
    const { records, end } = await scanPack(fh, pack.end);
    pack.end = end;
    for (const r of records) state.apply(pack, r);
    return records;
  }

  async function seal(pack: Pack, records: readonly PackRecord[]): Promise<void> {
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

  return {
    async load(name, atStart) {
      const pack = state.add(name, false);
      const idx = await readFile(`${pack.path}.idx`).catch(() => undefined);
      const indexed =
        idx &&
        walkIndex(idx, {
          blob: (bytes, hashAt, offset, size) => state.applyIndexed(pack, bytes, hashAt, offset, size),
          tombstone: (r) => state.apply(pack, r),
        });
      if (indexed) {
        pack.sealed = true;
        return;
      }
      const all = await scanMore(pack);
      // The writer is gone: nothing more will be appended, so the scan's result is final.
      if (atStart && !isWriting(pack.path) && !isLiveWriter(pidOf(name)))
        await seal(pack, all).catch(() => undefined); // unsealed is still correct, only slower
    },
    scanMore,
    seal,
    async dropIfDead(pack) {
      if (!pack.sealed || pack.live > 0 || isWriting(pack.path)) return false;
      // Its tombstones keep blobs deleted while the packs holding them exist.
      if (pack.tombs.some((t) => packs.has(t.target.pack))) return false;
      packs.delete(pack.name);
      await closeReader(pack);
      await rm(pack.path, { force: true });
      await rm(`${pack.path}.idx`, { force: true });
      return true;
    },
    async dropEmpty(pack) {
      packs.delete(pack.name);
      await closeReader(pack);
      await rm(pack.path, { force: true });
    },
    async read(entry, start, length) {
      const pack = packs.get(entry.pack);
      if (!pack) return undefined;
      const fh = await reader(pack).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return undefined;
        throw e;
      });
      if (!fh) return undefined;
      const n = Math.min(Math.max(0, length), entry.size - start);
      // Neighbouring blobs asked in the same turn (a `smalls` answer) share one read.
      return readRange(fh, entry.offset + HEADER + start, n);
    },
    closeReader,
  };
}

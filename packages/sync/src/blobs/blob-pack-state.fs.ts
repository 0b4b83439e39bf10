/**
 * What the pack set (blob-pack-set.fs.ts) knows about its packs: each pack found, the
 * compact index of live blob records (blob-pack-index.ts) and the records tombstones
 * removed. Records are applied in the order they were found; a tombstone may name a pack
 * not loaded yet, so a record it names is remembered as dead and skipped when it turns up.
 */
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobHash } from '../ids.ts';
import { createPackIndex } from './blob-pack-index.ts';
import { HEADER, KIND_BLOB, type PackRecord } from './blob-pack.fs.ts';

/** Where a packed blob's bytes are. */
export interface PackEntry {
  pack: string;
  /** The record's header; the bytes follow it. */
  offset: number;
  size: number;
}

/** A tombstone's target: a record of a pack. */
export interface RecordRef {
  pack: string;
  offset: number;
}

/** One pack file as this process sees it. */
export interface Pack {
  name: string;
  /** Its number in the index. */
  id: number;
  path: string;
  /** Where the next scan starts (or, for this process's pack, the next record). */
  end: number;
  sealed: boolean;
  /** Written by this store instance. */
  own: boolean;
  reader: Promise<FileHandle> | undefined;
  live: number;
  /** Bytes of its live blob records, headers included. */
  liveBytes: number;
  /** Its tombstones of records in other packs: needed while those packs exist. */
  tombs: { hash: BlobHash; target: RecordRef }[];
}

/** The packs and index of one pack directory. */
export interface PackState {
  readonly dir: string;
  readonly packs: Map<string, Pack>;
  /** Registers a pack (found on disk, or begun by this process). */
  add(name: string, own: boolean): Pack;
  /** Applies a durable record of `pack` to the index. */
  apply(pack: Pack, r: PackRecord): void;
  /** `apply` of a blob record read from a sealed pack's index (walkIndex in blob-pack.fs.ts). */
  applyIndexed(pack: Pack, index: Uint8Array, hashAt: number, offset: number, size: number): void;
  first(hash: string): PackEntry | undefined;
  all(hash: string): PackEntry[];
  /** Each live packed blob's entries, once per hash. */
  entries(): IterableIterator<[BlobHash, PackEntry[]]>;
  /** The live entries of one pack. */
  entriesOf(pack: Pack): [BlobHash, PackEntry][];
  clear(): void;
}

export function createPackState(dir: string): PackState {
  const packs = new Map<string, Pack>();
  const index = createPackIndex();
  // Pack names ↔ the index's numbers; a number is never reused while the state lives.
  const ids = new Map<string, number>();
  const names: string[] = [];
  /** Records tombstoned: pack number × 2^32 + offset. */
  const dead = new Set<number>();

  const idOf = (name: string): number => {
    let id = ids.get(name);
    if (id === undefined) {
      id = names.push(name) - 1;
      ids.set(name, id);
    }
    return id;
  };
  const ref = (id: number, offset: number) => id * 2 ** 32 + offset;
  const entryOf = (at: { pack: number; offset: number; size: number }): PackEntry => ({
    pack: names[at.pack]!,
    offset: at.offset,
    size: at.size,
  });

  return {
    dir,
    packs,
    add(name, own) {
      const pack: Pack = {
        name,
        id: idOf(name),
        path: join(dir, name),
        end: 0,
        sealed: false,
        own,
        reader: undefined,
        live: 0,
        liveBytes: 0,
        tombs: [],
      };
      packs.set(name, pack);
      return pack;
    },
    applyIndexed(pack, bytes, hashAt, offset, size) {
      if (dead.size > 0 && dead.has(ref(pack.id, offset))) return;
      index.addBytes(bytes, hashAt, pack.id, offset, size);
      pack.live++;
      pack.liveBytes += HEADER + size;
    },
    apply(pack, r) {
      if (r.kind === KIND_BLOB) {
        if (dead.has(ref(pack.id, r.offset))) return;
        index.add(r.hash, pack.id, r.offset, r.size);
        pack.live++;
        pack.liveBytes += HEADER + r.size;
        return;
      }
      if (r.target.pack !== pack.name) pack.tombs.push({ hash: r.hash, target: r.target });
      const target = idOf(r.target.pack);
      const k = ref(target, r.target.offset);
      if (dead.has(k)) return;
      dead.add(k);
      const size = index.remove(r.hash, target, r.target.offset);
      const p = packs.get(r.target.pack);
      if (size < 0 || !p) return;
      p.live--;
      p.liveBytes -= HEADER + size;
    },
    first(hash) {
      const at = index.first(hash);
      return at && entryOf(at);
    },
    all: (hash) => index.all(hash).map(entryOf),
    *entries() {
      for (const h of index.hashes()) yield [h, index.all(h).map(entryOf)];
    },
    entriesOf(pack) {
      const out: [BlobHash, PackEntry][] = [];
      index.forEach((h, at) => out.push([h, entryOf(at)]), pack.id);
      return out;
    },
    clear() {
      packs.clear();
      index.clear();
      dead.clear();
    },
  };
}

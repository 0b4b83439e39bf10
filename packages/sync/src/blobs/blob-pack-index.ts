/**
 * The pack set's in-memory index (blob-pack-set.fs.ts): blob hash → where its record is
 * (pack id, offset, size), held in two typed arrays instead of a Map of strings and objects.
 *
 * A `Map<BlobHash, PackEntry[]>` cost ~350 B of heap per blob (a 64-character string, an
 * array and an object per entry); a home node holds 2–3 small blobs per photo, so a
 * million of them. Here an entry is 11 u32 words (the SHA-256 as 8 words, pack id, offset,
 * size) in one growable array, found through an open-addressing table of entry numbers
 * (linear probing, at most 3/4 full): ~50–60 B per blob (bench/blob-pack-index.ts).
 * A hash may have several entries (the same blob in two packs, e.g. when a crash cut a
 * compaction short); they sit in the same probe run.
 */
import type { BlobHash } from '../ids.ts';
import { hexOf, parseHash as parse, wordOf } from './blob-pack-hex.ts';

/** Where one record of a blob is: its pack (an id the caller gives), offset and size. */
export interface PackLocation {
  pack: number;
  offset: number;
  size: number;
}

/** hash → pack locations, compact. */
export interface PackIndex {
  /** Live entries (a blob packed twice counts twice). */
  readonly count: number;
  add(hash: BlobHash, pack: number, offset: number, size: number): void;
  /** `add` with the hash as its 32 bytes at `at` of `bytes` (a sealed pack's index, read at start). */
  addBytes(bytes: Uint8Array, at: number, pack: number, offset: number, size: number): void;
  /** The first entry of `hash` (undefined: not packed, or not a hash). */
  first(hash: string): PackLocation | undefined;
  all(hash: string): PackLocation[];
  /** Removes the entry of `hash` at `pack`/`offset`; its size, or -1 when there is none. */
  remove(hash: string, pack: number, offset: number): number;
  /** Every live entry (of pack `only`, when given), in insertion order. */
  forEach(fn: (hash: BlobHash, at: PackLocation) => void, only?: number): void;
  /** Each packed hash once (the index must not change while this runs). */
  hashes(): IterableIterator<BlobHash>;
  clear(): void;
  /** Bytes the index holds (its two arrays). */
  readonly byteLength: number;
}

const WORDS = 11;
const PACK = 8;
const OFFSET = 9;
const SIZE = 10;
/** Table slots: 0 empty, 1 an entry was removed here (probing goes on), i + 2 entry i. */
const EMPTY = 0;
const GONE = 1;
/** The pack word of a removed entry. */
const DEAD = 0xffffffff;
const MIN_ENTRIES = 1024;
const MIN_SLOTS = 2048;

export function createPackIndex(): PackIndex {
  let data = new Uint32Array(MIN_ENTRIES * WORDS);
  let used = 0; // entries written, live or removed
  let live = 0;
  let slots = new Uint32Array(MIN_SLOTS);
  let filled = 0; // slots not EMPTY
  let shift = 32 - Math.log2(MIN_SLOTS);
  // A per-index seed: blobs crafted to share a bucket (a paired device could store them) cannot be aimed.
  const seed = (Math.random() * 2 ** 32) >>> 0;
  const key = new Uint32Array(8);

  const bucket = (w0: number) => Math.imul(w0 ^ seed, 0x9e3779b1) >>> shift;

  function matches(e: number): boolean {
    for (let w = 0; w < 8; w++) if (data[e + w] !== key[w]) return false;
    return true;
  }

  function place(i: number): void {
    const mask = slots.length - 1;
    let s = bucket(data[i * WORDS]!);
    while (slots[s]! > GONE) s = (s + 1) & mask;
    if (slots[s] === EMPTY) filled++;
    slots[s] = i + 2;
  }

  /** Drops removed entries and lays the table out again (sized for `want` live entries). */
  function rebuild(want: number): void {
    let n = 0;
    for (let i = 0; i < used; i++) {
      if (data[i * WORDS + PACK] === DEAD) continue;
      if (n !== i) data.copyWithin(n * WORDS, i * WORDS, (i + 1) * WORDS);
      n++;
    }
    used = n;
    let size = MIN_SLOTS;
    while (want > size * 0.6) size *= 2;
    slots = size === slots.length ? (slots.fill(EMPTY), slots) : new Uint32Array(size);
    shift = 32 - Math.log2(size);
    filled = 0;
    for (let i = 0; i < used; i++) place(i);
  }

  /** The table slot of `hash`'s entry (at `pack`/`offset` unless `pack` < 0), or -1. */
  function find(hash: string, pack: number, offset: number): number {
    // Only the first word is parsed up front: a miss usually ends there.
    const w0 = hash.length === 64 ? wordOf(hash, 0) : -1;
    if (w0 < 0) return -1;
    const mask = slots.length - 1;
    for (let s = bucket(w0); slots[s] !== EMPTY; s = (s + 1) & mask) {
      const v = slots[s]!;
      if (v === GONE) continue;
      const e = (v - 2) * WORDS;
      if (
        data[e] === w0 &&
        rest(hash, e) &&
        (pack < 0 || (data[e + PACK] === pack && data[e + OFFSET] === offset))
      )
        return s;
    }
    return -1;
  }

  /** Adds the entry of the hash in `key`. */
  function append(pack: number, offset: number, size: number): void {
    if (used * WORDS === data.length) {
      // ×1.25: the slack a doubling leaves would be most of the per-blob cost.
      const grown = new Uint32Array(Math.ceil((used * 1.25) / 64) * 64 * WORDS);
      grown.set(data);
      data = grown;
    }
    const e = used * WORDS;
    data.set(key, e);
    data[e + PACK] = pack;
    data[e + OFFSET] = offset;
    data[e + SIZE] = size;
    used++;
    live++;
    if (filled + 1 > slots.length * 0.75) rebuild(live);
    else place(used - 1);
  }

  /** The first entry in the table with entry `i`'s hash (its words compared, no string made). */
  function firstOf(i: number): number {
    const mask = slots.length - 1;
    const e = i * WORDS;
    for (let s = bucket(data[e]!); ; s = (s + 1) & mask) {
      const v = slots[s]!;
      if (v <= GONE) continue; // entry i is in this run, so an EMPTY slot is not met before it
      const e2 = (v - 2) * WORDS;
      let w = 0;
      while (w < 8 && data[e2 + w] === data[e + w]) w++;
      if (w === 8) return v - 2;
    }
  }

  /** Whether words 1–7 of `hash` are entry `e`'s (parsed as compared: a mismatch stops early). */
  function rest(hash: string, e: number): boolean {
    for (let w = 1; w < 8; w++) if (wordOf(hash, w) !== data[e + w]) return false;
    return true;
  }

  function all(hash: string): PackLocation[] {
    const out: PackLocation[] = [];
    if (!parse(hash, key)) return out;
    const mask = slots.length - 1;
    for (let s = bucket(key[0]!); slots[s] !== EMPTY; s = (s + 1) & mask) {
      const v = slots[s]!;
      if (v > GONE && matches((v - 2) * WORDS)) out.push(locationAt((v - 2) * WORDS));
    }
    return out;
  }

  const locationAt = (e: number): PackLocation => ({
    pack: data[e + PACK]!,
    offset: data[e + OFFSET]!,
    size: data[e + SIZE]!,
  });

  return {
    get count() {
      return live;
    },
    get byteLength() {
      return data.byteLength + slots.byteLength;
    },
    add(hash, pack, offset, size) {
      if (!parse(hash, key)) throw new TypeError(`not a blob hash: ${hash}`);
      append(pack, offset, size);
    },
    addBytes(bytes, at, pack, offset, size) {
      for (let w = 0; w < 8; w++, at += 4)
        key[w] = (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
      append(pack, offset, size);
    },
    first(hash) {
      const s = find(hash, -1, 0);
      return s < 0 ? undefined : locationAt((slots[s]! - 2) * WORDS);
    },
    all,
    remove(hash, pack, offset) {
      const s = find(hash, pack, offset);
      if (s < 0) return -1;
      const e = (slots[s]! - 2) * WORDS;
      const size = data[e + SIZE]!;
      data[e + PACK] = DEAD;
      slots[s] = GONE;
      live--;
      // Removed entries are reclaimed once they are a quarter of what is held.
      if (used - live > Math.max(MIN_ENTRIES, used / 4)) rebuild(live);
      return size;
    },
    forEach(fn, only) {
      for (let i = 0; i < used; i++) {
        const e = i * WORDS;
        const pack = data[e + PACK]!;
        if (pack !== DEAD && (only === undefined || pack === only)) fn(hexOf(data, e), locationAt(e));
      }
    },
    *hashes() {
      for (let i = 0; i < used; i++) {
        // A blob packed twice is reported by the entry its probe run meets first.
        if (data[i * WORDS + PACK] !== DEAD && firstOf(i) === i) yield hexOf(data, i * WORDS);
      }
    },
    clear() {
      data = new Uint32Array(MIN_ENTRIES * WORDS);
      used = 0;
      live = 0;
      slots = new Uint32Array(MIN_SLOTS);
      shift = 32 - Math.log2(MIN_SLOTS);
      filled = 0;
    },
  };
}

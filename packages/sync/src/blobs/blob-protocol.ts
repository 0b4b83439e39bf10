/**
 * `/hearth/blob/2` wire format: varint-length-prefixed CBOR frames. The client sends
 * requests, each with an `id`; the server answers every request on a stream in order.
 *
 * - `has`  {h: hashes}          → `has`  {have: booleans}     ("who has it")
 * - `meta` {h, inline}          → `meta` {size, cs, ch, data?} (chunk manifest: `ch` is the SHA-256 of
 *   each prefix ending at a chunk boundary, see blob-manifest.ts; whole blob inline when small)
 * - `get`  {h, i}               → `data` {i, d}                (chunk i: bytes [i·cs, min(size,(i+1)·cs)))
 * - `smalls` {h: hashes, inline, bin?, man?} → `smalls` {items} (many small blobs in one answer: per hash
 *   `{s: size, d: bytes}` when inlined, `{s: size}` when not (too big, or the answer is full: ask `meta`),
 *   `{e: 'NOT_FOUND'}`; with `bin: true` the answer is binary, see SMALLS_HEADER — a server that
 *   predates it ignores the flag and answers in CBOR, which clients still read; with `man: true` too,
 *   a blob too big to inline whose manifest has at most MAX_SMALLS_MANIFEST chunks comes as
 *   `{s: size, cs, ch}`, so the client asks for its chunks at once — a photo costs one round trip
 *   fewer; a server that predates the flag answers `{s}` and the client asks `meta`)
 * - any                         → `err`  {code}                (NOT_FOUND, BAD_REQUEST)
 *
 * Every frame is size-limited on read; a peer that breaks the format is disconnected.
 */
import { decode, encode } from 'cborg';
import { Uint8ArrayList } from 'uint8arraylist';
import { BlobProtocolError } from './errors.ts';

/**
 * Version 2: the manifest carries prefix digests (one hash pass on receive). Version 1's
 * carried per-chunk hashes; a v2 client that meets a v1-only peer says so with a
 * BlobVersionError, and a v1 client meeting a v2-only peer fails protocol selection.
 */
export const BLOB_PROTOCOL = '/hearth/blob/2';
/** Earlier versions, offered after the current one only to tell an old peer apart. */
export const OLD_BLOB_PROTOCOLS: readonly string[] = ['/hearth/blob/1'];
/** Smallest and largest chunk a peer may announce (bounds memory per request). */
export const MIN_CHUNK = 64 * 1024;
export const MAX_CHUNK = 1024 * 1024;
/** Frames carry at most a chunk (or a manifest, or an inline blob) plus a small header. */
export const MAX_FRAME = MAX_CHUNK + 4096;
/** A request is never larger than this. */
export const MAX_REQUEST_FRAME = 64 * 1024;
/** At most this many hashes per `has` query. */
export const MAX_HAS = 512;
/** At most this many hashes per `smalls` query. */
export const MAX_SMALLS = 64;
/** Inline bytes in one `smalls` answer, leaving room for the items' headers within MAX_FRAME. */
export const SMALLS_BUDGET = MAX_CHUNK - 16 * 1024;
/**
 * Largest manifest (in chunks: 16 MiB at 1 MiB chunks, photos) a `smalls` answer carries: it
 * counts against SMALLS_BUDGET, and a manifest not yet known is hashed before the answer goes
 * out, which must not hold a batch of thumbnails up for long (a video's still comes by `meta`).
 */
export const MAX_SMALLS_MANIFEST = 16;

/** One item of a `smalls` answer: inlined, size only, size and manifest, or not held. */
export type SmallItem =
  { s: number; d?: Uint8Array } | { s: number; cs: number; ch: Uint8Array } | { e: 'NOT_FOUND' };

export type BlobRequest =
  | { t: 'has'; id: number; h: string[] }
  | { t: 'meta'; id: number; h: string; inline: number }
  | { t: 'get'; id: number; h: string; i: number }
  | { t: 'smalls'; id: number; h: string[]; inline: number; bin?: true; man?: true };

export type BlobResponse =
  | { t: 'has'; id: number; have: boolean[] }
  | { t: 'meta'; id: number; size: number; cs: number; ch: Uint8Array; data?: Uint8Array }
  /** `d` is a list of pieces when decoded from a frame list (nothing joined; see `chunkPieces`). */
  | { t: 'data'; id: number; i: number; d: Uint8Array | Uint8ArrayList }
  /** `bin`: sent (or came) as a binary answer; `d` may then be a view into the received pieces. */
  | { t: 'smalls'; id: number; items: SmallItem[]; bin?: true }
  | { t: 'err'; id: number; code: 'NOT_FOUND' | 'BAD_REQUEST' };

/** Data answers skip CBOR: `0x00, id (f64), i (u32), bytes`, so a chunk is never copied to encode it. 0x00 (and 0x01, binary `smalls`) is never a CBOR map. */
const DATA_HEADER = 13;

/**
 * Binary `smalls` answers: `0x01, id (f64), n (u16)`, then per item `kind (u8), size (u32)`
 * (0: inline, 1: size only, 2: not found, 3: manifest, whose u32 is the length of its record),
 * then the inline bytes and manifest records in item order. A manifest record is `size (f64),
 * cs (u32), ch` (32 bytes per chunk). Thumbnails are sent as the buffers they were read into:
 * CBOR copied every byte twice to encode and once more to decode (thumbnails cost ~3× the bare
 * stream's CPU per MB).
 */
const SMALLS_HEADER = 11;
const SMALL_ENTRY = 5;
const MANIFEST_HEAD = 12;

/** Bytes a manifest of `chunks` chunks takes in a binary `smalls` answer. */
export const smallsManifestBytes = (chunks: number): number => SMALL_ENTRY + MANIFEST_HEAD + 32 * chunks;

function encodeSmalls(id: number, items: SmallItem[]): Uint8ArrayList {
  const header = new Uint8Array(SMALLS_HEADER + SMALL_ENTRY * items.length);
  const view = new DataView(header.buffer);
  header[0] = 0x01;
  view.setFloat64(1, id);
  view.setUint16(9, items.length);
  const inline: Uint8Array[] = [];
  items.forEach((it, k) => {
    const at = SMALLS_HEADER + SMALL_ENTRY * k;
    if ('e' in it) header[at] = 2;
    else if ('ch' in it) {
      const record = new Uint8Array(MANIFEST_HEAD + it.ch.length);
      const rv = new DataView(record.buffer);
      rv.setFloat64(0, it.s);
      rv.setUint32(8, it.cs);
      record.set(it.ch, MANIFEST_HEAD);
      header[at] = 3;
      view.setUint32(at + 1, record.length);
      inline.push(record);
    } else {
      header[at] = it.d ? 0 : 1;
      view.setUint32(at + 1, it.s);
      if (it.d) inline.push(it.d);
    }
  });
  return new Uint8ArrayList(header, ...inline);
}

function decodeSmalls(frame: Uint8Array | Uint8ArrayList): BlobResponse {
  if (frame.length < SMALLS_HEADER) throw new BlobProtocolError('short smalls frame');
  const head = frame.subarray(0, SMALLS_HEADER);
  const view = new DataView(head.buffer, head.byteOffset, SMALLS_HEADER);
  const id = view.getFloat64(1);
  const n = view.getUint16(9);
  const end = SMALLS_HEADER + SMALL_ENTRY * n;
  if (!isId(id) || n > MAX_SMALLS || frame.length < end)
    throw new BlobProtocolError('malformed smalls frame');
  const table = frame.subarray(SMALLS_HEADER, end);
  const tv = new DataView(table.buffer, table.byteOffset, table.length);
  const items: SmallItem[] = [];
  let at = end;
  for (let k = 0; k < n; k++) {
    const kind = tv.getUint8(SMALL_ENTRY * k);
    const s = tv.getUint32(SMALL_ENTRY * k + 1);
    if (kind === 2) items.push({ e: 'NOT_FOUND' });
    else if (kind === 1) items.push({ s });
    else if (
      kind === 3 &&
      s >= MANIFEST_HEAD + 32 &&
      (s - MANIFEST_HEAD) % 32 === 0 &&
      at + s <= frame.length
    ) {
      items.push(decodeManifestRecord(frame.subarray(at, at + s)));
      at += s;
    } else if (kind === 0 && at + s <= frame.length) {
      // A view (a blob spanning two received pieces is joined): a plain Uint8Array, never a Buffer.
      const d = frame.subarray(at, at + s);
      items.push({ s, d: new Uint8Array(d.buffer, d.byteOffset, d.length) });
      at += s;
    } else throw new BlobProtocolError('malformed smalls frame');
  }
  if (at !== frame.length) throw new BlobProtocolError('malformed smalls frame');
  return { t: 'smalls', id, items, bin: true };
}

/** A manifest record (MANIFEST_HEAD, then the digests): checked like a `meta` answer. */
function decodeManifestRecord(record: Uint8Array): SmallItem {
  const rv = new DataView(record.buffer, record.byteOffset, MANIFEST_HEAD);
  const s = rv.getFloat64(0);
  const cs = rv.getUint32(8);
  const chunks = (record.length - MANIFEST_HEAD) / 32;
  if (
    !isIndex(s) ||
    cs < MIN_CHUNK ||
    cs > MAX_CHUNK ||
    chunks > MAX_SMALLS_MANIFEST ||
    chunks !== Math.max(1, Math.ceil(s / cs))
  )
    throw new BlobProtocolError('malformed smalls manifest');
  // Copied out of the received pieces (a plain Uint8Array): 32 bytes a chunk, kept for the whole fetch.
  return { s, cs, ch: new Uint8Array(record.subarray(MANIFEST_HEAD)) };
}

export function encodeFrame(msg: BlobRequest | BlobResponse): Uint8Array | Uint8ArrayList {
  if (msg.t === 'smalls' && 'items' in msg && msg.bin) return encodeSmalls(msg.id, msg.items);
  if (msg.t !== 'data') return encode(msg);
  const header = new Uint8Array(DATA_HEADER);
  const view = new DataView(header.buffer);
  view.setFloat64(1, msg.id);
  view.setUint32(9, msg.i);
  return new Uint8ArrayList(header, msg.d);
}

const HEX64 = /^[0-9a-f]{64}$/;
const isId = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
const isIndex = isId;

function obj(bytes: Uint8Array): Record<string, unknown> {
  let v: unknown;
  try {
    v = decode(bytes);
  } catch (e) {
    throw new BlobProtocolError(`undecodable frame (${(e as Error).message})`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new BlobProtocolError('frame is not a map');
  return v as Record<string, unknown>;
}

export function decodeRequest(bytes: Uint8Array): BlobRequest {
  const m = obj(bytes);
  if (!isId(m.id)) throw new BlobProtocolError('request without id');
  if (
    m.t === 'has' &&
    Array.isArray(m.h) &&
    m.h.length <= MAX_HAS &&
    m.h.every((x) => typeof x === 'string' && HEX64.test(x))
  )
    return { t: 'has', id: m.id, h: m.h as string[] };
  if (m.t === 'meta' && typeof m.h === 'string' && HEX64.test(m.h) && isIndex(m.inline))
    return { t: 'meta', id: m.id, h: m.h, inline: m.inline };
  if (m.t === 'get' && typeof m.h === 'string' && HEX64.test(m.h) && isIndex(m.i))
    return { t: 'get', id: m.id, h: m.h, i: m.i };
  if (
    m.t === 'smalls' &&
    Array.isArray(m.h) &&
    m.h.length <= MAX_SMALLS &&
    m.h.every((x) => typeof x === 'string' && HEX64.test(x)) &&
    isIndex(m.inline)
  )
    return {
      t: 'smalls',
      id: m.id,
      h: m.h as string[],
      inline: m.inline,
      ...(m.bin === true ? { bin: true as const } : {}),
      ...(m.man === true ? { man: true as const } : {}),
    };
  throw new BlobProtocolError(`malformed request ${JSON.stringify(m.t)}`);
}

function isSmallItem(x: unknown): boolean {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  if (o.e === 'NOT_FOUND') return true;
  return isIndex(o.s) && (o.d === undefined || (o.d instanceof Uint8Array && o.d.length === o.s));
}

/** The pieces of a data answer's bytes, in order (no copy). */
export function chunkPieces(d: Uint8Array | Uint8ArrayList): readonly Uint8Array[] {
  return d instanceof Uint8Array ? [d] : [...d];
}

/**
 * Decodes an answer. A data frame given as a Uint8ArrayList keeps its bytes as the pieces
 * they arrived in (only the 13-byte header is copied); any other frame is joined to decode.
 */
export function decodeResponse(frame: Uint8Array | Uint8ArrayList): BlobResponse {
  const first = frame.length === 0 ? undefined : frame instanceof Uint8Array ? frame[0] : frame.get(0);
  if (first === 0x01) return decodeSmalls(frame);
  if (first === 0x00) {
    if (frame.length < DATA_HEADER) throw new BlobProtocolError('short data frame');
    const head = frame.subarray(0, DATA_HEADER);
    const view = new DataView(head.buffer, head.byteOffset, DATA_HEADER);
    const id = view.getFloat64(1);
    if (!isId(id)) throw new BlobProtocolError('data frame without id');
    const d = frame instanceof Uint8Array ? frame.subarray(DATA_HEADER) : frame.sublist(DATA_HEADER);
    return { t: 'data', id, i: view.getUint32(9), d };
  }
  const bytes = frame instanceof Uint8Array ? frame : frame.subarray();
  const m = obj(bytes);
  if (!isId(m.id)) throw new BlobProtocolError('response without id');
  switch (m.t) {
    case 'has':
      if (Array.isArray(m.have) && m.have.every((x) => typeof x === 'boolean'))
        return { t: 'has', id: m.id, have: m.have as boolean[] };
      break;
    case 'meta':
      if (
        isIndex(m.size) &&
        isIndex(m.cs) &&
        m.cs >= MIN_CHUNK &&
        m.cs <= MAX_CHUNK &&
        m.ch instanceof Uint8Array &&
        m.ch.length % 32 === 0
      ) {
        const out: BlobResponse = { t: 'meta', id: m.id, size: m.size, cs: m.cs, ch: m.ch };
        if (m.data instanceof Uint8Array) out.data = m.data;
        return out;
      }
      break;
    case 'data':
      if (isIndex(m.i) && m.d instanceof Uint8Array) return { t: 'data', id: m.id, i: m.i, d: m.d };
      break;
    case 'smalls':
      // Only the known fields (manifests come in binary answers only).
      if (Array.isArray(m.items) && m.items.length <= MAX_SMALLS && m.items.every(isSmallItem))
        return {
          t: 'smalls',
          id: m.id,
          items: (m.items as Record<string, unknown>[]).map((o): SmallItem =>
            o.e === 'NOT_FOUND'
              ? { e: 'NOT_FOUND' }
              : o.d === undefined
                ? { s: o.s as number }
                : { s: o.s as number, d: o.d as Uint8Array },
          ),
        };
      break;
    case 'err':
      if (m.code === 'NOT_FOUND' || m.code === 'BAD_REQUEST') return { t: 'err', id: m.id, code: m.code };
      break;
  }
  throw new BlobProtocolError(`malformed response ${JSON.stringify(m.t)}`);
}

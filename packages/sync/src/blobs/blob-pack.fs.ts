/**
 * The record format of the filesystem store's pack files (blob-pack-set.fs.ts).
 *
 * A pack is an append-only file of records; each starts with a 44-byte header: magic
 * `HBP1`, a kind byte (1: a blob, 2: a tombstone), 3 reserved bytes, a u32 length and the
 * 32-byte SHA-256 of the blob. A blob record's body is its bytes; a tombstone's is the
 * u32 offset of the blob record it removes and the name of that record's pack (so a blob
 * put again after a delete is not removed by the old tombstone).
 *
 * A sealed pack has an index beside it (`<pack>.idx`): the same records with the blob
 * bodies left out, so a start reads a few bytes per blob instead of re-hashing them all.
 * A pack without an index (its writer is running, or died) is scanned with every blob
 * re-hashed: the scan stops at the first torn or wrong record, so what a crash cut short
 * never counts.
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { BlobHash } from '../ids.ts';

const MAGIC = 0x48425031;
export const HEADER = 44;
export const KIND_BLOB = 1;
export const KIND_TOMBSTONE = 2;

/** One record: a blob (at `offset`, the header's position in its pack) or a tombstone. */
export type PackRecord =
  | { kind: typeof KIND_BLOB; hash: BlobHash; offset: number; size: number }
  | { kind: typeof KIND_TOMBSTONE; hash: BlobHash; offset: number; target: { pack: string; offset: number } };

/**
 * The header of a record, written into `into` (HEADER zeroed bytes) when given: the writer
 * puts a batch's headers in one buffer, as a lone 44-byte array lives in V8's heap and is
 * copied out to a buffer of its own when handed to a write.
 */
export function recordHeader(
  kind: number,
  hash: string,
  length: number,
  into: Uint8Array = new Uint8Array(HEADER),
): Uint8Array {
  const view = new DataView(into.buffer, into.byteOffset, HEADER);
  view.setUint32(0, MAGIC);
  into[4] = kind;
  view.setUint32(8, length);
  Buffer.from(into.buffer, into.byteOffset + 12, 32).write(hash, 'hex');
  return into;
}

/** A tombstone's body. */
export function tombstoneBody(target: { pack: string; offset: number }): Uint8Array {
  const name = new TextEncoder().encode(target.pack);
  const b = new Uint8Array(4 + name.length);
  new DataView(b.buffer).setUint32(0, target.offset);
  b.set(name, 4);
  return b;
}

function parseHeader(b: Uint8Array): { kind: number; length: number; hash: BlobHash } | undefined {
  const view = new DataView(b.buffer, b.byteOffset, HEADER);
  if (view.getUint32(0) !== MAGIC) return undefined;
  const kind = b[4]!;
  if (kind !== KIND_BLOB && kind !== KIND_TOMBSTONE) return undefined;
  const hash = Buffer.from(b.buffer, b.byteOffset + 12, 32).toString('hex') as BlobHash;
  return { kind, length: view.getUint32(8), hash };
}

function parseTombstone(body: Uint8Array): { pack: string; offset: number } | undefined {
  if (body.length < 5) return undefined;
  const offset = new DataView(body.buffer, body.byteOffset, 4).getUint32(0);
  const pack = new TextDecoder().decode(body.subarray(4));
  return /^[\w.-]+$/.test(pack) ? { pack, offset } : undefined;
}

/**
 * The whole, verified records of a pack from `from`, and where they end (the next scan's
 * start): every blob is re-hashed; a torn or wrong record ends the scan.
 */
export async function scanPack(
  fh: FileHandle,
  from: number,
): Promise<{ records: PackRecord[]; end: number }> {
  const total = (await fh.stat()).size;
  const records: PackRecord[] = [];
  const head = new Uint8Array(HEADER);
  let at = from;
  while (at + HEADER <= total) {
    if (!(await readExactly(fh, head, at))) break;
    const h = parseHeader(head);
    if (!h || at + HEADER + h.length > total) break;
    const body = new Uint8Array(h.length);
    if (!(await readExactly(fh, body, at + HEADER))) break;
    if (h.kind === KIND_BLOB) {
      if (createHash('sha256').update(body).digest('hex') !== h.hash) break;
      records.push({ kind: KIND_BLOB, hash: h.hash, offset: at, size: h.length });
    } else {
      const target = parseTombstone(body);
      if (!target) break;
      records.push({ kind: KIND_TOMBSTONE, hash: h.hash, offset: at, target });
    }
    at += HEADER + h.length;
  }
  return { records, end: at };
}

/** A sealed pack's index: its records without the blob bodies. */
export function encodeIndex(records: readonly PackRecord[]): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (const r of records) {
    if (r.kind === KIND_BLOB) parts.push(recordHeader(KIND_BLOB, r.hash, r.size));
    else {
      const body = tombstoneBody(r.target);
      parts.push(recordHeader(KIND_TOMBSTONE, r.hash, body.length), body);
    }
  }
  return parts;
}

/** What `walkIndex` reports: each blob record (its hash is the 32 bytes at `hashAt` of the index), each tombstone. */
export interface IndexVisitor {
  blob(index: Uint8Array, hashAt: number, offset: number, size: number): void;
  tombstone(r: Extract<PackRecord, { kind: typeof KIND_TOMBSTONE }>): void;
}

/**
 * Reads an index back, record by record, without an object or string per blob (a start
 * reads a million of them). False, with nothing reported, when the index is damaged: the
 * pack is then scanned instead.
 */
export function walkIndex(bytes: Uint8Array, visit: IndexVisitor): boolean {
  return walk(bytes, undefined) && walk(bytes, visit);
}

function walk(bytes: Uint8Array, visit: IndexVisitor | undefined): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0; // in the index
  let offset = 0; // in the pack
  while (at < bytes.length) {
    if (at + HEADER > bytes.length || view.getUint32(at) !== MAGIC) return false;
    const kind = bytes[at + 4];
    const length = view.getUint32(at + 8);
    if (kind === KIND_BLOB) visit?.blob(bytes, at + 12, offset, length);
    else if (kind === KIND_TOMBSTONE) {
      const body = at + HEADER + length <= bytes.length && bytes.subarray(at + HEADER, at + HEADER + length);
      const target = body && parseTombstone(body);
      if (!target) return false;
      if (visit) {
        const hash = Buffer.from(bytes.buffer, bytes.byteOffset + at + 12, 32).toString('hex') as BlobHash;
        visit.tombstone({ kind: KIND_TOMBSTONE, hash, offset, target });
      }
      at += length;
    } else return false;
    at += HEADER;
    offset += HEADER + length;
  }
  return true;
}

async function readExactly(fh: FileHandle, into: Uint8Array, position: number): Promise<boolean> {
  let got = 0;
  while (got < into.length) {
    const { bytesRead } = await fh.read(into, got, into.length - got, position + got);
    if (bytesRead === 0) return false;
    got += bytesRead;
  }
  return true;
}

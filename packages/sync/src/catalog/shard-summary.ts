/**
 * What a catalog remembers about a shard without opening it: its asset ids, its Automerge
 * heads and when it last changed. A lazy catalog (create-catalog.ts) keeps these for every
 * shard so it can locate an asset, count a month, stamp a month's version for the timeline
 * index and choose a shard with room, while holding only the shards in use as Automerge
 * documents (loading every shard of a 100,000-asset library costs minutes and gigabytes).
 *
 * Summaries are persisted next to the documents (the repo's storage, its key/value part),
 * written after the shard itself was flushed, so a crash leaves a summary behind its shard,
 * never ahead; opening the shard refreshes it.
 */
import type { Repo } from '@automerge/automerge-repo';
import { decode, encode } from 'cborg';
import { bad, ok, type Checked } from './schema-check.ts';

/** One shard's summary. Asset ids are SHA-256 hex (64 characters). */
export interface ShardSummary {
  heads: string[];
  ids: string[];
  /** wall-clock ms of the last change seen while the shard was open (0: unknown) */
  changedAt: number;
}

/** Where summaries live: a small key/value store keyed by shard key. */
export interface ShardSummaryStore {
  load(key: string): Promise<Uint8Array | undefined>;
  save(key: string, bytes: Uint8Array): Promise<void>;
}

/** The storage namespace of summaries (key `[SUMMARY_NAMESPACE, shardKey]`). */
export const SUMMARY_NAMESPACE = 'hearth-shard-summary';
/** Heads as the repo's handles give them (`DocHandle.heads()`: base58check of the hashes). */
const HEAD = /^[1-9A-HJ-NP-Za-km-z]{1,100}$/;

/** The summary store inside a repo's storage, or undefined for a repo without storage. */
export function repoSummaryStore(repo: Repo): ShardSummaryStore | undefined {
  const storage = repo.storageSubsystem;
  if (!storage) return undefined;
  return {
    load: (key) => storage.load(SUMMARY_NAMESPACE, key),
    save: (key, bytes) => storage.save(SUMMARY_NAMESPACE, key, bytes),
  };
}

/** CBOR `{v: 1, h: heads, i: ids as 32 raw bytes each, t: changedAt}`. */
export function encodeShardSummary(s: ShardSummary): Uint8Array {
  const ids = new Uint8Array(s.ids.length * 32);
  s.ids.forEach((id, n) => {
    for (let i = 0; i < 32; i++) ids[n * 32 + i] = parseInt(id.slice(i * 2, i * 2 + 2), 16);
  });
  return encode({ v: 1, h: s.heads, i: ids, t: s.changedAt });
}

/** Decodes a summary; anything malformed is a reason, never a throw (it may come from a peer). */
export function decodeShardSummary(bytes: Uint8Array): Checked<ShardSummary> {
  let raw: unknown;
  try {
    raw = decode(bytes);
  } catch {
    return bad('shard summary is not CBOR');
  }
  const r = raw as { v?: unknown; h?: unknown; i?: unknown; t?: unknown };
  if (r.v !== 1) return bad(`shard summary version ${JSON.stringify(r.v)}`);
  if (!Array.isArray(r.h) || !r.h.every((h) => typeof h === 'string' && HEAD.test(h)))
    return bad('shard summary heads malformed');
  if (!(r.i instanceof Uint8Array) || r.i.length % 32 !== 0) return bad('shard summary ids malformed');
  if (typeof r.t !== 'number' || !Number.isFinite(r.t)) return bad('shard summary time malformed');
  return ok({ heads: r.h as string[], ids: idsToHex(r.i), changedAt: r.t });
}

const HEX_DIGITS = new TextEncoder().encode('0123456789abcdef');

/**
 * 32-byte ids to hex strings, through one flat string: building each id by concatenation
 * would leave 100,000 rope strings of 32 pieces (hundreds of MB at library scale).
 */
function idsToHex(bytes: Uint8Array): string[] {
  const chars = new Uint8Array(bytes.length * 2);
  for (let i = 0; i < bytes.length; i++) {
    chars[i * 2] = HEX_DIGITS[bytes[i]! >> 4]!;
    chars[i * 2 + 1] = HEX_DIGITS[bytes[i]! & 15]!;
  }
  const all = new TextDecoder().decode(chars);
  const ids: string[] = [];
  for (let n = 0; n < all.length; n += 64) ids.push(all.slice(n, n + 64));
  return ids;
}

/** Whether two head lists name the same heads (order-insensitive). */
export function sameHeads(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((h) => set.has(h));
}

/**
 * One asset shard as the catalog tracks it, open or not, and the lazy-mode limits. The state
 * lives here so the shard set, its location index and its eviction share one shape.
 */
import {
  parseAutomergeUrl,
  type AutomergeUrl,
  type DocHandle,
  type DocumentId,
} from '@automerge/automerge-repo';
import type { AssetShardDoc } from './asset-shard-doc.ts';
import { parseShardKey, type MonthKey, type ShardKey } from './shard-key.ts';

/** Lazy-mode limits. */
export interface LazyShardOptions {
  /** shards held in memory (open or read-only) before the least recently used go (default 12) */
  maxOpen?: number;
  /**
   * an open shard unused (no read, edit or sync message) this long may be evicted even if a
   * peer's sync with it has not settled (default 10 s; at least 5 s); a settled one may go after
   * the smaller of this and 1 s
   */
  idleMs?: number;
  /** told after a shard was evicted (tests, benches) */
  onEvict?: (key: ShardKey) => void;
}

/** Lazy-mode limits with their defaults applied. */
export type LazyLimits = Required<Pick<LazyShardOptions, 'maxOpen' | 'idleMs'>> &
  Pick<LazyShardOptions, 'onEvict'>;

export interface ShardState {
  key: ShardKey;
  month: MonthKey;
  split: number;
  url: AutomergeUrl;
  docId: DocumentId;
  /** ids the shard holds (the document's `assets` keys) */
  ids: Set<string>;
  heads: string[];
  changedAt: number;
  /** false until a summary was read or the document opened: the shard is not visible yet */
  known: boolean;
  /** its stored copy was dropped as unreadable: tell listeners when it is known again */
  refetch: boolean;
  handle: DocHandle<AssetShardDoc> | undefined;
  /** a read-only copy loaded from storage while the shard is not open in the repo (lazy) */
  view: AssetShardDoc | undefined;
  off: (() => void) | undefined;
  lastUsed: number;
  pins: number;
  dirty: boolean;
  evicting: Promise<void> | undefined;
}

/** A listed shard, closed and not yet known; undefined for a key that does not parse. */
export function newShardState(key: ShardKey, url: string): ShardState | undefined {
  const parsed = parseShardKey(key);
  if (!parsed) return undefined;
  return {
    ...parsed,
    key,
    url: url as AutomergeUrl,
    docId: parseAutomergeUrl(url as AutomergeUrl).documentId,
    ids: new Set(),
    heads: [],
    changedAt: 0,
    known: false,
    refetch: false,
    handle: undefined,
    view: undefined,
    off: undefined,
    lastUsed: 0,
    pins: 0,
    dirty: false,
    evicting: undefined,
  };
}

/** Held in memory: open in the repo, or as a read-only copy. */
export const inMemory = (s: ShardState): boolean => s.handle !== undefined || s.view !== undefined;

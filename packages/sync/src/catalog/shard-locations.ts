/**
 * Which shard holds each asset, for every shard with a summary or an open document, so a lazy
 * catalog finds a photo's shard without loading a document.
 */
import type { ShardKey } from './shard-key.ts';
import type { ShardState } from './shard-state.ts';

export type ShardLocations = ReturnType<typeof createShardLocations>;

export function createShardLocations(shards: ReadonlyMap<ShardKey, ShardState>) {
  const location = new Map<string, ShardKey>();

  function locate(id: string, key: ShardKey): void {
    const cur = location.get(id);
    // A concurrent split can leave one asset in two splits of a month: the lowest split wins.
    if (cur !== undefined && cur !== key && shards.get(cur)!.split <= shards.get(key)!.split) return;
    location.set(id, key);
  }
  function unlocate(id: string, s: ShardState): void {
    if (location.get(id) !== s.key) return;
    location.delete(id);
    for (const o of shards.values()) if (o.month === s.month && o.ids.has(id)) locate(id, o.key);
  }
  /** The shard holds `id` now. */
  function hold(s: ShardState, id: string): void {
    s.ids.add(id);
    locate(id, s.key);
  }
  /** The shard no longer holds `id`. */
  function drop(s: ShardState, id: string): void {
    s.ids.delete(id);
    unlocate(id, s);
  }
  /** The shard holds exactly `ids`. */
  function setIds(s: ShardState, ids: readonly string[]): void {
    const next = new Set(ids);
    for (const id of s.ids) if (!next.has(id)) drop(s, id);
    for (const id of next) if (!s.ids.has(id)) hold(s, id);
  }

  return { location, hold, drop, setIds };
}

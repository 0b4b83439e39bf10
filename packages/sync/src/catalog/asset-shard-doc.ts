import { ImmutableString } from '@automerge/automerge';
import type { AssetIngestRecord, DerivedBlobRef } from './asset-record.ts';
import { bad, isObject, ok, text, type Checked } from './schema-check.ts';
import { parseShardKey } from './shard-key.ts';

/**
 * An asset shard: the assets captured in one month (or one split of a month).
 *
 * Ingest records live in `assets` and are written once. Everything a user (or the blob
 * layer) changes lives in flat maps keyed by asset id (or `assetId/sub`), holding scalars:
 * two devices editing different fields of the same photo never create competing nested
 * objects, so a favorite on one device and an archive on another both survive, and a
 * concurrent double import (two identical ingest records) loses no user edit.
 */
export interface AssetShardDoc {
  schema: 1;
  kind: 'asset-shard';
  shard: ImmutableString;
  assets: Record<string, AssetIngestRecord>;
  favorite: Record<string, boolean>;
  archived: Record<string, boolean>;
  /** present while in the trash: when it was trashed */
  trashedAt: Record<string, number>;
  rating: Record<string, number>;
  description: Record<string, string>;
  /** `assetId/tag` → true: a set, so concurrent tagging on two devices keeps both tags */
  tags: Record<string, true>;
  /** `assetId/deviceId` → when that device got the original */
  holders: Record<string, number>;
  /** `assetId/kind` → derived blob */
  derived: Record<string, DerivedBlobRef>;
}

/** The flat per-asset maps, in one list so permanent deletion can clear them all. */
export const PER_ASSET_MAPS = ['favorite', 'archived', 'trashedAt', 'rating', 'description'] as const;
/** The composite-key maps (`assetId/sub`). */
export const COMPOSITE_MAPS = ['tags', 'holders', 'derived'] as const;

/** The initial content of a shard; created deterministically (see shard-doc-id.ts). */
export function emptyShard(shard: string): AssetShardDoc {
  return {
    schema: 1,
    kind: 'asset-shard',
    shard: new ImmutableString(shard),
    assets: {},
    favorite: {},
    archived: {},
    trashedAt: {},
    rating: {},
    description: {},
    tags: {},
    holders: {},
    derived: {},
  };
}

/**
 * Checks the document-level shape of a shard that arrived from a peer or a file. Records are
 * checked one by one when read (asset-view.ts), so one bad record does not hide the others.
 */
export function validateShardDoc(doc: unknown): Checked<AssetShardDoc> {
  if (!isObject(doc)) return bad('not an object');
  if (doc['kind'] !== 'asset-shard')
    return bad(`kind is ${JSON.stringify(doc['kind'])}, expected "asset-shard"`);
  if (doc['schema'] !== 1) return bad(`unsupported schema ${JSON.stringify(doc['schema'])}`);
  const key = text(doc['shard']);
  if (key === undefined || !parseShardKey(key)) return bad('shard key missing or malformed');
  for (const m of ['assets', ...PER_ASSET_MAPS, ...COMPOSITE_MAPS]) {
    if (!isObject(doc[m])) return bad(`"${m}" is not a map`);
  }
  return ok(doc as unknown as AssetShardDoc);
}

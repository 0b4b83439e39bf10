/**
 * Reads asset records out of a shard document into the plain `Asset` the apps use,
 * validating each record: a malformed one is skipped and reported, never thrown.
 */
import type { AssetId, BlobHash, DeviceId } from '../ids.ts';
import type { Asset, AssetType } from './asset-record.ts';
import type { AssetShardDoc } from './asset-shard-doc.ts';
import { bad, finite, isObject, ok, optional, text, type Checked } from './schema-check.ts';

const HEX64 = /^[0-9a-f]{64}$/;

/** Validates one ingest record and merges the user fields of the shard into it. */
export function readAsset(doc: AssetShardDoc, key: string, composite?: CompositeIndex): Checked<Asset> {
  const r: unknown = doc.assets[key];
  if (!isObject(r)) return bad(`asset ${key}: not an object`);
  const id = text(r['id']);
  if (id === undefined || !HEX64.test(id) || id !== key)
    return bad(`asset ${key}: id missing or not its key`);
  const type = text(r['type']);
  if (type !== 'image' && type !== 'video') return bad(`asset ${key}: type ${JSON.stringify(type)}`);
  const mime = text(r['mime']);
  const size = finite(r['size']);
  const capturedAt = finite(r['capturedAt']);
  const tz = finite(r['tzOffsetMin']);
  const width = finite(r['width']);
  const height = finite(r['height']);
  const addedAt = finite(r['addedAt']);
  const addedBy = text(r['addedBy']);
  if (mime === undefined || size === undefined || capturedAt === undefined || tz === undefined) {
    return bad(`asset ${key}: mime/size/capturedAt/tzOffsetMin missing`);
  }
  if (width === undefined || height === undefined || addedAt === undefined || addedBy === undefined) {
    return bad(`asset ${key}: width/height/addedAt/addedBy missing`);
  }
  const opt = {
    durationMs: optional(r['durationMs'], finite),
    thumbhash: optional(r['thumbhash'], text),
    lat: optional(r['lat'], finite),
    lon: optional(r['lon'], finite),
    alt: optional(r['alt'], finite),
    place: optional(r['place'], text),
    cameraMake: optional(r['cameraMake'], text),
    cameraModel: optional(r['cameraModel'], text),
    fileName: optional(r['fileName'], text),
    livePhotoPair: optional(r['livePhotoPair'], text),
    stack: optional(r['stack'], text),
  };
  for (const [name, o] of Object.entries(opt)) if (!o.valid) return bad(`asset ${key}: ${name} malformed`);

  const asset: Asset = {
    id: id as AssetId,
    shard: doc.shard.toString(),
    type: type satisfies AssetType,
    mime,
    size,
    capturedAt,
    tzOffsetMin: tz,
    width,
    height,
    ratio: width > 0 && height > 0 ? width / height : 1,
    addedAt,
    addedBy: addedBy as DeviceId,
    favorite: doc.favorite[key] === true,
    archived: doc.archived[key] === true,
    rating: clampRating(doc.rating[key]),
    description: text(doc.description[key]) ?? '',
    tags: composite ? (composite.tags.get(key) ?? []) : subKeys(doc.tags, key),
    holders: (composite ? (composite.holders.get(key) ?? []) : subKeys(doc.holders, key)) as DeviceId[],
    derived: derivedOf(doc, key, composite ? (composite.derived.get(key) ?? []) : subKeys(doc.derived, key)),
  };
  const trashedAt = finite(doc.trashedAt[key]);
  if (trashedAt !== undefined) asset.trashedAt = trashedAt;
  if (opt.durationMs.value !== undefined) asset.durationMs = opt.durationMs.value;
  if (opt.thumbhash.value !== undefined) asset.thumbhash = opt.thumbhash.value;
  if (opt.lat.value !== undefined && opt.lon.value !== undefined) {
    asset.gps = { lat: opt.lat.value, lon: opt.lon.value };
    if (opt.alt.value !== undefined) asset.gps.alt = opt.alt.value;
  }
  if (opt.place.value !== undefined) asset.place = opt.place.value;
  if (opt.cameraMake.value !== undefined || opt.cameraModel.value !== undefined) {
    asset.camera = {};
    if (opt.cameraMake.value !== undefined) asset.camera.make = opt.cameraMake.value;
    if (opt.cameraModel.value !== undefined) asset.camera.model = opt.cameraModel.value;
  }
  if (opt.fileName.value !== undefined) asset.fileName = opt.fileName.value;
  if (opt.livePhotoPair.value !== undefined) asset.livePhotoPair = opt.livePhotoPair.value as AssetId;
  if (opt.stack.value !== undefined) asset.stack = opt.stack.value;
  return ok(asset);
}

function clampRating(v: unknown): number {
  const n = finite(v);
  return n === undefined ? 0 : Math.max(0, Math.min(5, Math.round(n)));
}

/** Sub-keys of `assetId/sub` entries for one asset, sorted (the map is small per shard). */
function subKeys(map: Record<string, unknown>, id: string): string[] {
  const prefix = `${id}/`;
  const out: string[] = [];
  for (const k of Object.keys(map))
    if (k.startsWith(prefix) && map[k] !== undefined) out.push(k.slice(prefix.length));
  return out.sort();
}

function derivedOf(
  doc: AssetShardDoc,
  id: string,
  kinds: string[],
): Record<string, { hash: BlobHash; pipeline: number }> {
  const out: Record<string, { hash: BlobHash; pipeline: number }> = {};
  for (const kind of kinds) {
    const ref: unknown = doc.derived[`${id}/${kind}`];
    if (!isObject(ref)) continue;
    const hash = text(ref['hash']);
    const pipeline = finite(ref['pipeline']);
    if (hash !== undefined && HEX64.test(hash) && pipeline !== undefined)
      out[kind] = { hash: hash as BlobHash, pipeline };
  }
  return out;
}

/** `assetId/sub` maps grouped by asset id, built once when reading a whole shard. */
export interface CompositeIndex {
  tags: Map<string, string[]>;
  holders: Map<string, string[]>;
  derived: Map<string, string[]>;
}

function group(map: Record<string, unknown>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const k of Object.keys(map)) {
    const slash = k.indexOf('/');
    if (slash < 0) continue;
    const id = k.slice(0, slash);
    const list = out.get(id);
    if (list) list.push(k.slice(slash + 1));
    else out.set(id, [k.slice(slash + 1)]);
  }
  for (const list of out.values()) list.sort();
  return out;
}

export function compositeIndex(doc: AssetShardDoc): CompositeIndex {
  return { tags: group(doc.tags), holders: group(doc.holders), derived: group(doc.derived) };
}

/** Every valid asset of a shard, plus the reasons for the records that were skipped. */
export function readShard(doc: AssetShardDoc): { assets: Asset[]; invalid: string[] } {
  const assets: Asset[] = [];
  const invalid: string[] = [];
  const composite = compositeIndex(doc);
  for (const key of Object.keys(doc.assets)) {
    const r = readAsset(doc, key, composite);
    if (r.ok) assets.push(r.value);
    else invalid.push(r.reason);
  }
  return { assets, invalid };
}

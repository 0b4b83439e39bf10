/**
 * The mutations of an asset shard, as plain functions over the document inside a
 * `handle.change` callback. Ingest fields are written once; user fields are scalar entries
 * in flat maps (see AssetShardDoc), so concurrent edits of different fields all survive.
 */
import { ImmutableString } from '@automerge/automerge';
import type { DeviceId } from '../ids.ts';
import type { AssetIngestRecord, NewAsset } from './asset-record.ts';
import { COMPOSITE_MAPS, PER_ASSET_MAPS, type AssetShardDoc } from './asset-shard-doc.ts';
import { InvalidCatalogInputError } from './catalog-errors.ts';

const im = (s: string) => new ImmutableString(s);

/** Checks an importer's input before anything is written (bad input loses nothing). */
export function checkNewAsset(a: NewAsset): void {
  const where = `asset ${a.fileName ?? a.id}`;
  if (!/^[0-9a-f]{64}$/.test(a.id))
    throw new InvalidCatalogInputError(`${where}: id must be the original's lowercase hex SHA-256`);
  if (a.type !== 'image' && a.type !== 'video')
    throw new InvalidCatalogInputError(`${where}: type must be image or video`);
  for (const [k, v] of [
    ['size', a.size],
    ['capturedAt', a.capturedAt],
    ['width', a.width],
    ['height', a.height],
  ] as const) {
    if (!Number.isFinite(v) || v < 0)
      throw new InvalidCatalogInputError(`${where}: ${k} must be a non-negative number`);
  }
  if (a.gps && (Math.abs(a.gps.lat) > 90 || Math.abs(a.gps.lon) > 180))
    throw new InvalidCatalogInputError(`${where}: GPS out of range`);
}

export function ingestRecord(a: NewAsset, by: DeviceId, now: number): AssetIngestRecord {
  const r: AssetIngestRecord = {
    id: im(a.id),
    type: im(a.type),
    mime: im(a.mime),
    size: a.size,
    capturedAt: a.capturedAt,
    tzOffsetMin: a.tzOffsetMin ?? 0,
    width: a.width,
    height: a.height,
    addedAt: now,
    addedBy: im(by),
  };
  if (a.durationMs !== undefined) r.durationMs = a.durationMs;
  if (a.thumbhash !== undefined) r.thumbhash = im(a.thumbhash);
  if (a.gps) {
    r.lat = a.gps.lat;
    r.lon = a.gps.lon;
    if (a.gps.alt !== undefined) r.alt = a.gps.alt;
  }
  if (a.place !== undefined) r.place = im(a.place);
  if (a.camera?.make !== undefined) r.cameraMake = im(a.camera.make);
  if (a.camera?.model !== undefined) r.cameraModel = im(a.camera.model);
  if (a.fileName !== undefined) r.fileName = im(a.fileName);
  if (a.livePhotoPair !== undefined) r.livePhotoPair = im(a.livePhotoPair);
  if (a.stack !== undefined) r.stack = im(a.stack);
  return r;
}

/** Adds a record unless one exists (a second import of the same photo changes nothing but holders). */
export function addRecord(d: AssetShardDoc, a: NewAsset, by: DeviceId, now: number): boolean {
  d.holders[`${a.id}/${by}`] = now;
  if (d.assets[a.id] !== undefined) return false;
  d.assets[a.id] = ingestRecord(a, by, now);
  return true;
}

export function setTags(d: AssetShardDoc, id: string, tags: readonly string[]): void {
  const want = new Set(tags.map((t) => t.trim()).filter((t) => t.length > 0));
  for (const t of want)
    if (t.includes('/') || t.length > 200)
      throw new InvalidCatalogInputError(`tag ${JSON.stringify(t)}: no "/" and at most 200 characters`);
  const prefix = `${id}/`;
  for (const k of Object.keys(d.tags)) {
    if (k.startsWith(prefix) && !want.has(k.slice(prefix.length))) delete d.tags[k];
  }
  for (const t of want) if (d.tags[`${id}/${t}`] !== true) d.tags[`${id}/${t}`] = true;
}

const DERIVED_KIND = /^[a-z][a-z0-9-]{0,31}$/;

/** Writes derived blob refs; a ref from an older pipeline version than the stored one is ignored. */
export function setDerived(
  d: AssetShardDoc,
  id: string,
  refs: Readonly<Record<string, { hash: string; pipeline: number }>>,
): void {
  for (const [kind, ref] of Object.entries(refs)) {
    if (!DERIVED_KIND.test(kind))
      throw new InvalidCatalogInputError(
        `derived kind ${JSON.stringify(kind)}: lowercase letters, digits, "-"`,
      );
    if (!/^[0-9a-f]{64}$/.test(ref.hash))
      throw new InvalidCatalogInputError(`derived ${kind} of ${id}: hash must be lowercase hex SHA-256`);
    if (!Number.isInteger(ref.pipeline) || ref.pipeline < 0)
      throw new InvalidCatalogInputError(`derived ${kind} of ${id}: pipeline must be a non-negative integer`);
  }
  for (const [kind, ref] of Object.entries(refs)) {
    const key = `${id}/${kind}`;
    const old = d.derived[key];
    if (old && old.pipeline > ref.pipeline) continue;
    if (old && old.pipeline === ref.pipeline && old.hash.toString() === ref.hash) continue;
    d.derived[key] = { hash: im(ref.hash), pipeline: ref.pipeline };
  }
}

/** Removes a record and every user field of it. */
export function deleteRecord(d: AssetShardDoc, id: string): void {
  delete d.assets[id];
  for (const m of PER_ASSET_MAPS) delete d[m][id];
  const prefix = `${id}/`;
  for (const m of COMPOSITE_MAPS) {
    const map = d[m] as Record<string, unknown>;
    for (const k of Object.keys(map)) if (k.startsWith(prefix)) delete map[k];
  }
}

import type { AssetId, Catalog, NewAsset } from '@hearth/sync';
import type { AssetRecord, DerivedRecord } from './asset-record.ts';
import type { NodeCatalog } from './node-catalog.ts';

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Offset like "+02:00" → minutes. */
function offsetMinutes(o: string | undefined): number | undefined {
  const m = o ? /^([+-])(\d{2}):(\d{2})$/.exec(o) : null;
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : undefined;
}

/** The synced catalog's ingest record for a node asset. */
export function toNewAsset(a: AssetRecord, images?: DerivedRecord): NewAsset {
  const n: NewAsset = {
    id: a.id,
    type: a.type === 'photo' ? 'image' : 'video',
    mime: a.mime,
    size: a.size,
    capturedAt: a.takenAt ?? a.importedAt,
    // 0 = unknown until media metadata fills it at ingest
    width: a.width ?? num(images?.values?.['width']) ?? 0,
    height: a.height ?? num(images?.values?.['height']) ?? 0,
    fileName: a.fileName,
  };
  const th = images?.values?.['thumbhash'];
  if (typeof th === 'string') n.thumbhash = th;
  const off = offsetMinutes(a.takenOffset);
  if (off !== undefined) n.tzOffsetMin = off;
  if (a.camera) n.camera = a.camera;
  if (a.gps) n.gps = a.gps;
  const pair = a.livePhotoVideo ?? a.livePhotoOf;
  if (pair) n.livePhotoPair = pair as AssetId;
  return n;
}

/** The pipeline step whose record carries an asset's thumbhash and dimensions. */
const ingestStep = (a: AssetRecord): string => (a.type === 'photo' ? 'images' : 'video');

/**
 * Copy the node's assets into the synced (Automerge) catalog that paired devices see.
 * The journal remembers what was copied (`projected`), so the synced catalog is opened only
 * when there is something new; adding is idempotent by id besides. User edits from the
 * import (rating, description, tags) are applied once, when the asset is new.
 */
export async function projectAssets(
  open: () => Promise<Catalog>,
  journal: Pick<NodeCatalog, 'assets' | 'derived'>,
  markProjected: (id: AssetId) => Promise<void>,
  batch = 200,
): Promise<number> {
  // Ingest fields are written once, so an asset waits for the step that gives its thumbhash
  // and size (a failed step is recorded too, so a broken file does not wait forever).
  const todo = [...journal.assets()].filter((a) => !a.projected && journal.derived(a.id).has(ingestStep(a)));
  if (todo.length === 0) return 0;
  const catalog = await open();
  let added = 0;
  for (let i = 0; i < todo.length; i += batch) {
    const slice = todo.slice(i, i + batch).filter((a) => !catalog.getAsset(a.id));
    const r = await catalog.addAssets(
      slice.map((a) => toNewAsset(a, journal.derived(a.id).get(ingestStep(a)))),
    );
    const fresh = new Set<string>(r.added);
    for (const a of slice) {
      if (!fresh.has(a.id)) continue;
      if (a.rating !== undefined && a.rating >= 0) catalog.setRating(a.id, a.rating);
      if (a.description) catalog.setDescription(a.id, a.description);
      if (a.tags?.length) catalog.setTags(a.id, a.tags);
      if (a.favorite) catalog.setFavorite(a.id, true);
    }
    added += r.added.length;
    for (const a of todo.slice(i, i + batch)) await markProjected(a.id);
  }
  return added;
}

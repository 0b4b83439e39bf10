import type { AssetId, BlobHash, Catalog, NewAsset } from '@hearth/sync';
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
  if (a.place) n.place = a.place;
  const pair = a.livePhotoVideo ?? a.livePhotoOf;
  if (pair) n.livePhotoPair = pair as AssetId;
  return n;
}

/** The pipeline step whose record carries an asset's thumbhash, size and display media. */
const ingestStep = (a: AssetRecord): string => (a.type === 'photo' ? 'images' : 'video');

/**
 * The derived outputs other devices display, by name. Anything else a step makes (face
 * embeddings, …) is the node's own business and stays out of the synced catalog.
 */
const DISPLAY_MEDIA: ReadonlySet<string> = new Set(['thumbnail', 'preview', 'playback', 'poster', 'motion']);

/** The synced catalog's derived refs for a step record: its display media at the step's version. */
export function derivedRefs(
  rec: DerivedRecord | undefined,
): Record<string, { hash: BlobHash; pipeline: number }> {
  const refs: Record<string, { hash: BlobHash; pipeline: number }> = {};
  if (!rec || rec.failed !== undefined) return refs;
  for (const [name, hash] of Object.entries(rec.blobs))
    if (DISPLAY_MEDIA.has(name)) refs[name] = { hash, pipeline: rec.version };
  return refs;
}

/** Assets looked at between two turns of the event loop. */
const ASSETS_PER_TURN = 1000;

/** One asset's projection work: its ingest step, and its motion part when that is new. */
interface Todo {
  a: AssetRecord;
  step: DerivedRecord;
  /** the `motion` record whose video ref is not in the synced catalog yet */
  motion?: DerivedRecord;
}

/** The refs an asset's projection writes: its ingest step's, and its motion video's when new. */
const refsOf = ({ step, motion }: Todo) => ({ ...derivedRefs(step), ...derivedRefs(motion) });

/**
 * Copy the node's assets into the synced (Automerge) catalog that paired devices see, with
 * their derived refs (thumbnail, preview, video playback, a motion photo's video), so devices
 * fetch those by hash. The journal remembers what was copied (`projected`; `projectedDerived`
 * = the version of the ingest step whose refs were written; `projectedMotion` = the `motion`
 * step's), so the synced catalog is opened only when there is something new: a new asset, a
 * step redone at a new version (its refs are replaced; the catalog keeps a newer pipeline's
 * refs over an older one's), or a motion video made later than the asset's thumbnail (a
 * library that had the asset before the `motion` step existed). A photo with no video needs
 * nothing. Assets projected before derived refs existed get theirs on the first pass. Adding
 * is idempotent by id besides. User edits from the import (rating, description, tags) are
 * applied once, when the asset is new.
 */
export async function projectAssets(
  open: () => Promise<Catalog>,
  journal: Pick<NodeCatalog, 'assets' | 'derived'>,
  markProjected: (id: AssetId, derivedVersion: number, motionVersion?: number) => Promise<void>,
  batch = 200,
): Promise<number> {
  // Ingest fields are written once, so an asset waits for the step that gives its thumbhash
  // and size (a failed step is recorded too, so a broken file does not wait forever).
  const todo: Todo[] = [];
  let n = 0;
  for (const a of journal.assets()) {
    // A look at 100k assets takes 0.2–0.4 s (load ~15): HTTP and libp2p get turns in between.
    if (++n % ASSETS_PER_TURN === 0) await new Promise((r) => setImmediate(r));
    const recs = journal.derived(a.id);
    const step = recs.get(ingestStep(a));
    if (!step) continue;
    const motion = recs.get('motion');
    const newMotion =
      motion && a.projectedMotion !== motion.version && Object.keys(derivedRefs(motion)).length > 0;
    if (!a.projected || a.projectedDerived !== step.version || newMotion)
      todo.push(newMotion ? { a, step, motion } : { a, step });
  }
  if (todo.length === 0) return 0;
  let catalog: Catalog | undefined;
  let added = 0;
  for (let i = 0; i < todo.length; i += batch) {
    const slice = todo.slice(i, i + batch);
    // Already projected with nothing to show (a failed step): only the mark moves on.
    if (slice.some((t) => !t.a.projected || Object.keys(refsOf(t)).length > 0)) {
      catalog ??= await open();
      const c = catalog;
      // Also an asset the synced catalog has already (a device added it, e.g. an upload): the
      // catalog then only records the node as a holder of the original ("backed up").
      const fresh = slice.filter(({ a }) => !a.projected);
      const r = await c.addAssets(fresh.map(({ a, step }) => toNewAsset(a, step)));
      const now = new Set<string>(r.added);
      for (const t of slice) {
        const { a } = t;
        if (now.has(a.id)) {
          if (a.rating !== undefined && a.rating >= 0) c.setRating(a.id, a.rating);
          if (a.description) c.setDescription(a.id, a.description);
          if (a.tags?.length) c.setTags(a.id, a.tags);
          if (a.favorite) c.setFavorite(a.id, true);
        }
        const refs = refsOf(t);
        // An asset deleted from the synced catalog (by a device) is not brought back. (hasAsset:
        // a lazy catalog knows every asset without opening its shard; the edit opens it.)
        if (Object.keys(refs).length > 0 && c.hasAsset(a.id)) c.setDerived(a.id, refs);
      }
      added += r.added.length;
    }
    for (const { a, step, motion } of slice) await markProjected(a.id, step.version, motion?.version);
  }
  return added;
}

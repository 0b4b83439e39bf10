import type { AssetId } from '@hearth/sync';
import type { NodeCatalog } from './node-catalog.ts';

/** A tag as stored by the `tags` step (`values.tags` is a JSON array of these). */
export interface StoredTag {
  label: string;
  confidence: number;
}

/** What the ML steps found for one asset, read from its derived records (no blob reads). */
export interface AssetMl {
  /** Faces found (undefined: not analysed yet or ML off). */
  faces?: number;
  tags?: StoredTag[];
  text?: string;
  /** The CLIP image embedding: its model and size (the vectors are in the `clip` blob, an embedding shard). */
  clip?: { model: string; dims: number };
}

/** The ML results of one asset as `hearth ls --json` shows them. */
export function assetMl(catalog: Pick<NodeCatalog, 'derived'>, id: AssetId): AssetMl {
  const d = catalog.derived(id);
  const out: AssetMl = {};
  const faces = d.get('faces');
  if (faces && faces.failed === undefined && typeof faces.values?.['count'] === 'number')
    out.faces = faces.values['count'];
  const tags = d.get('tags')?.values?.['tags'];
  if (typeof tags === 'string') out.tags = JSON.parse(tags) as StoredTag[];
  const text = d.get('ocr')?.values?.['text'];
  if (typeof text === 'string' && text) out.text = text;
  const clip = d.get('clip');
  if (clip && clip.failed === undefined && typeof clip.values?.['dims'] === 'number')
    out.clip = { model: String(clip.values['model']), dims: clip.values['dims'] };
  return out;
}

/** Library-wide counts for `hearth status`. */
export interface MlSummary {
  faces: number;
  photosWithFaces: number;
  /** Label → photos with that tag. */
  tags: Record<string, number>;
}

export function mlSummary(catalog: Pick<NodeCatalog, 'derived' | 'assets'>): MlSummary {
  const s: MlSummary = { faces: 0, photosWithFaces: 0, tags: {} };
  for (const a of catalog.assets()) {
    const m = assetMl(catalog, a.id);
    if (m.faces) {
      s.faces += m.faces;
      s.photosWithFaces++;
    }
    for (const t of m.tags ?? []) s.tags[t.label] = (s.tags[t.label] ?? 0) + 1;
  }
  return s;
}

/** `dog 3, person 2, …` (most common first). */
export function formatTags(tags: Record<string, number>): string {
  const e = Object.entries(tags).sort((a, b) => b[1] - a[1]);
  return e.length ? e.map(([l, n]) => `${l} ${n}`).join(', ') : '(none)';
}

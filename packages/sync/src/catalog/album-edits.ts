/**
 * The mutations of an album document, as plain functions over the document inside a
 * `handle.change` callback. The asset order is an Automerge list; a move is a delete and an
 * insert (Automerge lists have no move), and readers drop duplicates a concurrent move leaves.
 */
import { ImmutableString } from '@automerge/automerge';
import type { AlbumId, AssetId, DeviceId } from '../ids.ts';
import type { AlbumDoc } from './album-doc.ts';
import { InvalidCatalogInputError } from './catalog-errors.ts';
import { text } from './schema-check.ts';

export function newAlbum(id: AlbumId, title: string, by: DeviceId, now: number): AlbumDoc {
  return {
    schema: 1,
    kind: 'album',
    id: new ImmutableString(id),
    title: checkTitle(title),
    description: '',
    assets: [],
    added: {},
    share: {},
    createdAt: now,
    createdBy: new ImmutableString(by),
  };
}

export function checkTitle(title: string): string {
  const t = title.trim();
  if (t.length === 0 || t.length > 500)
    throw new InvalidCatalogInputError('album title must be 1–500 characters');
  return t;
}

function indexesOf(d: AlbumDoc, id: string): number[] {
  const out: number[] = [];
  d.assets.forEach((v, i) => {
    if (text(v) === id) out.push(i);
  });
  return out;
}

export function addToAlbum(d: AlbumDoc, ids: readonly AssetId[], by: DeviceId, now: number): AssetId[] {
  const present = new Set(d.assets.map((v) => text(v)));
  const added: AssetId[] = [];
  for (const id of ids) {
    if (present.has(id)) continue;
    present.add(id);
    d.assets.push(new ImmutableString(id));
    d.added[id] = { by: new ImmutableString(by), at: now };
    added.push(id);
  }
  return added;
}

export function removeFromAlbum(d: AlbumDoc, ids: readonly AssetId[]): void {
  for (const id of ids) {
    for (const i of indexesOf(d, id).reverse()) d.assets.splice(i, 1);
    delete d.added[id];
    if (d.cover !== undefined && text(d.cover) === id) delete d.cover;
  }
}

/** Moves an asset to `toIndex` (clamped) in the album's order. */
export function moveInAlbum(d: AlbumDoc, id: AssetId, toIndex: number): boolean {
  const at = indexesOf(d, id);
  if (at.length === 0) return false;
  for (const i of at.reverse()) d.assets.splice(i, 1);
  const to = Math.max(0, Math.min(d.assets.length, Math.trunc(toIndex)));
  d.assets.splice(to, 0, new ImmutableString(id));
  return true;
}

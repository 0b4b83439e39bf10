import type { ImmutableString } from '@automerge/automerge';
import type { AlbumId, AssetId, DeviceId } from '../ids.ts';
import { bad, finite, isObject, ok, text, type Checked } from './schema-check.ts';

const HEX64 = /^[0-9a-f]{64}$/;

/** Who an album is shared with (other libraries' devices, DESIGN.md §6). */
export type AlbumRole = 'viewer' | 'editor';

/**
 * One album. Its own document so it can later be shared without exposing anything else.
 * `assets` is an Automerge list: concurrent inserts on two devices both land; a concurrent
 * double add or a concurrent move can leave a duplicate, which readers drop (first wins).
 * `title`/`description` are replaced whole, so concurrent renames resolve last-writer-wins.
 */
export interface AlbumDoc {
  schema: 1;
  kind: 'album';
  id: ImmutableString;
  title: string;
  description: string;
  cover?: ImmutableString;
  assets: ImmutableString[];
  /** assetId → who added it and when */
  added: Record<string, { by: ImmutableString; at: number }>;
  share: Record<string, AlbumRole>;
  createdAt: number;
  createdBy: ImmutableString;
}

/** An album as the apps read it. */
export interface Album {
  id: AlbumId;
  title: string;
  description: string;
  cover?: AssetId;
  /** in album order, without duplicates */
  assets: AssetId[];
  added: Record<string, { by: DeviceId; at: number }>;
  createdAt: number;
  createdBy: DeviceId;
}

/** Validates an album document from a peer or a file and reads it; bad entries are dropped. */
export function readAlbum(doc: unknown): Checked<Album> {
  if (!isObject(doc)) return bad('not an object');
  if (doc['kind'] !== 'album' || doc['schema'] !== 1) return bad('not a schema-1 album document');
  const id = text(doc['id']);
  const title = text(doc['title']);
  const createdAt = finite(doc['createdAt']);
  const createdBy = text(doc['createdBy']);
  if (id === undefined || title === undefined || createdAt === undefined || createdBy === undefined) {
    return bad('id/title/createdAt/createdBy missing');
  }
  const list: unknown = doc['assets'];
  if (!Array.isArray(list)) return bad('assets is not a list');
  const seen = new Set<string>();
  const assets: AssetId[] = [];
  for (const v of list) {
    const a = text(v);
    if (a === undefined || !HEX64.test(a) || seen.has(a)) continue;
    seen.add(a);
    assets.push(a as AssetId);
  }
  const added: Album['added'] = {};
  const rawAdded = doc['added'];
  if (isObject(rawAdded)) {
    for (const a of assets) {
      const e = rawAdded[a];
      if (!isObject(e)) continue;
      const by = text(e['by']);
      const at = finite(e['at']);
      if (by !== undefined && at !== undefined) added[a] = { by: by as DeviceId, at };
    }
  }
  const album: Album = {
    id: id as AlbumId,
    title,
    description: text(doc['description']) ?? '',
    assets,
    added,
    createdAt,
    createdBy: createdBy as DeviceId,
  };
  const cover = text(doc['cover']);
  if (cover !== undefined && HEX64.test(cover)) album.cover = cover as AssetId;
  return ok(album);
}

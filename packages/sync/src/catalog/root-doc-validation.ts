import { isValidAutomergeUrl } from '@automerge/automerge-repo';
import type { RootDoc } from './root-doc.ts';
import { bad, isObject, ok, text, type Checked } from './schema-check.ts';
import { parseShardKey } from './shard-key.ts';

/** The catalog's view of the root document's index, with malformed entries left out. */
export interface RootIndex {
  shards: Map<string, string>;
  albums: Map<string, string>;
  people?: string;
  /** reasons for skipped entries */
  invalid: string[];
}

/**
 * Validates the catalog part of a root document from a peer or a file. A malformed entry is
 * skipped and reported; only a root that is not a root at all is rejected.
 */
export function readRootIndex(doc: unknown): Checked<RootIndex> {
  if (!isObject(doc)) return bad('root document is not an object');
  if (doc['schema'] !== 1)
    return bad(`root document schema ${JSON.stringify(doc['schema'])} is not supported`);
  const out: RootIndex = { shards: new Map(), albums: new Map(), invalid: [] };
  const shards = doc['shards'];
  if (isObject(shards)) {
    for (const [k, v] of Object.entries(shards)) {
      const url = text(v);
      if (!parseShardKey(k) || !isValidAutomergeUrl(url))
        out.invalid.push(`root shards[${JSON.stringify(k)}] malformed`);
      else out.shards.set(k, url);
    }
  } else if (shards !== undefined) out.invalid.push('root shards is not a map');
  const albums = doc['albums'];
  if (isObject(albums)) {
    for (const [k, v] of Object.entries(albums)) {
      const url = text(v);
      if (!isValidAutomergeUrl(url)) out.invalid.push(`root albums[${JSON.stringify(k)}] malformed`);
      else out.albums.set(k, url);
    }
  } else if (albums !== undefined) out.invalid.push('root albums is not a map');
  const people = text(doc['people']);
  if (people !== undefined) {
    if (isValidAutomergeUrl(people)) out.people = people;
    else out.invalid.push('root people url malformed');
  }
  return ok(out);
}

/** The catalog fields a new root document starts with (identity fills in the rest). */
export function emptyCatalogRootFields(): Pick<RootDoc, 'shards' | 'albums'> {
  return { shards: {}, albums: {} };
}

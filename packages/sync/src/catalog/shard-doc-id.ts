/**
 * Asset shards get deterministic document ids and a deterministic first change, so two
 * devices that both start the same month while offline create *the same* document: their
 * first changes are byte-identical (same actor, time and content, so the same hash) and
 * later records from both merge into one map. Otherwise each device would make its own
 * document, the root's `shards[month]` entry would conflict and one side's records would
 * be orphaned.
 */
import * as A from '@automerge/automerge';
import {
  parseAutomergeUrl,
  stringifyAutomergeUrl,
  type AutomergeUrl,
  type BinaryDocumentId,
  type DocumentId,
} from '@automerge/automerge-repo';
import { emptyShard, type AssetShardDoc } from './asset-shard-doc.ts';

/** The actor of every shard's first change (never used for later changes). */
const GENESIS_ACTOR = '686561727468' + '00'.repeat(10);

/** The URL of a library's shard: its id is the first 16 bytes of SHA-256(library id, shard key). */
export async function shardUrl(libraryId: string, shard: string): Promise<AutomergeUrl> {
  const bytes = new TextEncoder().encode(`hearth/asset-shard/1\0${libraryId}\0${shard}`);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return stringifyAutomergeUrl({ documentId: digest.slice(0, 16) as BinaryDocumentId });
}

export async function shardDocumentId(libraryId: string, shard: string): Promise<DocumentId> {
  return parseAutomergeUrl(await shardUrl(libraryId, shard)).documentId;
}

/** The saved bytes of a shard's deterministic first change. */
export function shardGenesis(shard: string): Uint8Array {
  const doc = A.change(A.init<AssetShardDoc>({ actor: GENESIS_ACTOR }), { time: 0 }, (d) => {
    Object.assign(d, emptyShard(shard));
  });
  return A.save(doc);
}

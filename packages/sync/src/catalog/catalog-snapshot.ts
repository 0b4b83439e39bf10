/**
 * Fast bootstrap of a new device: `/hearth/catalog-snapshot/1` streams the saved form
 * (Automerge.save) of every catalog document, root first, then shards newest month first,
 * then albums and people. The new device imports them as they arrive (the newest month is
 * readable after the first few frames) and afterwards automerge-repo's sync only has to
 * exchange heads and whatever changed meanwhile. Saved documents are compact and load
 * in one step, where syncing from empty replays every change through the sync protocol.
 *
 * Shards a lazy server holds closed are sent as their stored bytes (no document is loaded)
 * with their shard summary (ids, heads). A receiver given its storage adapter writes such
 * shards straight to storage with their summaries, loading only the newest month's shards, so
 * a lazy catalog opened afterwards knows every asset without loading 100,000 records.
 *
 * Like every Hearth handler, the server checks the remote peer first: an unpaired peer's
 * stream is aborted before anything is read or written.
 *
 * Version 2 of the protocol ends with an end frame counting the documents sent, so a snapshot
 * cut short (the server stopped, the connection dropped) is a `SnapshotTruncatedError`, not a
 * smaller catalog taken for the whole one. Version 1 (older peers) has no end frame: a server
 * still answers it without one, and a client falls back to it when the server knows only 1,
 * reporting `complete: undefined` (sync repairs what a cut snapshot missed).
 */
import { parseAutomergeUrl, type AutomergeUrl, type DocHandle, type Repo } from '@automerge/automerge-repo';
import type { Libp2p, Stream } from '@libp2p/interface';
import { encode } from 'cborg';
import * as lp from 'it-length-prefixed';
import { drained } from '../net/stream-drain.ts';
import type { PeerAccess } from '../net/peer-access.ts';
import {
  CATALOG_SNAPSHOT_PROTOCOL,
  CATALOG_SNAPSHOT_PROTOCOL_V1,
  type DocFrame,
  type EndFrame,
  type SnapshotDocKind,
} from './catalog-snapshot-frames.ts';
import type { RootDoc } from './root-doc.ts';
import { readRootIndex } from './root-doc-validation.ts';
import { parseShardKey } from './shard-key.ts';
import { repoSummaryStore } from './shard-summary.ts';

export {
  CATALOG_SNAPSHOT_PROTOCOL,
  CATALOG_SNAPSHOT_PROTOCOL_V1,
  MAX_SNAPSHOT_FRAME,
  type SnapshotDocKind,
} from './catalog-snapshot-frames.ts';
export {
  fetchCatalogSnapshot,
  SnapshotTruncatedError,
  type SnapshotResult,
} from './catalog-snapshot-fetch.ts';

type SnapshotNode = Pick<Libp2p, 'handle' | 'unhandle' | 'dialProtocol'>;

/** Serves this peer's catalog as snapshots to paired peers. */
export function serveCatalogSnapshots(opts: {
  node: SnapshotNode;
  repo: Repo;
  root: DocHandle<RootDoc>;
  access: PeerAccess;
}) {
  const { node, repo, root, access } = opts;

  async function* frames(): AsyncGenerator<Uint8Array> {
    const index = readRootIndex(root.doc());
    if (!index.ok) return;
    const docs: Array<[SnapshotDocKind, string, string]> = [['root', '', root.url]];
    const shards = [...index.value.shards].sort(([a], [b]) => {
      const pa = parseShardKey(a)!;
      const pb = parseShardKey(b)!;
      return pa.month === pb.month ? pa.split - pb.split : pa.month < pb.month ? 1 : -1;
    });
    for (const [key, url] of shards) docs.push(['shard', key, url]);
    for (const [id, url] of index.value.albums) docs.push(['album', id, url]);
    if (index.value.people) docs.push(['people', '', index.value.people]);
    const summaries = repoSummaryStore(repo);
    for (const [k, key, url] of docs) {
      const { documentId } = parseAutomergeUrl(url as AutomergeUrl);
      // A document the repo holds is saved from memory; a closed shard is sent as stored.
      const open = repo.handles[documentId]?.isReady();
      const b = open
        ? await repo.export(url as AutomergeUrl)
        : ((await repo.storageSubsystem?.loadDocData(documentId)) ??
          (await repo.export(url as AutomergeUrl)));
      if (!b) continue;
      const frame: DocFrame = { k, key, id: documentId, b };
      const summary = k === 'shard' ? await summaries?.load(key) : undefined;
      if (summary) frame.s = summary;
      yield encode(frame);
    }
  }

  async function serve(stream: Stream, remote: string, withEnd: boolean): Promise<void> {
    if (!access.isPaired(remote)) {
      stream.abort(new Error('not paired'));
      return;
    }
    try {
      let n = 0;
      for await (const f of frames()) {
        if (!access.isPaired(remote)) return stream.abort(new Error('no longer paired'));
        await drained(stream);
        stream.send(lp.encode.single(f));
        n++;
      }
      const end: EndFrame = { k: 'end', n };
      if (withEnd) stream.send(lp.encode.single(encode(end)));
      await stream.close();
    } catch (e) {
      stream.abort(e as Error);
    }
  }

  return {
    async start() {
      for (const protocol of [CATALOG_SNAPSHOT_PROTOCOL, CATALOG_SNAPSHOT_PROTOCOL_V1])
        await node.handle(
          protocol,
          (stream, connection) =>
            serve(stream, connection.remotePeer.toString(), protocol === CATALOG_SNAPSHOT_PROTOCOL),
          { maxInboundStreams: 2 },
        );
    },
    async stop() {
      await node.unhandle(CATALOG_SNAPSHOT_PROTOCOL);
      await node.unhandle(CATALOG_SNAPSHOT_PROTOCOL_V1);
    },
  };
}

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
 */
import {
  isValidDocumentId,
  parseAutomergeUrl,
  type AutomergeUrl,
  type DocHandle,
  type DocumentId,
  type Repo,
  type StorageAdapterInterface,
} from '@automerge/automerge-repo';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Libp2p, PeerId as Libp2pPeerId, Stream } from '@libp2p/interface';
import { decode, encode } from 'cborg';
import * as lp from 'it-length-prefixed';
import type { PeerAccess } from '../net/peer-access.ts';
import { automergeChunkProblem } from './automerge-chunk-check.ts';
import { InvalidCatalogDataError } from './catalog-errors.ts';
import type { RootDoc } from './root-doc.ts';
import { readRootIndex } from './root-doc-validation.ts';
import { parseShardKey } from './shard-key.ts';
import { decodeShardSummary, repoSummaryStore, SUMMARY_NAMESPACE } from './shard-summary.ts';
import { streamSource } from '../net/stream-source.ts';

export const CATALOG_SNAPSHOT_PROTOCOL = '/hearth/catalog-snapshot/1';
/** Largest document frame accepted (a full 2,000-record shard saves to well under 1 MiB). */
export const MAX_SNAPSHOT_FRAME = 32 * 1024 * 1024;

export type SnapshotDocKind = 'root' | 'shard' | 'album' | 'people';
interface DocFrame {
  k: SnapshotDocKind;
  /** shard key / album id / '' */
  key: string;
  id: string;
  b: Uint8Array;
  /** a shard's summary (shard-summary.ts), when the server has one */
  s?: Uint8Array;
}

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

  async function serve(stream: Stream, remote: string): Promise<void> {
    if (!access.isPaired(remote)) {
      stream.abort(new Error('not paired'));
      return;
    }
    try {
      for await (const f of frames()) {
        if (!access.isPaired(remote)) return stream.abort(new Error('no longer paired'));
        if (stream.writableNeedsDrain) await stream.onDrain();
        stream.send(lp.encode.single(f));
      }
      await stream.close();
    } catch (e) {
      stream.abort(e as Error);
    }
  }

  return {
    async start() {
      await node.handle(
        CATALOG_SNAPSHOT_PROTOCOL,
        (stream, connection) => serve(stream, connection.remotePeer.toString()),
        {
          maxInboundStreams: 2,
        },
      );
    },
    async stop() {
      await node.unhandle(CATALOG_SNAPSHOT_PROTOCOL);
    },
  };
}

/** What a bootstrap fetched. */
export interface SnapshotResult {
  rootUrl: string | undefined;
  docs: number;
  bytes: number;
  /** frames that were skipped (malformed, or bytes Automerge could not load) */
  invalid: InvalidCatalogDataError[];
}

/**
 * Fetches a paired peer's catalog snapshot into `repo`. `onDoc` is told after each document
 * is imported (the root comes first, then the newest shards), so the UI can open early.
 */
export async function fetchCatalogSnapshot(opts: {
  node: Pick<Libp2p, 'dialProtocol'>;
  peer: Libp2pPeerId;
  repo: Repo;
  /** told after each document; `handle` is undefined for a shard written straight to storage */
  onDoc?: (kind: SnapshotDocKind, key: string, handle: DocHandle<unknown> | undefined) => void;
  /**
   * The repo's storage adapter: shards with a summary, other than the newest month's, are
   * written to it with their summary instead of being loaded (for a lazy catalog).
   */
  storage?: StorageAdapterInterface;
  maxFrameBytes?: number;
  signal?: AbortSignal;
}): Promise<SnapshotResult> {
  const stream = await opts.node.dialProtocol(
    opts.peer,
    CATALOG_SNAPSHOT_PROTOCOL,
    opts.signal ? { signal: opts.signal } : {},
  );
  const result: SnapshotResult = { rootUrl: undefined, docs: 0, bytes: 0, invalid: [] };
  const where = `catalog snapshot from ${opts.peer.toString()}`;
  let newestMonth: string | undefined;
  // streamSource: libp2p's own iterator can miss a close that came before reading started.
  const source = streamSource(stream);
  for await (const chunk of lp.decode(source, { maxDataLength: opts.maxFrameBytes ?? MAX_SNAPSHOT_FRAME })) {
    const bytes = chunk.subarray();
    result.bytes += bytes.length;
    let f: unknown;
    try {
      f = decode(bytes);
    } catch {
      result.invalid.push(new InvalidCatalogDataError(where, 'frame is not CBOR'));
      continue;
    }
    const frame = f as Partial<DocFrame>;
    if (
      !['root', 'shard', 'album', 'people'].includes(String(frame.k)) ||
      typeof frame.key !== 'string' ||
      !isValidDocumentId(frame.id) ||
      !(frame.b instanceof Uint8Array)
    ) {
      result.invalid.push(new InvalidCatalogDataError(where, 'malformed frame'));
      continue;
    }
    const docId = frame.id as DocumentId;
    const month = frame.k === 'shard' ? parseShardKey(frame.key)?.month : undefined;
    if (month !== undefined) newestMonth ??= month;
    if (
      opts.storage &&
      month !== undefined &&
      month !== newestMonth &&
      frame.s &&
      !opts.repo.handles[docId]
    ) {
      if (!decodeShardSummary(frame.s).ok) {
        result.invalid.push(new InvalidCatalogDataError(where, `shard ${frame.key}: malformed summary`));
        continue;
      }
      // Stored unloaded, so checked here (checksums, not a load): a bad shard is not stored and
      // stays unknown until ordinary sync fetches it.
      const problem = automergeChunkProblem(frame.b);
      if (problem !== undefined) {
        result.invalid.push(new InvalidCatalogDataError(where, `shard ${frame.key}: ${problem}`));
        continue;
      }
      // Stored as an incremental chunk under its hash, as automerge-repo names its own.
      await opts.storage.save([docId, 'incremental', bytesToHex(sha256(frame.b))], frame.b);
      await opts.storage.save([SUMMARY_NAMESPACE, frame.key], frame.s);
      result.docs++;
      opts.onDoc?.('shard', frame.key, undefined);
      continue;
    }
    try {
      const handle = opts.repo.import<unknown>(frame.b, { docId });
      if (!handle.isReady()) handle.doneLoading();
      if (frame.k === 'root') result.rootUrl = handle.url;
      result.docs++;
      opts.onDoc?.(frame.k as SnapshotDocKind, frame.key, handle);
    } catch (e) {
      result.invalid.push(
        new InvalidCatalogDataError(where, `${frame.k} ${frame.key}: not loadable (${String(e)})`),
      );
    }
  }
  return result;
}

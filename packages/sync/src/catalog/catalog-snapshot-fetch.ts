/** The client side of `/hearth/catalog-snapshot` (see catalog-snapshot.ts). */
import {
  isValidDocumentId,
  type DocHandle,
  type DocumentId,
  type Repo,
  type StorageAdapterInterface,
} from '@automerge/automerge-repo';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Libp2p, PeerId as Libp2pPeerId } from '@libp2p/interface';
import { decode } from 'cborg';
import * as lp from 'it-length-prefixed';
import { HearthError } from '../errors.ts';
import { streamSource } from '../net/stream-source.ts';
import { automergeChunkProblem } from './automerge-chunk-check.ts';
import { InvalidCatalogDataError } from './catalog-errors.ts';
import {
  CATALOG_SNAPSHOT_PROTOCOL,
  CATALOG_SNAPSHOT_PROTOCOL_V1,
  MAX_SNAPSHOT_FRAME,
  type DocFrame,
  type EndFrame,
  type SnapshotDocKind,
} from './catalog-snapshot-frames.ts';
import { parseShardKey } from './shard-key.ts';
import { decodeShardSummary, SUMMARY_NAMESPACE } from './shard-summary.ts';

/** A version-2 snapshot ended without its end frame, or with a count other than the frames received. */
export class SnapshotTruncatedError extends HearthError {
  /** what was fetched before the end (those documents are in the repo: nothing is rolled back) */
  readonly partial: SnapshotResult;
  constructor(where: string, reason: string, partial: SnapshotResult, options?: { cause?: unknown }) {
    super(
      'CATALOG_SNAPSHOT_TRUNCATED',
      `${where}: the snapshot was cut short (${reason}); the ${partial.docs} documents received are kept and sync fetches the rest`,
      options,
    );
    this.partial = partial;
  }
}

/** What a bootstrap fetched. */
export interface SnapshotResult {
  rootUrl: string | undefined;
  docs: number;
  bytes: number;
  /** frames that were skipped (malformed, or bytes Automerge could not load) */
  invalid: InvalidCatalogDataError[];
  /**
   * true: the server's end frame confirmed every document frame arrived; undefined: an older
   * server (protocol version 1) that cannot say. A cut version-2 snapshot throws instead.
   */
  complete?: true;
}

/**
 * Fetches a paired peer's catalog snapshot into `repo`. `onDoc` is told after each document
 * is imported (the root comes first, then the newest shards), so the UI can open early.
 * Throws `SnapshotTruncatedError` when the snapshot is cut short (what arrived stays imported).
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
  // The newest version the server speaks (multistream-select takes the first it knows).
  const stream = await opts.node.dialProtocol(
    opts.peer,
    [CATALOG_SNAPSHOT_PROTOCOL, CATALOG_SNAPSHOT_PROTOCOL_V1],
    opts.signal ? { signal: opts.signal } : {},
  );
  const result: SnapshotResult = { rootUrl: undefined, docs: 0, bytes: 0, invalid: [] };
  const where = `catalog snapshot from ${opts.peer.toString()}`;
  // A stand-in stream without a protocol is taken as the current version.
  const marksEnd = (stream as { protocol?: string }).protocol !== CATALOG_SNAPSHOT_PROTOCOL_V1;
  let frames = 0;
  let end: number | undefined;
  const truncated = (reason: string, cause?: unknown) =>
    new SnapshotTruncatedError(where, reason, result, cause === undefined ? {} : { cause });
  let newestMonth: string | undefined;
  // streamSource: libp2p's own iterator can miss a close that came before reading started.
  const decoded = lp.decode(streamSource(stream), {
    maxDataLength: opts.maxFrameBytes ?? MAX_SNAPSHOT_FRAME,
  });
  async function* chunks() {
    try {
      yield* decoded;
    } catch (e) {
      // A reset stream, a dropped connection, a frame over the limit: the rest will not come.
      throw marksEnd ? truncated(`stream failed: ${(e as Error).message}`, e) : e;
    }
  }
  try {
    for await (const chunk of chunks()) {
      const bytes = chunk.subarray();
      result.bytes += bytes.length;
      let f: unknown;
      try {
        f = decode(bytes);
      } catch {
        frames++;
        result.invalid.push(new InvalidCatalogDataError(where, 'frame is not CBOR'));
        continue;
      }
      if (marksEnd && (f as Partial<EndFrame>)?.k === 'end') {
        const n = (f as Partial<EndFrame>).n;
        if (typeof n !== 'number') throw truncated('malformed end frame');
        end = n;
        break;
      }
      frames++;
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
  } catch (e) {
    if ('abort' in stream) stream.abort(e as Error);
    throw e;
  }
  // The server has closed its side; closing ours ends the stream (the server takes few at once).
  if ('close' in stream && stream.status === 'open') await stream.close().catch(() => undefined);
  if (!marksEnd) return result;
  if (end === undefined) throw truncated(`no end frame after ${frames} documents`);
  if (end !== frames) throw truncated(`${frames} of ${end} documents arrived`);
  result.complete = true;
  return result;
}

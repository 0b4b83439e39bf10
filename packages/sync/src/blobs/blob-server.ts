/**
 * Serves `/hearth/blob/2` from a BlobStore. The access check comes before anything is
 * read: an unpaired peer's stream is reset at once, whatever it was going to ask, so it
 * cannot tell a known hash from an unknown one. Requests on a stream are answered in
 * order; the client bounds how many it has in flight, and writes wait for `drain`.
 */
import type { Connection, Libp2p, Stream } from '@libp2p/interface';
import type { BlobHash } from '../ids.ts';
import type { PeerAccess } from '../net/peer-access.ts';
import { readSmall, type BlobStore } from './blob-store.ts';
import { chunkCount, createManifestCache } from './blob-manifest.ts';
import { createChunkPool, createSentChunks } from './chunk-pool.ts';
import {
  BLOB_PROTOCOL,
  MAX_CHUNK,
  MAX_REQUEST_FRAME,
  MAX_SMALLS_MANIFEST,
  MIN_CHUNK,
  SMALLS_BUDGET,
  smallsManifestBytes,
  decodeRequest,
  encodeFrame,
  type BlobRequest,
  type BlobResponse,
  type SmallItem,
} from './blob-protocol.ts';
import { BlobNotFoundError, BlobRangeError } from './errors.ts';
import { readFrames, sendFrame } from './frame-stream.ts';
import { createWakeSignal } from './wake-signal.ts';
import type { Hashing } from './hashing.ts';

/** What the server needs from a libp2p node. */
export type BlobServerNode = Pick<Libp2p, 'handle' | 'unhandle'>;

/** Options of the blob server. */
export interface BlobServerOptions {
  node: BlobServerNode;
  store: BlobStore;
  access: PeerAccess;
  hashing: Hashing;
  /** Chunk size announced in manifests (default 1 MiB, see docs/benchmarks.md#blob-throughput). */
  chunkSize?: number;
  /** Blobs up to this size are sent whole in the `meta` answer (default 256 KiB). */
  inlineLimit?: number;
  /** Requests worked on at once per stream (default 16). */
  pipeline?: number;
  /**
   * Concurrent blob streams (default 8). With `pipeline` answers of ≤ 1 MiB held per stream,
   * this bounds what one connection can make the server buffer (8 × 16 MiB).
   */
  maxInboundStreams?: number;
  /** Free chunk buffers kept for reuse (default 32: 32 MiB at the default chunk size). */
  pooledChunks?: number;
}

/** A started protocol handler. */
export interface BlobServer {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const DEFAULT_CHUNK = 1024 * 1024;

export function createBlobServer(options: BlobServerOptions): BlobServer {
  const { node, store, access } = options;
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  if (chunkSize < MIN_CHUNK || chunkSize > MAX_CHUNK)
    throw new RangeError(`chunkSize must be ${MIN_CHUNK}..${MAX_CHUNK}`);
  const inlineLimit = Math.min(options.inlineLimit ?? 256 * 1024, MAX_CHUNK);
  const pipeline = options.pipeline ?? 16;
  const manifests = createManifestCache(store, options.hashing, chunkSize);
  const open = new Map<string, Set<Stream>>();
  const pool = createChunkPool(chunkSize, options.pooledChunks ?? 32);
  let unsubscribe: (() => void) | undefined;

  /** An answer, and the pooled buffer its bytes are in (given back once sent and let go of). */
  type Answer = { res: BlobResponse; lent?: Uint8Array };

  async function answer(req: BlobRequest): Promise<Answer> {
    if (req.t !== 'get') return { res: await answerOther(req) };
    const into = pool.take();
    let res: BlobResponse;
    try {
      res = await answerGet(req, into);
    } catch (e) {
      pool.give(into);
      throw e;
    }
    // Stores that cannot read into a given buffer (memory, IndexedDB) answer with their own.
    if (res.t === 'data' && (res.d as Uint8Array).buffer === into.buffer) return { res, lent: into };
    pool.give(into);
    return { res };
  }

  async function answerGet(req: Extract<BlobRequest, { t: 'get' }>, into: Uint8Array): Promise<BlobResponse> {
    try {
      const start = req.i * chunkSize;
      const { size, bytes } = await store.read(req.h as BlobHash, start, chunkSize, into);
      if (start >= size && !(start === 0 && size === 0)) return { t: 'err', id: req.id, code: 'BAD_REQUEST' };
      return { t: 'data', id: req.id, i: req.i, d: bytes };
    } catch (e) {
      return failed(req, e);
    }
  }

  /** The answer to a request that failed with a known error (rethrows others). */
  function failed(req: BlobRequest, e: unknown): BlobResponse {
    if (e instanceof BlobNotFoundError) {
      if (typeof req.h === 'string') manifests.forget(req.h as BlobHash);
      return { t: 'err', id: req.id, code: 'NOT_FOUND' };
    }
    if (e instanceof BlobRangeError) return { t: 'err', id: req.id, code: 'BAD_REQUEST' };
    throw e;
  }

  async function answerOther(req: Exclude<BlobRequest, { t: 'get' }>): Promise<BlobResponse> {
    try {
      switch (req.t) {
        case 'has':
          return {
            t: 'has',
            id: req.id,
            have: await Promise.all(req.h.map((h) => store.has(h as BlobHash))),
          };
        case 'meta': {
          // Small blobs: one read serves both the one-chunk manifest and the inline bytes.
          const limit = Math.min(req.inline, inlineLimit, chunkSize);
          const small = await readSmall(store, req.h as BlobHash, limit);
          if (small.bytes) {
            const ch = await options.hashing.sha256Of(small.bytes);
            return { t: 'meta', id: req.id, size: small.size, cs: chunkSize, ch, data: small.bytes };
          }
          const m = await manifests.get(req.h as BlobHash);
          return { t: 'meta', id: req.id, size: m.size, cs: m.chunkSize, ch: m.prefixDigests };
        }
        case 'smalls': {
          // Many thumbnails in one answer, each read with one open. Every blob reads at most its
          // share of the frame budget, so an answer never holds more than the budget; blobs above
          // their share are then read (in request order) while the rest of the budget allows.
          // The others get their size only, and the client asks `meta` for them.
          const limit = Math.min(req.inline, inlineLimit, chunkSize);
          const share = Math.min(limit, Math.floor(SMALLS_BUDGET / Math.max(1, req.h.length)));
          const read = (h: string, max: number) =>
            readSmall(store, h as BlobHash, max).catch((e: unknown) => {
              if (e instanceof BlobNotFoundError) return undefined;
              throw e;
            });
          const reads = await Promise.all(req.h.map((h) => read(h, share)));
          let budget = SMALLS_BUDGET;
          for (const r of reads) budget -= r?.bytes?.length ?? 0;
          const second = reads.map((r, k) => {
            if (!r || r.bytes || r.size > limit || r.size > budget) return undefined;
            budget -= r.size;
            return read(req.h[k]!, r.size);
          });
          for (const [k, p] of second.entries()) if (p) reads[k] = await p;
          // Blobs too big to inline get their manifest when asked and it fits (photos: no `meta`
          // round trip); any failure here leaves the size only, and `meta` reports it.
          const manifest = reads.map((r, k) => {
            const chunks = r && !r.bytes && r.size > limit ? chunkCount(r.size, chunkSize) : Infinity;
            if (!req.man || !req.bin || chunks > MAX_SMALLS_MANIFEST || smallsManifestBytes(chunks) > budget)
              return undefined;
            budget -= smallsManifestBytes(chunks);
            return manifests.get(req.h[k]! as BlobHash).catch(() => undefined);
          });
          const items: SmallItem[] = [];
          for (const [k, r] of reads.entries()) {
            const m = await manifest[k];
            if (!r) items.push({ e: 'NOT_FOUND' });
            else if (r.bytes) items.push({ s: r.size, d: r.bytes });
            else if (m && m.size === r.size) items.push({ s: r.size, cs: m.chunkSize, ch: m.prefixDigests });
            else items.push({ s: r.size });
          }
          return { t: 'smalls', id: req.id, items, ...(req.bin ? { bin: true as const } : {}) };
        }
      }
    } catch (e) {
      return failed(req, e);
    }
  }

  async function handle(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString();
    if (!access.isPaired(peer)) {
      stream.abort(new Error('not paired'));
      return;
    }
    let streams = open.get(peer);
    if (!streams) open.set(peer, (streams = new Set()));
    streams.add(stream);
    try {
      // Requests are worked on concurrently (disk reads overlap) but answered in order;
      // at most `pipeline` answers are held, so a peer cannot make us buffer more.
      const answers: Promise<Answer>[] = [];
      const sent = createSentChunks(stream, pool);
      // Each loop has its own wake-up: an answer to send, a slot free (or the writer failed).
      const toWriter = createWakeSignal();
      const toReader = createWakeSignal();
      let reading = true;
      let writeFailed = false;
      const writer = (async () => {
        try {
          while (reading || answers.length > 0) {
            sent.reclaim();
            const next = answers.shift();
            if (!next) {
              await toWriter.wait();
              continue;
            }
            const { res, lent } = await next;
            await sendFrame(stream, encodeFrame(res));
            if (lent) sent.sent(lent);
            toReader.notify();
          }
        } catch (e) {
          writeFailed = true;
          toReader.notify();
          throw e;
        }
      })();
      writer.catch(() => undefined);
      try {
        for await (const frame of readFrames(stream, MAX_REQUEST_FRAME)) {
          const p = answer(decodeRequest(frame));
          p.catch(() => undefined);
          answers.push(p);
          toWriter.notify();
          while (answers.length >= pipeline && !writeFailed) await toReader.wait();
          if (writeFailed) await writer; // throws the writer's error
        }
      } finally {
        reading = false;
        toWriter.notify();
      }
      await writer;
      await stream.close();
    } catch (e) {
      stream.abort(e instanceof Error ? e : new Error(String(e)));
    } finally {
      streams.delete(stream);
      if (streams.size === 0) open.delete(peer);
    }
  }

  return {
    async start() {
      await node.handle(BLOB_PROTOCOL, handle, { maxInboundStreams: options.maxInboundStreams ?? 8 });
      unsubscribe = access.onRevoked((peer) => {
        for (const s of open.get(peer) ?? []) s.abort(new Error('device revoked'));
      });
    },
    async stop() {
      unsubscribe?.();
      await node.unhandle(BLOB_PROTOCOL);
      for (const set of open.values()) for (const s of set) s.abort(new Error('blob server stopped'));
      open.clear();
    },
  };
}

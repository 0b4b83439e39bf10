/**
 * Fetches blobs over `/hearth/blob/2` into the local store. It asks paired peers who has
 * a blob (fastest answer first), takes the chunk manifest from one, then pipelines chunk
 * requests (`window` in flight) and checks every chunk before it is stored: one running
 * SHA-256 over the chunks in order, whose digest at each chunk boundary must match the
 * manifest's prefix digest (the last one is the blob's address, so the whole-blob check
 * is the same pass). When a peer dies or sends bytes that do not verify, it is dropped for
 * that blob and the next peer carries on from the first chunk not yet verified: at most
 * `window` chunks are fetched twice.
 */
import type { Libp2p, PeerId } from '@libp2p/interface';
import type { BlobHash } from '../ids.ts';
import type { PeerAccess } from '../net/peer-access.ts';
import type { BlobStore, BlobPutResult, PartialBlob } from './blob-store.ts';
import { openPartial } from './partial-blob.ts';
import {
  BLOB_PROTOCOL,
  OLD_BLOB_PROTOCOLS,
  MAX_SMALLS,
  chunkPieces,
  type BlobResponse,
  type SmallItem,
} from './blob-protocol.ts';
import { createPeerBatcher } from './peer-batcher.ts';
import { createHasBatcher } from './has-batcher.ts';
import { createBlobSession, type BlobSession } from './blob-session.ts';
import { chunkCount } from './blob-manifest.ts';
import { BlobHashMismatchError, BlobPeerError, BlobTransferError, BlobVersionError } from './errors.ts';
import { bytesEqual, type Hashing, type IncrementalHash } from './hashing.ts';

/** What the client needs from a libp2p node. */
export type BlobClientNode = Pick<Libp2p, 'dialProtocol' | 'getConnections'>;

/** Options of the blob client. */
export interface BlobClientOptions {
  node: BlobClientNode;
  store: BlobStore;
  access: PeerAccess;
  hashing: Hashing;
  /** Chunk requests in flight per blob (default 8). */
  window?: number;
  /** Streams opened per peer; blobs are spread over them, so a big blob's chunks do not hold up thumbnails (default 4; servers accept 8). */
  streamsPerPeer?: number;
  /** A request not answered in this time counts as a broken connection (default 30 s). */
  requestTimeoutMs?: number;
}

/** Progress of one fetch. */
export interface FetchProgress {
  hash: BlobHash;
  bytes: number;
  total: number;
}

/** Options of one fetch. */
export interface FetchOptions {
  /** Peers to try, in order; default: ask every connected paired peer who has it. */
  peers?: PeerId[];
  onProgress?: (p: FetchProgress) => void;
}

/** What a fetch did; `dropped` are peers that failed or sent bad bytes. */
export interface FetchResult extends BlobPutResult {
  from: string[];
  dropped: string[];
  /** Bytes received and then re-requested elsewhere (in-flight when a peer failed). */
  resentBytes: number;
  bytesReceived: number;
}

/** A peer that answered `has` with yes, and how fast. */
export interface Holder {
  peer: PeerId;
  rttMs: number;
}

/** The blob client. */
export interface BlobClient {
  whoHas(hash: BlobHash, peers?: PeerId[]): Promise<Holder[]>;
  fetch(hash: BlobHash, options?: FetchOptions): Promise<FetchResult>;
  stop(): void;
}

const INLINE = 256 * 1024;

export function createBlobClient(options: BlobClientOptions): BlobClient {
  const { node, store, access, hashing } = options;
  const window = options.window ?? 8;
  const refillAt = Math.floor(window / 2);
  const perPeer = options.streamsPerPeer ?? 4;
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  type PoolEntry = { promise: Promise<BlobSession>; session?: BlobSession; failed?: boolean };
  const sessions = new Map<string, PoolEntry[]>();
  const inflight = new Map<BlobHash, Promise<FetchResult>>();

  // The pool is updated synchronously (no await before a stream is added), so many fetches
  // starting at once share `perPeer` streams instead of each dialling its own.
  function session(peer: PeerId): Promise<BlobSession> {
    const key = peer.toString();
    const list = (sessions.get(key) ?? []).filter((e) => !e.failed && !e.session?.closed);
    sessions.set(key, list);
    if (list.length < perPeer) {
      const entry: PoolEntry = {
        promise: node.dialProtocol(peer, [BLOB_PROTOCOL, ...OLD_BLOB_PROTOCOLS]).then((stream) => {
          // Offering the old versions too tells "too old" apart from "does not serve blobs".
          if (stream.protocol !== BLOB_PROTOCOL) {
            stream.abort(new Error('old blob protocol'));
            throw new BlobVersionError(key, stream.protocol ?? 'an unknown protocol', BLOB_PROTOCOL);
          }
          return (entry.session = createBlobSession(key, stream));
        }),
      };
      entry.promise.catch(() => (entry.failed = true));
      list.push(entry);
      return entry.promise;
    }
    const ready = list.filter((e) => e.session);
    if (ready.length === 0) return list[0]!.promise;
    return Promise.resolve(ready.map((e) => e.session!).reduce((x, y) => (y.pending < x.pending ? y : x)));
  }

  function timed<T>(p: Promise<T>, what: string, peer: PeerId): Promise<T> {
    let t: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      t = setTimeout(
        () =>
          reject(
            new BlobPeerError(peer.toString(), {
              cause: new Error(`${what} not answered in ${timeoutMs} ms`),
            }),
          ),
        timeoutMs,
      );
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(t));
  }

  function pairedPeers(): PeerId[] {
    const seen = new Map<string, PeerId>();
    for (const c of node.getConnections())
      if (c.status === 'open' && access.isPaired(c.remotePeer.toString()))
        seen.set(c.remotePeer.toString(), c.remotePeer);
    return [...seen.values()];
  }

  const askHas = createHasBatcher(async (peer, hashes) => {
    const s = await session(peer);
    const res = await timed(s.request({ t: 'has', h: hashes }), 'has', peer);
    return res.t === 'has' && res.have.length === hashes.length ? res.have : undefined;
  });

  const askSmall = createPeerBatcher<SmallItem>(
    async (peer, hashes) => {
      const s = await session(peer);
      const res = await timed(
        s.request({ t: 'smalls', h: hashes, inline: INLINE, bin: true }),
        'smalls',
        peer,
      );
      return res.t === 'smalls' && res.items.length === hashes.length ? res.items : undefined;
    },
    MAX_SMALLS,
    2,
  );

  async function whoHas(hash: BlobHash, peers = pairedPeers()): Promise<Holder[]> {
    const answers = await Promise.all(
      peers.map(async (peer) => {
        const t0 = performance.now();
        return (await askHas(peer, hash)) ? { peer, rttMs: performance.now() - t0 } : undefined;
      }),
    );
    return answers.filter((a): a is Holder => a !== undefined).sort((a, b) => a.rttMs - b.rttMs);
  }

  /** Stores a blob that came whole; false (nothing stored) when it is not the blob asked for. */
  async function putWhole(hash: BlobHash, data: Uint8Array): Promise<BlobPutResult | undefined> {
    // `put` hashes what it writes and refuses a mismatch, so the bytes are hashed once.
    try {
      return await store.put(data, { expected: hash });
    } catch (e) {
      if (e instanceof BlobHashMismatchError) return undefined;
      throw e;
    }
  }

  async function fetchOnce(hash: BlobHash, opts: FetchOptions): Promise<FetchResult> {
    const candidates = opts.peers ?? (await whoHas(hash)).map((h) => h.peer);
    const dropped = new Set<string>();
    const from = new Set<string>();
    let resentBytes = 0;
    let bytesReceived = 0;
    const next = () => candidates.find((p) => !dropped.has(p.toString()));
    const hashBytes = hexBytes(hash);
    let tooOld: BlobVersionError | undefined;

    for (let peer = next(); peer; peer = next()) {
      const key = peer.toString();
      // Small blobs come whole in a batched answer; bigger ones fall through to `meta`.
      const small = await askSmall(peer, hash);
      if (small && 'e' in small) {
        dropped.add(key);
        continue;
      }
      if (small?.d) {
        bytesReceived += small.d.length;
        const r = await putWhole(hash, small.d);
        if (!r) {
          dropped.add(key);
          continue;
        }
        from.add(key);
        opts.onProgress?.({ hash, bytes: r.size, total: r.size });
        return { ...r, from: [...from], dropped: [...dropped], resentBytes, bytesReceived };
      }
      let meta: Extract<BlobResponse, { t: 'meta' }>;
      try {
        const res = await timed(
          (await session(peer)).request({ t: 'meta', h: hash, inline: INLINE }),
          'manifest',
          peer,
        );
        if (res.t !== 'meta') throw new BlobTransferError(hash, `${key} answered ${res.t}`);
        meta = res;
      } catch (e) {
        if (e instanceof BlobVersionError) tooOld = e;
        dropped.add(key);
        continue;
      }
      const n = chunkCount(meta.size, meta.cs);
      // The last prefix digest is the address: a manifest that is not for this blob stops here.
      if (meta.ch.length !== n * 32 || !bytesEqual(meta.ch.subarray(32 * (n - 1)), hashBytes)) {
        dropped.add(key);
        continue;
      }
      if (meta.data) {
        bytesReceived += meta.data.length;
        const r = meta.data.length === meta.size ? await putWhole(hash, meta.data) : undefined;
        if (!r) {
          dropped.add(key);
          continue;
        }
        from.add(key);
        opts.onProgress?.({ hash, bytes: meta.size, total: meta.size });
        return { ...r, from: [...from], dropped: [...dropped], resentBytes, bytesReceived };
      }
      // The manifest in use and whose it is: a peer that takes over brings its own (below).
      let ch = meta.ch;
      let chFrom = key;
      const expectedLength = (i: number) => Math.min(meta.cs, meta.size - i * meta.cs);
      // One running hash over the verified chunks, in order (those kept on disk, then those
      // received). A chunk is tried on a fork, kept only if the prefix digest matches, so a
      // bad chunk leaves the state at the last good boundary for the next peer. Chunks are
      // hashed as the pieces they arrived in (never joined), on this thread: CPU, not latency,
      // bounds throughput on a loaded machine, and a thread-pool digest copies.
      let running: IncrementalHash = await hashing.sha256();
      let verified = 0;
      const checkChunk = async (i: number, pieces: readonly Uint8Array[]) => {
        if (i !== verified || i >= n) return false;
        let length = 0;
        for (const p of pieces) length += p.length;
        if (length !== expectedLength(i)) return false;
        const h = await running.fork();
        for (const p of pieces) h.update(p);
        if (!bytesEqual(h.peek(), ch.subarray(32 * i, 32 * i + 32))) return false;
        running = h;
        verified++;
        return true;
      };
      let partial: PartialBlob;
      try {
        partial = await openPartial(store, hash, meta.cs, (i, bytes) => checkChunk(i, [bytes]), {
          verifiedByCaller: true,
        });
      } catch (e) {
        throw new BlobTransferError(hash, 'cannot open a partial write', { cause: e });
      }
      let committed = false;
      try {
        let done = verified;
        let bytes = partial.size;
        const writes: Promise<void>[] = [];
        for (let src = peer as PeerId | undefined; done < n; src = next()) {
          if (!src)
            throw new BlobTransferError(hash, `no peer left (tried ${[...dropped].join(', ') || 'none'})`);
          let s: BlobSession;
          try {
            s = await session(src);
            // A chunk that failed may have been honest against a lying manifest: the peer that
            // takes over serves against its own, which must agree on what is verified so far.
            if (src.toString() !== chFrom) {
              const res = await timed(s.request({ t: 'meta', h: hash, inline: 0 }), 'manifest', src);
              const at = 32 * (verified - 1);
              if (
                res.t !== 'meta' ||
                res.size !== meta.size ||
                res.cs !== meta.cs ||
                res.ch.length !== n * 32 ||
                !bytesEqual(res.ch.subarray(32 * (n - 1)), hashBytes) ||
                (verified > 0 && !bytesEqual(res.ch.subarray(at, at + 32), ch.subarray(at, at + 32)))
              )
                throw new BlobTransferError(hash, `${src.toString()}'s manifest does not fit`);
              ch = res.ch;
              chFrom = src.toString();
            }
          } catch (e) {
            if (e instanceof BlobVersionError) tooOld = e;
            dropped.add(src.toString());
            continue;
          }
          // Requests stay up to `window` ahead, so checking a chunk overlaps with receiving the
          // next. The window is refilled once half of it has come in, so the session writes those
          // requests at once (one write for `window / 2` requests instead of one each).
          const pipe: { i: number; p: Promise<readonly Uint8Array[] | undefined> }[] = [];
          let issued = done;
          while (done < n) {
            if (pipe.length <= refillAt)
              while (issued < n && pipe.length < window) {
                const i = issued++;
                const p = timed(s.request({ t: 'get', h: hash, i }), 'chunk', src).then(
                  (res) => (res.t === 'data' && res.i === i ? chunkPieces(res.d) : undefined),
                  () => undefined,
                );
                pipe.push({ i, p });
              }
            const head = pipe.shift()!;
            const d = await head.p;
            // Checked just before it is stored, so the bytes are still in cache when written.
            if (!d || !(await checkChunk(head.i, d))) {
              dropped.add(src.toString());
              // The failed chunk and those still under way are asked again elsewhere.
              for (const c of [head, ...pipe]) resentBytes += expectedLength(c.i);
              break;
            }
            const length = expectedLength(head.i);
            bytesReceived += length;
            from.add(src.toString());
            const w = partial.append(d);
            w.catch(() => undefined);
            writes.push(w);
            if (writes.length > 2) await writes.shift();
            done++;
            bytes += length;
            opts.onProgress?.({ hash, bytes, total: meta.size });
          }
        }
        await Promise.all(writes);
        committed = true;
        // Every chunk matched its prefix digest and the last one is the address: the running
        // digest is the blob's, computed in the same pass (the partial need not hash again).
        const r = await partial.commit(running.digest());
        return { ...r, from: [...from], dropped: [...dropped], resentBytes, bytesReceived };
      } catch (e) {
        // Every chunk matched a manifest that did not add up: that manifest's peer lied.
        if (e instanceof BlobHashMismatchError) {
          dropped.add(chFrom);
          continue;
        }
        throw e;
      } finally {
        // What was verified stays on disk for the next attempt.
        if (!committed) await partial.close();
      }
    }
    throw new BlobTransferError(
      hash,
      candidates.length
        ? `every peer failed or sent bad bytes (${[...dropped].join(', ')})` +
            (tooOld ? `; ${tooOld.message}` : '')
        : 'no paired peer has it',
      { cause: tooOld },
    );
  }

  return {
    whoHas,
    fetch(hash, opts = {}) {
      let p = inflight.get(hash);
      if (!p) {
        p = fetchOnce(hash, opts).finally(() => inflight.delete(hash));
        inflight.set(hash, p);
      }
      return p;
    },
    stop() {
      for (const list of sessions.values())
        for (const e of list)
          void e.promise.then(
            (s) => s.close(),
            () => undefined,
          );
      sessions.clear();
    },
  };
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * Fetches blobs over `/hearth/blob/2` into the local store. It asks paired peers who has
 * a blob (fastest answer first) and chooses the peer: small blobs come whole in a batched
 * `smalls` answer; for a bigger one it takes the chunk manifest from one peer and fetches
 * the chunks (chunk-fetch.ts: pipelined, every chunk checked against the manifest before
 * it is stored). A peer that fails or sends bytes that do not verify is dropped for that
 * blob and the next one carries on. Sessions and request time limits: blob-session-pool.ts.
 */
import type { Libp2p, PeerId } from '@libp2p/interface';
import type { BlobHash } from '../ids.ts';
import type { PeerAccess } from '../net/peer-access.ts';
import type { BlobStore, BlobPutResult } from './blob-store.ts';
import { MAX_SMALLS, type BlobResponse, type SmallItem } from './blob-protocol.ts';
import { createPeerBatcher } from './peer-batcher.ts';
import { createHasBatcher } from './has-batcher.ts';
import { chunkCount } from './blob-manifest.ts';
import { createSessionPool, timed } from './blob-session-pool.ts';
import { fetchChunks, type FetchTally } from './chunk-fetch.ts';
import { BlobHashMismatchError, BlobTransferError, BlobVersionError } from './errors.ts';
import { bytesEqual, type Hashing } from './hashing.ts';

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
/**
 * Hashes per `smalls` request (the protocol allows MAX_SMALLS): 32 thumbnails of ~30 KB fill an
 * answer's byte budget (SMALLS_BUDGET, ~1 MiB); asked more, the server reads only what fits and
 * the rest each cost a `meta` round trip. More fetches at once go out as two requests in flight.
 */
const SMALLS_PER_REQUEST = Math.min(32, MAX_SMALLS);

export function createBlobClient(options: BlobClientOptions): BlobClient {
  const { node, store, access, hashing } = options;
  const window = options.window ?? 8;
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const pool = createSessionPool(node, options.streamsPerPeer ?? 4);
  const inflight = new Map<BlobHash, Promise<FetchResult>>();

  function pairedPeers(): PeerId[] {
    const seen = new Map<string, PeerId>();
    for (const c of node.getConnections())
      if (c.status === 'open' && access.isPaired(c.remotePeer.toString()))
        seen.set(c.remotePeer.toString(), c.remotePeer);
    return [...seen.values()];
  }

  const askHas = createHasBatcher(async (peer, hashes) => {
    const s = await pool.session(peer);
    const res = await timed(s.request({ t: 'has', h: hashes }), timeoutMs, 'has', peer);
    return res.t === 'has' && res.have.length === hashes.length ? res.have : undefined;
  });

  const askSmall = createPeerBatcher<SmallItem>(
    async (peer, hashes) => {
      const s = await pool.session(peer);
      const res = await timed(
        s.request({ t: 'smalls', h: hashes, inline: INLINE, bin: true, man: true }),
        timeoutMs,
        'smalls',
        peer,
      );
      return res.t === 'smalls' && res.items.length === hashes.length ? res.items : undefined;
    },
    SMALLS_PER_REQUEST,
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
    const tally: FetchTally = { from: new Set(), dropped: new Set(), resentBytes: 0, bytesReceived: 0 };
    const { dropped, from } = tally;
    const next = () => candidates.find((p) => !dropped.has(p.toString()));
    const result = (r: BlobPutResult): FetchResult => ({
      ...r,
      from: [...from],
      dropped: [...dropped],
      resentBytes: tally.resentBytes,
      bytesReceived: tally.bytesReceived,
    });
    /** Stores a blob that came whole from `key`; false when it was not the blob (the peer is dropped). */
    const tookWhole = async (key: string, data: Uint8Array): Promise<FetchResult | undefined> => {
      tally.bytesReceived += data.length;
      const r = await putWhole(hash, data);
      if (!r) {
        dropped.add(key);
        return undefined;
      }
      from.add(key);
      opts.onProgress?.({ hash, bytes: r.size, total: r.size });
      return result(r);
    };

    for (let peer = next(); peer; peer = next()) {
      const key = peer.toString();
      // Small blobs come whole in a batched answer, photos with their manifest; others ask `meta`.
      const small = await askSmall(peer, hash);
      if (small && 'e' in small) {
        dropped.add(key);
        continue;
      }
      if (small && 'd' in small && small.d) {
        const r = await tookWhole(key, small.d);
        if (r) return r;
        continue;
      }
      let meta: Pick<Extract<BlobResponse, { t: 'meta' }>, 'size' | 'cs' | 'ch' | 'data'>;
      if (small && 'ch' in small) meta = { size: small.s, cs: small.cs, ch: small.ch };
      else
        try {
          const res = await timed(
            (await pool.session(peer)).request({ t: 'meta', h: hash, inline: INLINE }),
            timeoutMs,
            'manifest',
            peer,
          );
          if (res.t !== 'meta') throw new BlobTransferError(hash, `${key} answered ${res.t}`);
          meta = res;
        } catch (e) {
          if (e instanceof BlobVersionError) tally.tooOld = e;
          dropped.add(key);
          continue;
        }
      const n = chunkCount(meta.size, meta.cs);
      // Only blobs that did not come whole need the address as bytes (a thumbnail never does).
      const hashBytes = hexBytes(hash);
      // The last prefix digest is the address: a manifest that is not for this blob stops here.
      if (meta.ch.length !== n * 32 || !bytesEqual(meta.ch.subarray(32 * (n - 1)), hashBytes)) {
        dropped.add(key);
        continue;
      }
      if (meta.data) {
        const r = meta.data.length === meta.size ? await tookWhole(key, meta.data) : undefined;
        if (r) return r;
        dropped.add(key);
        continue;
      }
      const r = await fetchChunks(
        { store, hashing, pool, timeoutMs, window },
        {
          hash,
          hashBytes,
          size: meta.size,
          cs: meta.cs,
          ch: meta.ch,
          first: peer,
          next,
          tally,
          onProgress: (bytes) => opts.onProgress?.({ hash, bytes, total: meta.size }),
        },
      );
      // undefined: the manifest's peer lied (dropped); start over with the next.
      if (r) return result(r);
    }
    throw new BlobTransferError(
      hash,
      candidates.length
        ? `every peer failed or sent bad bytes (${[...dropped].join(', ')})` +
            (tally.tooOld ? `; ${tally.tooOld.message}` : '')
        : 'no paired peer has it',
      { cause: tally.tooOld },
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
      pool.close();
    },
  };
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

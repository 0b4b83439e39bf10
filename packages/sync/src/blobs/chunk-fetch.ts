/**
 * A chunked fetch of one blob whose manifest is known: chunk requests pipelined `window`
 * ahead, each chunk checked (chunk-check.ts) and appended to the store's partial write, and
 * when a peer dies or sends bytes that do not verify, it is dropped for that blob and the
 * next peer carries on from the first chunk not yet verified (at most `window` chunks are
 * fetched twice). What was verified stays on disk for a later attempt.
 */
import type { PeerId } from '@libp2p/interface';
import type { BlobHash } from '../ids.ts';
import type { BlobPutResult, BlobStore, PartialBlob } from './blob-store.ts';
import { MAX_SMALLS_MANIFEST, chunkPieces } from './blob-protocol.ts';
import { chunkCount } from './blob-manifest.ts';
import { openPartial } from './partial-blob.ts';
import { createChunkCheck } from './chunk-check.ts';
import { timed, type SessionPool } from './blob-session-pool.ts';
import type { BlobSession } from './blob-session.ts';
import { BlobHashMismatchError, BlobTransferError, BlobVersionError } from './errors.ts';
import { bytesEqual, type Hashing } from './hashing.ts';

/** What one fetch has done so far, across peers. */
export interface FetchTally {
  from: Set<string>;
  dropped: Set<string>;
  resentBytes: number;
  bytesReceived: number;
  /** A peer that only speaks an older protocol (named in the final error). */
  tooOld?: BlobVersionError;
}

/** What chunked fetches share: the client's store, hashing, sessions and limits. */
export interface ChunkFetchContext {
  store: BlobStore;
  hashing: Hashing;
  pool: SessionPool;
  timeoutMs: number;
  /** Chunk requests in flight. */
  window: number;
}

/** One blob to fetch in chunks, and the manifest (size, chunk size, prefix digests) from `first`. */
export interface ChunkFetch {
  hash: BlobHash;
  /** The hash as bytes: the manifest's last prefix digest must equal it. */
  hashBytes: Uint8Array;
  size: number;
  cs: number;
  ch: Uint8Array;
  first: PeerId;
  /** The next peer not yet dropped. */
  next: () => PeerId | undefined;
  tally: FetchTally;
  onProgress?: (bytes: number) => void;
}

/**
 * Fetches the chunks and publishes the blob. Resolves undefined when every chunk matched a
 * manifest whose last digest then did not: the manifest's peer lied, and is dropped (the
 * caller starts over with the next peer). Throws BlobTransferError when no peer is left.
 */
export async function fetchChunks(ctx: ChunkFetchContext, f: ChunkFetch): Promise<BlobPutResult | undefined> {
  const { hash, size, cs, tally } = f;
  const refillAt = Math.floor(ctx.window / 2);
  const n = chunkCount(size, cs);
  const expectedLength = (i: number) => Math.min(cs, size - i * cs);
  const check = await createChunkCheck(ctx.hashing, size, cs, f.ch);
  // Whose manifest is in use: a peer that takes over brings its own (below).
  let chFrom = f.first.toString();
  let partial: PartialBlob;
  try {
    partial = await openPartial(ctx.store, hash, cs, (i, bytes) => check.check(i, [bytes]), {
      verifiedByCaller: true,
    });
  } catch (e) {
    throw new BlobTransferError(hash, 'cannot open a partial write', { cause: e });
  }
  let committed = false;
  try {
    let done = check.verified;
    let bytes = partial.size;
    const writes: Promise<void>[] = [];
    for (let src = f.first as PeerId | undefined; done < n; src = f.next()) {
      if (!src)
        throw new BlobTransferError(hash, `no peer left (tried ${[...tally.dropped].join(', ') || 'none'})`);
      let s: BlobSession;
      try {
        s = await ctx.pool.session(src);
        // A chunk that failed may have been honest against a lying manifest: the peer that
        // takes over serves against its own, which must agree on what is verified so far.
        if (src.toString() !== chFrom) {
          const res = await timed(
            s.request({ t: 'meta', h: hash, inline: 0 }),
            ctx.timeoutMs,
            'manifest',
            src,
          );
          const at = 32 * (check.verified - 1);
          if (
            res.t !== 'meta' ||
            res.size !== size ||
            res.cs !== cs ||
            res.ch.length !== n * 32 ||
            !bytesEqual(res.ch.subarray(32 * (n - 1)), f.hashBytes) ||
            (check.verified > 0 &&
              !bytesEqual(res.ch.subarray(at, at + 32), check.digests.subarray(at, at + 32)))
          )
            throw new BlobTransferError(hash, `${src.toString()}'s manifest does not fit`);
          check.digests = res.ch;
          chFrom = src.toString();
        }
      } catch (e) {
        if (e instanceof BlobVersionError) tally.tooOld = e;
        tally.dropped.add(src.toString());
        continue;
      }
      // Requests stay up to `window` ahead, so checking a chunk overlaps with receiving the
      // next. The window is refilled once half of it has come in, so the session writes those
      // requests at once (one write for `window / 2` requests instead of one each).
      const pipe: { i: number; p: Promise<readonly Uint8Array[] | undefined> }[] = [];
      let issued = done;
      while (done < n) {
        if (pipe.length <= refillAt)
          while (issued < n && pipe.length < ctx.window) {
            const i = issued++;
            const p = timed(s.request({ t: 'get', h: hash, i }), ctx.timeoutMs, 'chunk', src).then(
              (res) => (res.t === 'data' && res.i === i ? chunkPieces(res.d) : undefined),
              () => undefined,
            );
            pipe.push({ i, p });
          }
        const head = pipe.shift()!;
        const d = await head.p;
        // Checked just before it is stored, so the bytes are still in cache when written.
        if (!d || !(await check.check(head.i, d))) {
          tally.dropped.add(src.toString());
          // The failed chunk and those still under way are asked again elsewhere.
          for (const c of [head, ...pipe]) tally.resentBytes += expectedLength(c.i);
          break;
        }
        const length = expectedLength(head.i);
        tally.bytesReceived += length;
        tally.from.add(src.toString());
        const w = partial.append(d);
        w.catch(() => undefined);
        writes.push(w);
        if (writes.length > 2) await writes.shift();
        done++;
        bytes += length;
        f.onProgress?.(bytes);
      }
    }
    await Promise.all(writes);
    committed = true;
    // Every chunk matched its prefix digest and the last one is the address: the running
    // digest is the blob's, computed in the same pass (the partial need not hash again).
    const stored = await partial.commit(check.digest());
    // A large blob's manifest — every entry verified now — is kept, so the first time this
    // device serves it (a second home node, a phone asking for a video) it need not hash it
    // whole (~0.3 s of CPU per 500 MB). A photo's is left to its first serve (a few ms), so
    // fetching photos writes no extra file. Best effort: the blob is stored either way.
    if (n > MAX_SMALLS_MANIFEST && ctx.store.keepManifest)
      await ctx.store
        .keepManifest(hash, { size, chunkSize: cs, prefixDigests: check.digests })
        .catch(() => undefined);
    return stored;
  } catch (e) {
    // Every chunk matched a manifest that did not add up: that manifest's peer lied.
    if (e instanceof BlobHashMismatchError) {
      tally.dropped.add(chFrom);
      return undefined;
    }
    throw e;
  } finally {
    if (!committed) await partial.close();
  }
}

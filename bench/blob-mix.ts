/**
 * blob-throughput's mix (1 × 500 MB video, 200 × 2.5 MB photos, 2,000 × 30 KB thumbnails,
 * scaled) between two paired peer processes: the start-up and clean-up that
 * blob-throughput.bench.ts and its per-thread diagnostic blob-threads.ts share.
 */
import { rm } from 'node:fs/promises';
import {
  pair,
  spawnBlobPeer,
  type BlobPeerConfig,
  type BlobPeerProcess,
} from '../test/blob-support/spawn-blob-peer.ts';

/** One class of the mix: `count` blobs of `size` bytes. */
export interface MixClass {
  cls: string;
  size: number;
  count: number;
}

/** The mix at `scale` (the video and photo count scale; thumbnails too), keeping the classes in `only`. */
export function blobMix(scale: number, only: ReadonlySet<string>): MixClass[] {
  return [
    { cls: 'video', size: Math.round(500e6 * scale), count: 1 },
    { cls: 'photos', size: 2_500_000, count: Math.round(200 * scale) },
    { cls: 'thumbs', size: 30_000, count: Math.round(2000 * scale) },
  ].filter((c) => only.has(c.cls));
}

/** A sender holding the mix and a receiver paired with it. */
export interface MixPeers {
  sender: BlobPeerProcess;
  receiver: BlobPeerProcess;
  /** The mix's blobs, on the sender. */
  hashes: string[];
  /** Bytes in the mix. */
  total: number;
  /** Stops both peers and removes their stores. */
  close(): Promise<void>;
}

/** Spawns and pairs the two peers and generates the mix on the sender (seed 1); on failure, cleans up. */
export async function startMixPeers(
  mix: MixClass[],
  sender: BlobPeerConfig,
  receiver: BlobPeerConfig,
): Promise<MixPeers> {
  const started: BlobPeerProcess[] = [];
  const close = async () => {
    for (const p of started) await p.stop();
    for (const p of started) await rm(p.store, { recursive: true, force: true });
  };
  try {
    started.push(await spawnBlobPeer(sender));
    started.push(await spawnBlobPeer(receiver));
    const [s, r] = started as [BlobPeerProcess, BlobPeerProcess];
    await pair(r, s);
    const hashes = await s.call<string[]>('generateMix', { spec: mix, seed: 1 }, 600_000);
    return { sender: s, receiver: r, hashes, total: mix.reduce((n, x) => n + x.size * x.count, 0), close };
  } catch (e) {
    await close().catch(() => undefined);
    throw e;
  }
}

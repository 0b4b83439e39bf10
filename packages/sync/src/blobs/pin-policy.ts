/**
 * Which blobs a device keeps (pins). The apps adapt catalog asset records to
 * `AssetBlobs` and the policy turns them into pins; the replicator fetches what is pinned
 * and not held.
 *
 * - home node: every original and derivative (two home nodes both do: a second server for backup);
 * - phone/laptop: thumbnails of everything, previews of the last N months, and its own new
 *   originals until a home node confirms it holds them ("backed up"). After that the
 *   original is no longer pinned: "free up space" may delete it and opening fetches it again.
 */
import type { AssetId, BlobHash, DeviceId } from '../ids.ts';

export type BlobKind = 'original' | 'preview' | 'thumbnail' | 'transcode' | 'motion' | 'embedding';

/** The blobs of one asset, as the catalog records them. */
export interface AssetBlobs {
  assetId: AssetId;
  /** Capture time, ms since the epoch. */
  capturedAt: number;
  /** The device that imported the original. */
  importedBy: DeviceId | string;
  blobs: { kind: BlobKind; hash: BlobHash; size: number }[];
}

/** A blob the device wants to hold. */
export interface Pin {
  hash: BlobHash;
  size: number;
  kind: BlobKind;
  assetId: AssetId;
}

/** Whether a home node has confirmed it holds a blob. */
export interface BackupView {
  isBackedUp(hash: BlobHash): Promise<boolean>;
}

/** Decides a device's pins for an asset. */
export interface PinPolicy {
  pins(asset: AssetBlobs): Promise<Pin[]>;
}

const pin = (a: AssetBlobs, b: AssetBlobs['blobs'][number]): Pin => ({
  hash: b.hash,
  size: b.size,
  kind: b.kind,
  assetId: a.assetId,
});

/** A home node pins everything. */
export function homeNodePolicy(): PinPolicy {
  return { pins: (a) => Promise.resolve(a.blobs.map((b) => pin(a, b))) };
}

/** Options of the phone policy. */
export interface DevicePolicyOptions {
  device: DeviceId | string;
  /** Previews of assets captured in the last N months are kept (default 3). */
  previewMonths?: number;
  backups: BackupView;
  now?: () => number;
}

const MONTH_MS = 30.44 * 24 * 3600 * 1000;

export function devicePolicy(options: DevicePolicyOptions): PinPolicy {
  const now = options.now ?? Date.now;
  const months = options.previewMonths ?? 3;
  return {
    async pins(a) {
      const out: Pin[] = [];
      for (const b of a.blobs) {
        if (b.kind === 'thumbnail') out.push(pin(a, b));
        else if (b.kind === 'preview' && a.capturedAt >= now() - months * MONTH_MS) out.push(pin(a, b));
        else if (
          (b.kind === 'original' || b.kind === 'motion') &&
          a.importedBy === options.device &&
          !(await options.backups.isBackedUp(b.hash))
        )
          out.push(pin(a, b));
      }
      return out;
    },
  };
}

/** The pins of many assets (the replicator's input). */
export async function* pinsOf(
  policy: PinPolicy,
  assets: Iterable<AssetBlobs> | AsyncIterable<AssetBlobs>,
): AsyncIterable<Pin> {
  for await (const a of assets) yield* await policy.pins(a);
}

/**
 * "Free up space": delete held originals that a home node has confirmed it holds and the
 * policy no longer pins. The check happens per blob right before deleting, so a blob is
 * never removed on the strength of a stale answer.
 */
import type { BlobHash } from '../ids.ts';
import type { BlobStore } from './blob-store.ts';
import type { AssetBlobs, BackupView, BlobKind, PinPolicy } from './pin-policy.ts';

/** Options of a free-up-space pass. */
export interface FreeUpSpaceOptions {
  store: BlobStore;
  policy: PinPolicy;
  backups: BackupView;
  assets: Iterable<AssetBlobs> | AsyncIterable<AssetBlobs>;
  /** Kinds that may be freed (default originals and motion parts). */
  kinds?: BlobKind[];
}

export async function freeUpSpace(
  options: FreeUpSpaceOptions,
): Promise<{ freed: BlobHash[]; bytes: number }> {
  const kinds = new Set(options.kinds ?? ['original', 'motion']);
  const freed: BlobHash[] = [];
  let bytes = 0;
  for await (const a of options.assets) {
    const pinned = new Set((await options.policy.pins(a)).map((p) => p.hash));
    for (const b of a.blobs) {
      if (!kinds.has(b.kind) || pinned.has(b.hash)) continue;
      const size = await options.store.size(b.hash);
      if (size === undefined || !(await options.backups.isBackedUp(b.hash))) continue;
      if (await options.store.delete(b.hash)) {
        freed.push(b.hash);
        bytes += size;
      }
    }
  }
  return { freed, bytes };
}

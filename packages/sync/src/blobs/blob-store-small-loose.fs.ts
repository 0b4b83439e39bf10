/**
 * Whether a small blob may have a file of its own in the filesystem store, so that a packed
 * put can skip asking "already stored loose?" (a stat of `sha256/ab/cd/<hash>` per thumbnail:
 * ~5 % of a receiver's main thread on thumbnails, blob-throughput `--only thumbs`).
 *
 * The marker `<root>/no-small-loose` says: no blob of at most SMALL_LOOSE_MAX bytes has a file
 * of its own. It is made at start only where `sha256/` is empty (a new store: nothing can be
 * loose), and it is dropped, durably, before any blob that small is given a file of its own
 * (a streamed put, a resumed fetch, `fileOf`, log replay all publish through `beforeLoose`),
 * whichever process does it. Once dropped it is not made again (`sha256/` holds that blob's
 * directories for ever): such a store asks per put, as before. Losing the marker only costs
 * the stats; a marker wrongly present would cost a second, packed copy of a blob (a duplicate,
 * never a loss) — which an older version storing small blobs loose in a store this version made
 * could cause, as it does not know the marker.
 *
 * Another process's drop is seen within one turn of the event loop: the marker is looked at
 * once a turn (the ~32 puts of one `smalls` answer share one look), where each put used to stat.
 */
import { existsSync } from 'node:fs';
import { readdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from './blob-store-log.fs.ts';

/** The marker covers blobs up to this size (the default pack limit; a larger `packMaxBlob` asks above it). */
export const SMALL_LOOSE_MAX = 256 * 1024;

/** What a store knows about small blobs with a file of their own. */
export interface SmallLooseGuard {
  /** At start: makes the marker in a store with nothing in `sha256/`, else reads whether it is there. */
  start(blobsDir: string): Promise<void>;
  /** True when no blob of `size` bytes can have a file of its own (false: ask the file system). */
  noneLoose(size: number): boolean;
  /** Before a blob of `size` bytes is given a file of its own: a small one drops the marker, durably. */
  beforeLoose(size: number): Promise<void>;
}

export function createSmallLooseGuard(root: string): SmallLooseGuard {
  const marker = join(root, 'no-small-loose');
  /** The marker was there at start and this process has not seen it go. */
  let trusted = false;
  /** Looked at in this turn of the event loop. */
  let looked = false;

  return {
    async start(blobsDir) {
      trusted = false;
      if (existsSync(marker)) {
        trusted = true;
        return;
      }
      if ((await readdir(blobsDir)).length > 0) return;
      // Not synced: a marker lost in a crash only costs the stats it saved.
      await writeFile(marker, '', { mode: 0o600 });
      trusted = true;
    },
    noneLoose(size) {
      if (!trusted || size > SMALL_LOOSE_MAX) return false;
      if (!looked) {
        looked = true;
        setImmediate(() => (looked = false));
        trusted = existsSync(marker); // another process may have dropped it
      }
      return trusted;
    },
    async beforeLoose(size) {
      if (size > SMALL_LOOSE_MAX) return;
      trusted = false; // puts from now on ask, whatever the unlink does
      try {
        await unlink(marker);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw e;
      }
      await fsyncDir(root); // gone for good before the blob's file can exist
    },
  };
}

/**
 * Compaction of the pack set (blob-pack-set.fs.ts), on start: a sealed pack of a writer
 * that is gone, more than half of it (and at least 1 MiB) deleted records, has its live
 * blobs appended again (re-hashed first: a rotten one is not copied but left for scrub) and
 * then tombstoned, so it holds nothing live and is removed. A crash in between leaves a
 * blob twice, never none.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { isWriting, type PackWriter } from './blob-pack-writer.fs.ts';
import { KIND_BLOB, KIND_TOMBSTONE, tombstoneBody } from './blob-pack.fs.ts';
import { pidOf, type PackFiles } from './blob-pack-files.fs.ts';
import type { PackState } from './blob-pack-state.fs.ts';

/** Compaction leaves a pack alone below this many dead bytes. */
const COMPACT_MIN_DEAD = 1 << 20;
/** Blobs copied at a time (read, re-hashed, appended). */
const GROUP = 256;

export async function compactPacks(
  state: PackState,
  files: PackFiles,
  writer: PackWriter,
  isLiveWriter: (pid: number) => boolean,
): Promise<void> {
  const { packs } = state;
  for (const pack of [...packs.values()]) {
    if (!pack.sealed || pack.own || isWriting(pack.path) || isLiveWriter(pidOf(pack.name))) continue;
    const size = (await stat(pack.path).catch(() => undefined))?.size ?? 0;
    if (size - pack.liveBytes < COMPACT_MIN_DEAD || pack.liveBytes * 2 > size) continue;
    const live = state.entriesOf(pack);
    for (let i = 0; i < live.length; i += GROUP) {
      const group = live.slice(i, i + GROUP);
      const copied = await Promise.all(
        group.map(async ([h, e]) => {
          const bytes = await files.read(e, 0, e.size);
          if (!bytes || createHash('sha256').update(bytes).digest('hex') !== h) return false;
          await writer.append(h, KIND_BLOB, bytes);
          return true;
        }),
      );
      await Promise.all(
        group
          .filter((_, k) => copied[k])
          .map(([h, e]) =>
            writer.append(h, KIND_TOMBSTONE, tombstoneBody(e), { pack: e.pack, offset: e.offset }),
          ),
      );
    }
    // Its tombstones of records that still exist move too, or those blobs would come back.
    const tombs = pack.tombs.filter((t) => packs.has(t.target.pack) && t.target.pack !== pack.name);
    await Promise.all(
      tombs.map((t) => writer.append(t.hash, KIND_TOMBSTONE, tombstoneBody(t.target), t.target)),
    );
    pack.tombs = [];
    await files.dropIfDead(pack);
  }
}

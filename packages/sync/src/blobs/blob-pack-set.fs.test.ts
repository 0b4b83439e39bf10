/** The pack set itself: what a restart reads back from sealed indexes, and from a damaged one. */
import { mkdtemp, readdir, readlink, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BlobHash } from '../ids.ts';
import { createPackSet, type PackSet } from './blob-pack-set.fs.ts';

const blob = (i: number) => new Uint8Array(300 + i).fill(i & 255);
const hashOf = (b: Uint8Array) => createHash('sha256').update(b).digest('hex') as BlobHash;

describe('pack set', () => {
  async function withSet<T>(dir: string, f: (set: PackSet) => Promise<T>): Promise<T> {
    const set = createPackSet({ dir, isLiveWriter: () => false });
    await set.start();
    try {
      return await f(set);
    } finally {
      await set.stop();
    }
  }
  const summary = (set: PackSet) =>
    [...set.entries()].map(([h, list]) => [h, list.length] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1));

  it('a restart reads the sealed index back: every blob once, deletes kept; a damaged index is scanned instead', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-pack-set-'));
    try {
      const blobs = Array.from({ length: 40 }, (_, i) => blob(i));
      const gone = hashOf(blobs[3]!);
      const expected = await withSet(dir, async (set) => {
        await Promise.all(blobs.map((b) => set.put(hashOf(b), b)));
        expect(await set.remove(gone)).toBe(true);
        return summary(set);
      });
      expect(expected).toHaveLength(39);
      expect(expected.every(([, n]) => n === 1)).toBe(true);
      const again = await withSet(dir, async (set) => {
        expect(set.lookup(gone)).toBeUndefined();
        expect(await set.read(set.lookup(hashOf(blobs[7]!))!, 0, 1000)).toEqual(blobs[7]);
        return summary(set);
      });
      expect(again).toEqual(expected);
      // A damaged record late in the index: nothing of it counts (no entry twice), the pack is re-hashed.
      const idx = (await readdir(dir)).find((n) => n.endsWith('.pack.idx'))!;
      const bytes = await readFile(join(dir, idx));
      const at = bytes.length - 44; // inside the last record, the tombstone
      bytes[at] = bytes[at]! ^ 0xff;
      await writeFile(join(dir, idx), bytes);
      const scanned = await withSet(dir, async (set) => {
        expect(set.lookup(gone)).toBeUndefined();
        return summary(set);
      });
      expect(scanned).toEqual(expected);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('closes the packs a lookup before start() opened (no file handle left to the garbage collector)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-pack-set-'));
    const writer = createPackSet({ dir, isLiveWriter: () => true });
    await writer.start();
    try {
      const b = blob(1);
      await writer.put(hashOf(b), b); // an unsealed pack: read by scanning it
      const reader = createPackSet({ dir, isLiveWriter: () => true });
      await reader.refresh(); // as a command does without start()
      expect(reader.lookup(hashOf(b))).toBeDefined();
      await reader.start();
      await reader.stop();
      const open = await Promise.all(
        (await readdir('/proc/self/fd')).map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')),
      );
      // The writer holds its pack open for appending; nothing else may.
      expect(open.filter((p) => p.startsWith(dir) && p.endsWith('.pack'))).toHaveLength(1);
    } finally {
      await writer.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

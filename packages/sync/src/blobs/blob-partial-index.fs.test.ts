import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BlobHash } from '../ids.ts';
import { createPartialIndex } from './blob-partial-index.fs.ts';

const a = 'a'.repeat(64) as BlobHash;
const b = 'b'.repeat(64) as BlobHash;

describe('partial index', () => {
  it('lists the directory once and again only when the listing is older than rescanMs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-partial-index-'));
    try {
      await writeFile(join(dir, `${a}.4194305`), 'x');
      await writeFile(join(dir, `${b}.${process.pid}`), 'x'); // ours (a pid reused after a restart)
      const cached = createPartialIndex(dir, Number.POSITIVE_INFINITY);
      const fresh = createPartialIndex(dir, 0);
      expect(await cached.others(a)).toEqual([`${a}.4194305`]);
      expect(await cached.others(b)).toEqual([]);
      expect(cached.ownKept(b)).toBe(true);
      // A leftover that appears later (another process sharing the store died since).
      await writeFile(join(dir, `${b}.4194306`), 'x');
      expect(await cached.others(b)).toEqual([]);
      expect(await fresh.others(b)).toEqual([`${b}.4194306`]);
      cached.forget(a, `${a}.4194305`);
      expect(await cached.others(a)).toEqual([]);
      cached.setOwn(b, false);
      expect(cached.ownKept(b)).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
